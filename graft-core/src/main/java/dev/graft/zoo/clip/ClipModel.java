package dev.graft.zoo.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.text.TextTokenizer;
import dev.graft.zeroshot.ZeroShotClassifier;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.NoGrad;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIP (an image-text dual encoder) in transformers' {@code CLIPModel} layout, as
 * {@code openai/clip-vit-base-patch32} ships it: {@code logit_scale}, {@code text_model.*}
 * (token and position embeddings, causal pre-norm layers {@code encoder.layers.N.{self_attn.{q,k,v,out}_proj,
 * layer_norm1, mlp.fc1, mlp.fc2, layer_norm2}}, {@code final_layer_norm}), {@code vision_model.*}
 * ({@code embeddings.class_embedding}, {@code embeddings.patch_embedding} without bias,
 * {@code embeddings.position_embedding}, {@code pre_layrnorm}, the same layers, {@code post_layernorm}),
 * {@code visual_projection} and {@code text_projection} (no bias). The {@code position_ids} buffers
 * of transformers' files are ignored on load.
 *
 * <p>Under the model contract it is an image model: {@code forwardFeatures} is the vision tower's
 * last hidden state, {@code forwardHead(preLogits=true)} the image embedding (transformers'
 * {@code get_image_features}: post_layernorm of the class token, projected; not normalised), and a
 * head made with {@code numClasses} is a linear {@code classifier} on that embedding (none by default).
 *
 * <pre>{@code
 * ClipModel clip = (ClipModel) Zoo.create("local-dir:clip-vit-base-patch32");
 * ImageTextModel.Output out = clip.run(pixelValues, inputIds, attentionMask);  // logits_per_image, ...
 * try (TextTokenizer tok = clip.tokenizer(dir.resolve("tokenizer.json"))) {
 *     ZeroShotClassifier zs = clip.zeroShot(tok, List.of("cat", "dog"), ZeroShotClassifier.IMAGE_TEMPLATES);
 *     int best = zs.predict(clip.encodeImages(pixelValues)[0]);
 * }
 * }</pre>
 */
public final class ClipModel extends ImageTextBase {
    private final ClipConfig config;
    private final ClipTowers.TextTransformer textModel;
    private final ClipTowers.VisionTower visionModel;

    public ClipModel(PretrainedCfg cfg, ModelArgs args, ClipConfig config) {
        super(cfg, config.logitScaleInitValue());
        this.config = config;
        // CLIPModel's order: logit_scale (its own parameter), text_model, vision_model, the projections.
        textModel = module("text_model", new ClipTowers.TextTransformer(config.textConfig()));
        visionModel = module("vision_model", new ClipTowers.VisionTower(config.visionConfig(), args.inChans()));
        projections(config.visionConfig().hiddenSize(), config.textConfig().hiddenSize(), config.projectionDim(), args.numClasses());
    }

    /** The transformers config this model has. */
    public ClipConfig config() {
        return config;
    }

    /** transformers' config.json and preprocessor_config.json ({@code CLIPImageProcessor}), so {@code CLIPModel.from_pretrained} loads the export. */
    @Override
    public void writeConfig(PretrainedCfg cfg, Path dir) {
        ClipModels.write(this, cfg, dir);
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        return visionModel.forward(ps, x, training);
    }

    @Override
    protected NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last) {
        List<ClipTowers.EncoderLayer> layers = visionModel.encoder.layers;
        NDArray[] out = new NDArray[layers.size()];
        NDArray y = visionModel.embed(ps, x, training);
        long n = x.getShape().get(0);
        long gh = x.getShape().get(2) / config.visionConfig().patchSize();
        long gw = x.getShape().get(3) / config.visionConfig().patchSize();
        for (int i = 0; i < layers.size() && i <= last; i++) {
            y = layers.get(i).forward(ps, y, training);
            // As timm's ViT: spatial maps (N, D, gh, gw) without the class token.
            out[i] = y.get(":, 1:, :").transpose(0, 2, 1).reshape(n, config.visionConfig().hiddenSize(), gh, gw);
        }
        return out;
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        List<FeatureInfo> info = new ArrayList<>();
        for (int i = 0; i < config.visionConfig().numHiddenLayers(); i++) {
            info.add(new FeatureInfo("vision_model.encoder.layers." + i, config.visionConfig().hiddenSize(), config.visionConfig().patchSize()));
        }
        return info;
    }

    /** stem (vision embeddings and pre_layrnorm, with the text tower, which image training leaves alone), one group per vision layer, head. */
    @Override
    public List<ParamGroup> groupMatcher() {
        return ParamGroup.stemStagesHead(
                new ParamGroup("stem", List.of("logit_scale", "text_model", "text_projection", "vision_model.embeddings", "vision_model.pre_layrnorm")),
                config.visionConfig().numHiddenLayers(), i -> new ParamGroup("block" + i, List.of("vision_model.encoder.layers." + i)),
                new ParamGroup("head", List.of("vision_model.post_layernorm", "visual_projection", "classifier")));
    }

    @Override
    protected NDArray pooledImage(ParameterStore ps, NDArray features, boolean training) {
        return visionModel.pooled(ps, features, training);
    }

    /** The text tower's output at the end-of-text token. */
    @Override
    protected NDArray pooledText(ParameterStore ps, NDArray inputIds, NDArray attentionMask, boolean training) {
        checkIds(inputIds);
        NDArray ids = inputIds.toType(DataType.INT64, false);
        NDArray mask = attentionMask == null ? null : attentionMask.toType(DataType.INT64, false);
        NDArray hidden = textModel.lastHiddenState(ps, ids, mask, training);
        return textModel.pooled(hidden, ids);
    }

    /** Token ids the text tower can take: int64-convertible (B, L), within the vocabulary, at most max_position_embeddings long. */
    void checkIds(NDArray ids) {
        ClipTextConfig t = config.textConfig();
        if (ids.getShape().dimension() != 2 || ids.getShape().get(1) < 1) {
            throw new GraftException("CLIP takes token ids (N x L), not a tensor of shape " + ids.getShape(), "tokenise texts with the model's tokenizer.json");
        }
        if (ids.getShape().get(1) > t.maxPositionEmbeddings()) {
            throw new GraftException("a sequence of " + ids.getShape().get(1) + " tokens is longer than the model's " + t.maxPositionEmbeddings()
                    + " positions", "truncate texts to at most " + t.maxPositionEmbeddings() + " tokens");
        }
        long lowest = ids.min().toType(DataType.INT64, false).getLong();
        long highest = ids.max().toType(DataType.INT64, false).getLong();
        if (lowest < 0 || highest >= t.vocabSize()) {
            throw new GraftException("token ids " + lowest + ".." + highest + " are outside " + name() + "'s vocabulary of " + t.vocabSize(),
                    "tokenise with the model's own tokenizer.json");
        }
    }

    /** Text embeddings, one row per text (not normalised; open_clip's {@code encode_text}), tokenised with {@code tokenizer}. */
    @Override
    public float[][] encodeTexts(TextTokenizer tokenizer, List<String> texts) {
        TextTokenizer.Batch b = tokenizer.encode(texts);
        // Padded to the context length as CLIP's tokenizer pads, with its end-of-text token (each text's last).
        b = b.padTo(config.textConfig().maxPositionEmbeddings(), b.ids()[(int) java.util.Arrays.stream(b.mask(), 0, b.length()).sum() - 1]);
        NDArray ids = manager().create(b.ids(), new Shape(b.size(), b.length()));
        NDArray mask = manager().create(b.mask(), new Shape(b.size(), b.length()));
        try (NoGrad ignored = NoGrad.enter()) {
            return ImageTextModel.rows(textFeatures(null, ids, mask, false));
        }
    }

    /**
     * CLIP's tokenizer from a repo's {@code tokenizer.json} (byte-level BPE through DJL's tokenizers):
     * start- and end-of-text tokens added, texts cut to {@code max_position_embeddings} (77) tokens.
     */
    @Override
    public TextTokenizer tokenizer(Path tokenizerJson) {
        return TextTokenizer.load(tokenizerJson, config.textConfig().maxPositionEmbeddings());
    }
}
