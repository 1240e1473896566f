package dev.graft.zoo.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.graft.text.TextTokenizer;
import dev.graft.zeroshot.ZeroShotClassifier;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.NoGrad;
import dev.graft.zoo.bert.BertModel;
import java.util.List;

/**
 * An image-text dual encoder as transformers computes one ({@code CLIPModel}, {@code VisionTextDualEncoderModel}):
 * two towers, each projected into one embedding space, compared by cosine similarity scaled by
 * {@code exp(logit_scale)}.
 *
 * <pre>{@code
 * ImageTextModel m = (ImageTextModel) Zoo.create("local-dir:clip-vit-base-patch32");
 * ImageTextModel.Output out = m.run(pixelValues, inputIds, attentionMask);
 * }</pre>
 */
public interface ImageTextModel extends GraftModel {
    /** What the model's {@code forward} returns: the similarity logits and the L2-normalised embeddings. */
    record Output(NDArray logitsPerImage, NDArray logitsPerText, NDArray imageEmbeds, NDArray textEmbeds) {}

    /** Image embeddings (B, projection_dim) of normalised pixel values (B, C, H, W): transformers' {@code get_image_features}. */
    NDArray imageFeatures(ParameterStore ps, NDArray pixelValues, boolean training);

    /** Text embeddings (B, projection_dim) of token ids (B, L) and their 1/0 attention mask (null: no padding): {@code get_text_features}. */
    NDArray textFeatures(ParameterStore ps, NDArray inputIds, NDArray attentionMask, boolean training);

    /** Text embeddings, one row per text (not normalised; open_clip's {@code encode_text}), tokenised with {@code tokenizer}. */
    float[][] encodeTexts(TextTokenizer tokenizer, List<String> texts);

    /** The text tower's tokenizer from a repo's {@code tokenizer.json}. */
    TextTokenizer tokenizer(java.nio.file.Path tokenizerJson);

    /**
     * A zero-shot classifier of images into {@code labels}, as open_clip builds it: every label in every
     * template, each text embedding normalised, averaged per class and normalised again.
     */
    default ZeroShotClassifier zeroShot(TextTokenizer tokenizer, List<String> labels, List<String> templates) {
        return ZeroShotClassifier.build(texts -> encodeTexts(tokenizer, texts), labels, null, templates);
    }

    /** The {@code logit_scale} parameter's value (a scalar: the log of the inverse temperature). */
    NDArray logitScale();

    /**
     * transformers' {@code forward} in inference mode: both towers, embeddings L2-normalised,
     * {@code logits_per_text = exp(logit_scale) * text_embeds @ image_embeds^T} and its transpose.
     */
    default Output run(NDArray pixelValues, NDArray inputIds, NDArray attentionMask) {
        try (NoGrad ignored = NoGrad.enter()) {
            NDArray image = BertModel.normalize(imageFeatures(null, pixelValues.toType(DataType.FLOAT32, false), false));
            NDArray text = BertModel.normalize(textFeatures(null, inputIds, attentionMask, false));
            NDArray perText = text.matMul(image.transpose()).mul(logitScale().exp());
            return new Output(perText.transpose(), perText, image, text);
        }
    }

    /** Image embeddings of a batch, one row per image (not normalised; open_clip's {@code encode_image}). */
    default float[][] encodeImages(NDArray pixelValues) {
        try (NoGrad ignored = NoGrad.enter()) {
            return rows(imageFeatures(null, pixelValues.toType(DataType.FLOAT32, false), false));
        }
    }

    /** The rows of a (N, D) array. */
    static float[][] rows(NDArray x) {
        int n = (int) x.getShape().get(0);
        int d = (int) x.getShape().get(1);
        float[] flat = x.toFloatArray();
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, out[i], 0, d);
        }
        return out;
    }
}
