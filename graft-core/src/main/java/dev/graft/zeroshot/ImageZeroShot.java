package dev.graft.zeroshot;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.io.ImageFolder;
import dev.graft.text.TextTokenizer;
import dev.graft.train.FeatureExtractor;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.clip.ClipModels;
import dev.graft.zoo.clip.ImageTextModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Zero-shot image classification with a CLIP model or a vision-text dual encoder ({@link ImageTextModel}): a {@link ZeroShotClassifier} built from label
 * prompts by the text tower (open_clip's template averaging), and images embedded by the vision
 * tower, prepared as the model's configuration says (resize, crop, CLIP's mean and std).
 *
 * <pre>{@code
 * try (ImageZeroShot zs = ImageZeroShot.open("local-dir:clip-vit-base-patch32")) {   // config.json, weights, tokenizer.json
 *     ZeroShotClassifier labels = zs.classifier(List.of("cat", "dog"), ZeroShotClassifier.IMAGE_TEMPLATES);
 *     float[][] images = zs.embed(ImageFolder.imageFiles(List.of(Path.of("photos"))));
 *     String best = labels.classNames().get(labels.predict(images[0]));
 * }
 * }</pre>
 */
public final class ImageZeroShot implements AutoCloseable {
    private final String name;
    private final ImageTextModel clip;
    private final TextTokenizer tokenizer;

    private ImageZeroShot(String name, ImageTextModel clip, TextTokenizer tokenizer) {
        this.name = name;
        this.clip = clip;
        this.tokenizer = tokenizer;
    }

    /**
     * Opens a CLIP model or dual encoder in transformers' layout with its {@code tokenizer.json} beside
     * the weights: a source ({@code local-dir:DIR}, {@code hf-hub:org/name}), a folder, or a catalogue
     * name with weights ({@code arch.tag}, e.g. {@code clip_lit_vit64_minilm.graft_emoji_google}). Any other model is an
     * error that says what zero-shot on images needs.
     */
    public static ImageZeroShot open(String model) {
        String source = !model.contains(":") && Files.isDirectory(Path.of(model)) ? "local-dir:" + model : model;
        PretrainedCfg cfg = Zoo.cfg(source);
        String family = Zoo.architecture(cfg.architecture()).family();
        if (!ClipModels.IMAGE_TEXT_FAMILIES.contains(family)) {
            throw new GraftException("zero-shot on images needs an image-text model (clip or vision-text-dual-encoder); " + model + " is "
                    + cfg.architecture()
                    + " (" + family + ")", "give a CLIP folder (config.json, model.safetensors, tokenizer.json), or use graft fewshot for prototypes of "
                    + model + "'s image features");
        }
        // A catalogue name (arch.tag) loads its weights like --pretrained; a source names its own.
        GraftModel m = dev.graft.zoo.WeightsSources.hasPrefix(source) ? Zoo.create(source)
                : Zoo.create(source, dev.graft.zoo.CreateOptions.defaults().withPretrained(true));
        Path tokenizerJson = m.weightsDir() == null ? Path.of("tokenizer.json") : m.weightsDir().resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new GraftException(model + " has no tokenizer.json beside its weights", "copy the model's tokenizer.json into " + tokenizerJson.getParent());
        }
        ImageTextModel clip = (ImageTextModel) m;
        return new ImageZeroShot(model, clip, clip.tokenizer(tokenizerJson));
    }

    /** The model as it was named. */
    public String name() {
        return name;
    }

    /** The image-text model. */
    public ImageTextModel model() {
        return clip;
    }

    /**
     * The classifier of images into {@code labels}: each label in every template, embedded, normalised,
     * averaged and normalised again.
     */
    public ZeroShotClassifier classifier(List<String> labels, List<String> templates) {
        return clip.zeroShot(tokenizer, labels, templates);
    }

    /** Image embeddings of image files (any size: each is resized to the model's input size first). */
    public float[][] embed(List<Path> files) {
        List<Integer> in = clip.cfg().inputSize();
        return embed(ImageFolder.readFiles("images", files, new int[] {in.get(1), in.get(2)}));
    }

    /** Image embeddings, one row per image of {@code images}. */
    public float[][] embed(ImageData images) {
        return FeatureExtractor.embed(clip, images, 32);
    }

    @Override
    public void close() {
        tokenizer.close();

    }
}
