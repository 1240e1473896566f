package dev.graft.zoo;

import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;

/**
 * Options of {@link Zoo#create}, timm's {@code create_model} keywords, validated on construction.
 * Immutable: each {@code withX} returns a copy, so a base set of options can be shared.
 *
 * <!-- example: ModelsTour#create -->
 * <pre>{@code
 * GraftModel m = Zoo.create("resnet18");                                   // random weights, 1000 classes
 * GraftModel a = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
 * GraftModel b = Zoo.create("small_resnet", CreateOptions.defaults().withPretrained(true).withNumClasses(5)); // first tag, new head
 * GraftModel c = Zoo.create("resnet50", CreateOptions.defaults()
 *         .withSource("file:torchvision_resnet50.safetensors").withInChans(1));     // grey input, RGB filters summed
 * GraftModel d = Zoo.create("local-dir:runs/mnist/model");                 // architecture from config.json
 * List<String> names = Zoo.list(List.of("resnet*"), List.of("*101"), false);
 * }</pre>
 *
 * @param pretrained load weights: the name's tag, else the architecture's first catalogue tag
 * @param numClasses classifier outputs, or null for the configuration's; when it differs from the weights' the old
 *     classifier is dropped and a new one initialised; 0 removes it
 * @param inChans input channels, or null for the configuration's; pretrained first-conv filters are adapted as
 *     timm's {@code adapt_input_conv}
 * @param imgSize input height/width for models with position embeddings (ViT), or null; others accept any size anyway
 * @param dropRate dropout before the classifier, in [0, 1)
 * @param dropPathRate timm's {@code drop_path_rate}, stochastic depth in [0, 1) for the families with residual
 *     blocks (ViT, ConvNeXt, EfficientNet, MobileNetV3); active in training only
 * @param source where the weights come from (implies pretrained), or null: a catalogue tag ({@code graft_mnist}),
 *     {@code file:W.safetensors}, {@code local-dir:FOLDER} or {@code hf-hub:org/name[@revision]}
 * @param strict fail on missing or unexpected keys (default); false reports them and goes on
 * @param seed seeds the engine's random generator before initialising, for reproducible random weights; or null
 * @param manager the manager that owns the parameters, or null for a new base manager closed with the JVM
 */
public record CreateOptions(boolean pretrained, Integer numClasses, Integer inChans, Integer imgSize, double dropRate, double dropPathRate,
                            String source, boolean strict, Long seed, NDManager manager) {

    public CreateOptions {
        if (numClasses != null && numClasses < 0) {
            throw new GraftException("num_classes must be >= 0, got " + numClasses, "use 0 for no classifier");
        }
        if (inChans != null && inChans < 1) {
            throw new GraftException("in_chans must be >= 1, got " + inChans, "use 1 for grey, 3 for RGB images");
        }
        if (imgSize != null && imgSize < 1) {
            throw new GraftException("img_size must be >= 1, got " + imgSize, "give the input height/width in pixels");
        }
        if (dropRate < 0 || dropRate >= 1) {
            throw new GraftException("drop_rate must be in [0, 1), got " + dropRate, "use e.g. 0.1");
        }
        if (dropPathRate < 0 || dropPathRate >= 1) {
            throw new GraftException("drop_path_rate must be in [0, 1), got " + dropPathRate, "use e.g. 0.1");
        }
        pretrained = pretrained || source != null;
    }

    /** Random initialisation, the architecture's classes and input, strict loading. */
    public static CreateOptions defaults() {
        return new CreateOptions(false, null, null, null, 0.0, 0.0, null, true, null, null);
    }

    public CreateOptions withPretrained(boolean v) { return new CreateOptions(v, numClasses, inChans, imgSize, dropRate, dropPathRate, v ? source : null, strict, seed, manager); }
    public CreateOptions withNumClasses(int v) { return new CreateOptions(pretrained, v, inChans, imgSize, dropRate, dropPathRate, source, strict, seed, manager); }
    public CreateOptions withInChans(int v) { return new CreateOptions(pretrained, numClasses, v, imgSize, dropRate, dropPathRate, source, strict, seed, manager); }
    public CreateOptions withImgSize(int v) { return new CreateOptions(pretrained, numClasses, inChans, v, dropRate, dropPathRate, source, strict, seed, manager); }
    public CreateOptions withDropRate(double v) { return new CreateOptions(pretrained, numClasses, inChans, imgSize, v, dropPathRate, source, strict, seed, manager); }
    public CreateOptions withDropPathRate(double v) { return new CreateOptions(pretrained, numClasses, inChans, imgSize, dropRate, v, source, strict, seed, manager); }
    public CreateOptions withSource(String v) { return new CreateOptions(pretrained, numClasses, inChans, imgSize, dropRate, dropPathRate, v, strict, seed, manager); }
    public CreateOptions withStrict(boolean v) { return new CreateOptions(pretrained, numClasses, inChans, imgSize, dropRate, dropPathRate, source, v, seed, manager); }
    public CreateOptions withSeed(long v) { return new CreateOptions(pretrained, numClasses, inChans, imgSize, dropRate, dropPathRate, source, strict, v, manager); }
    public CreateOptions withManager(NDManager v) { return new CreateOptions(pretrained, numClasses, inChans, imgSize, dropRate, dropPathRate, source, strict, seed, v); }
}
