package dev.graft.zoo;

import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;

/**
 * Options of {@link Zoo#create}, timm's {@code create_model} keywords. Immutable: every setter
 * returns a copy, so a base set of options can be shared.
 *
 * <pre>{@code
 * CreateOptions o = new CreateOptions().pretrained(true).numClasses(10).inChans(1);
 * GraftModel m = Zoo.create("small_resnet.graft_mnist", o);
 * GraftModel f = Zoo.create("resnet18", new CreateOptions().source("local-dir:runs/r18/model"));
 * }</pre>
 */
public final class CreateOptions {
    private boolean pretrained;
    private Integer numClasses;
    private Integer inChans;
    private Integer imgSize;
    private double dropRate;
    private String source;
    private boolean strict = true;
    private Long seed;
    private NDManager manager;

    /** Defaults: random initialisation, the architecture's classes and input, strict loading. */
    public CreateOptions() {}

    private CreateOptions copy() {
        CreateOptions c = new CreateOptions();
        c.pretrained = pretrained;
        c.numClasses = numClasses;
        c.inChans = inChans;
        c.imgSize = imgSize;
        c.dropRate = dropRate;
        c.source = source;
        c.strict = strict;
        c.seed = seed;
        c.manager = manager;
        return c;
    }

    /** Load weights: the name's tag, else the architecture's first catalogue tag. */
    public CreateOptions pretrained(boolean v) {
        CreateOptions c = copy();
        c.pretrained = v;
        return c;
    }

    /** Classifier outputs; when it differs from the weights' the old classifier is dropped and a new one initialised. 0 removes it. */
    public CreateOptions numClasses(int v) {
        if (v < 0) {
            throw new GraftException("num_classes must be >= 0, got " + v, "use 0 for no classifier");
        }
        CreateOptions c = copy();
        c.numClasses = v;
        return c;
    }

    /** Input channels; pretrained first-conv filters are adapted as timm's {@code adapt_input_conv}. */
    public CreateOptions inChans(int v) {
        if (v < 1) {
            throw new GraftException("in_chans must be >= 1, got " + v, "use 1 for grey, 3 for RGB images");
        }
        CreateOptions c = copy();
        c.inChans = v;
        return c;
    }

    /** Input height/width for models with position embeddings (ViT); others accept any size anyway. */
    public CreateOptions imgSize(int v) {
        if (v < 1) {
            throw new GraftException("img_size must be >= 1, got " + v, "give the input height/width in pixels");
        }
        CreateOptions c = copy();
        c.imgSize = v;
        return c;
    }

    /** Dropout before the classifier, in [0, 1). */
    public CreateOptions dropRate(double v) {
        if (v < 0 || v >= 1) {
            throw new GraftException("drop_rate must be in [0, 1), got " + v, "use e.g. 0.1");
        }
        CreateOptions c = copy();
        c.dropRate = v;
        return c;
    }

    /**
     * Where the weights come from (implies pretrained): a catalogue tag ({@code graft_mnist}),
     * {@code file:W.safetensors}, {@code local-dir:FOLDER} or {@code hf-hub:org/name[@revision]}.
     */
    public CreateOptions source(String v) {
        CreateOptions c = copy();
        c.source = v;
        c.pretrained = v != null || pretrained;
        return c;
    }

    /** Fail on missing or unexpected keys (default); false reports them and goes on. */
    public CreateOptions strict(boolean v) {
        CreateOptions c = copy();
        c.strict = v;
        return c;
    }

    /** Seeds the engine's random generator before initialising, for reproducible random weights. */
    public CreateOptions seed(long v) {
        CreateOptions c = copy();
        c.seed = v;
        return c;
    }

    /** The manager that owns the parameters (default: a new base manager, closed with the JVM). */
    public CreateOptions manager(NDManager v) {
        CreateOptions c = copy();
        c.manager = v;
        return c;
    }

    public boolean pretrained() {
        return pretrained;
    }

    /** Requested classes, or null for the configuration's. */
    public Integer numClasses() {
        return numClasses;
    }

    public Integer inChans() {
        return inChans;
    }

    public Integer imgSize() {
        return imgSize;
    }

    public double dropRate() {
        return dropRate;
    }

    public String source() {
        return source;
    }

    public boolean strict() {
        return strict;
    }

    public Long seed() {
        return seed;
    }

    public NDManager manager() {
        return manager;
    }
}
