package dev.graft.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.engine.Scalars;
import dev.graft.zoo.nn.BatchNorm2d;
import dev.graft.zoo.nn.Classifier;
import dev.graft.zoo.nn.Module;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The common half of every Graft architecture: the DJL block is the model itself, state-dict keys
 * come from the PyTorch module tree, BatchNorm freezing and classifier replacement work the same
 * way everywhere. A family supplies its modules, {@link #forwardFeatures}, {@link #forwardHead},
 * {@link #groupMatcher} and {@link #featureInfo}.
 *
 * <pre>{@code
 * ModelBase m = (ModelBase) Zoo.create("resnet18", CreateOptions.defaults().withNumClasses(10));
 * NDArray logits = m.predict(images);   // inference, no autograd
 * }</pre>
 */
public abstract class ModelBase extends Module implements GraftModel {
    private final String name;
    private PretrainedCfg cfg;
    private NDManager manager;
    private dev.graft.weights.LoadReport loadReport;
    private java.nio.file.Path weightsDir;

    protected ModelBase(PretrainedCfg cfg) {
        this.name = cfg.name();
        this.cfg = cfg;
    }

    /** The classifier module (PyTorch name in {@code cfg().classifier()}). */
    protected abstract Classifier classifier();

    /**
     * The head of the image models after pooling, as in timm: dropout at {@code dropRate} (active in
     * training only), then the {@link #classifier()}, unless {@code preLogits} asks for the pooled features.
     */
    protected NDArray classify(ParameterStore ps, NDArray pooled, double dropRate, boolean training, boolean preLogits) {
        if (dropRate > 0) {
            pooled = Dropout.dropout(pooled, (float) dropRate, training).singletonOrThrow();
        }
        return preLogits ? pooled : classifier().forward(ps, pooled, training);
    }

    /** The first convolution's weight, adapted by {@code inChans}. */
    public Parameter firstConvWeight() {
        return stateDict().get(cfg.firstConv() + ".weight");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PretrainedCfg cfg() {
        return cfg;
    }

    @Override
    public java.nio.file.Path weightsDir() {
        return weightsDir;
    }

    void setWeightsDir(java.nio.file.Path dir) {
        this.weightsDir = dir;
    }

    /** Replaces the configuration (e.g. after loading weights that carry their own). */
    public void setCfg(PretrainedCfg cfg) {
        this.cfg = cfg;
    }

    @Override
    public Block block() {
        return this;
    }

    /** The manager holding the parameters (null before initialisation). */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void initialize(NDManager nd, DataType dataType, Shape... inputShapes) {
        if (manager == null) {
            manager = nd;
        }
        super.initialize(nd, dataType, inputShapes);
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return forwardHead(ps, forwardFeatures(ps, x, training), training, false);
    }

    /**
     * Images to logits in inference mode without recording gradients, e.g. for evaluation or export.
     */
    public NDArray predict(NDArray x) {
        try (NoGrad ignored = NoGrad.enter()) {
            return forward(null, x, false);
        }
    }

    @Override
    public NDList forwardIntermediates(ParameterStore ps, NDArray x, int[] indices, boolean training) {
        List<FeatureInfo> info = featureInfo();
        for (int i : indices) {
            if (i < 0 || i >= info.size()) {
                throw new GraftException("feature index " + i + " out of range for " + name,
                        "use 0.." + (info.size() - 1) + " (" + info.stream().map(FeatureInfo::module).toList() + ")");
            }
        }
        NDArray[] all = intermediates(ps, x, training, java.util.Arrays.stream(indices).max().orElse(-1));
        NDList out = new NDList();
        for (int i : indices) {
            out.add(all[i]);
        }
        return out;
    }

    /** The outputs of every {@link #featureInfo()} module up to {@code last}, in order (later ones may be null). */
    protected abstract NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last);

    @Override
    public void resetClassifier(int numClasses) {
        if (numClasses < 0) {
            throw new GraftException("num_classes must be >= 0, got " + numClasses, "use 0 to remove the classifier");
        }
        classifier().reset(numClasses, manager);
        cfg = cfg.withNumClasses(numClasses, null);
    }

    @Override
    public int numClasses() {
        return classifier().outFeatures();
    }

    @Override
    public int numFeatures() {
        return classifier().inFeatures;
    }

    @Override
    public Map<String, Parameter> stateDict() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        stateDict("", out);
        return out;
    }

    /**
     * Every BatchNorm whose module name matches is frozen (inference-mode statistics in training
     * passes); every other one is unfrozen, so each call states the whole frozen set.
     */
    @Override
    public void freezeBatchNorm(Predicate<String> moduleName) {
        visit("", (n, m) -> {
            if (m instanceof BatchNorm2d bn) {
                bn.setFrozen(moduleName.test(n));
            }
        });
    }

    /** What loading the weights did (null for random weights). */
    public dev.graft.weights.LoadReport loadReport() {
        return loadReport;
    }

    /** Records the report of the weights loaded into this model. */
    public void setLoadReport(dev.graft.weights.LoadReport report) {
        this.loadReport = report;
    }

    /**
     * The model key a checkpoint key is loaded into, or null to ignore it (reported as ignored). By
     * default the key itself; a family whose checkpoints come in several layouts maps them here
     * (GPT-2: with or without {@code transformer.}, the tied {@code lm_head.weight} ignored).
     */
    public String checkpointKey(String key) {
        return key;
    }

    /**
     * Adapts a checkpoint tensor whose shape differs from this model's parameter; null when it
     * cannot. Here: the first conv for other input channels (timm's {@code adapt_input_conv});
     * families add their own (ViT position embeddings for another grid).
     */
    public NDArray adaptCheckpointTensor(String key, NDArray tensor, Shape target) {
        if (cfg.firstConv() != null && key.equals(cfg.firstConv() + ".weight")) {
            return adaptInputConv(tensor, (int) target.get(1));
        }
        return null;
    }

    /**
     * timm's {@code adapt_input_conv}: for one input channel the RGB filters are summed; for more
     * than three they are repeated and scaled by 3/inChans; filters of a one-channel model are
     * repeated and scaled by 1/inChans. Null for other conversions.
     */
    public static NDArray adaptInputConv(NDArray weight, int inChans) {
        Shape s = weight.getShape();
        if (s.dimension() != 4) {
            return null;
        }
        long o = s.get(0);
        long i = s.get(1);
        NDArray w = weight.toType(DataType.FLOAT32, false);
        if (i == inChans) {
            return w;
        }
        if (inChans == 1) {
            if (i > 3) {
                if (i % 3 != 0) {
                    return null;
                }
                return w.reshape(o, i / 3, 3, s.get(2), s.get(3)).sum(new int[] {2});
            }
            return w.sum(new int[] {1}, true);
        }
        if (i == 1) {
            return Scalars.div(w.tile(new long[] {1, inChans, 1, 1}), inChans);
        }
        if (i != 3) {
            return null;
        }
        long repeat = (inChans + 2) / 3;
        return Scalars.mul(w.tile(new long[] {1, repeat, 1, 1}).get(":, 0:" + inChans), 3.0f / inChans);
    }

    /** A short summary: name, parameters, classes. */
    @Override
    public String toString() {
        return name + " (" + numParams() + " parameters, " + numClasses() + " classes)";
    }
}
