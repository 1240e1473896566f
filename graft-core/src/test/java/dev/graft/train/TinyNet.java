package dev.graft.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** A two-stage conv net with BatchNorm honouring the GraftModel contract, for tests of the training code. */
final class TinyNet implements GraftModel {
    private final NDManager manager;
    private final int channels;
    private final int size;
    private final float dropRate;
    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final Conv2d conv2;
    private final BatchNorm bn2;
    private Dropout drop;
    private Linear fc;
    private int numClasses;
    private final Set<String> frozenBn = new HashSet<>();

    TinyNet(NDManager manager, int channels, int size, int numClasses, float dropRate) {
        this.manager = manager;
        this.channels = channels;
        this.size = size;
        this.dropRate = dropRate;
        conv1 = Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(4).build();
        bn1 = BatchNorm.builder().build();
        conv2 = Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).optStride(new Shape(2, 2)).setFilters(8).build();
        bn2 = BatchNorm.builder().build();
        conv1.initialize(manager, DataType.FLOAT32, new Shape(1, channels, size, size));
        bn1.initialize(manager, DataType.FLOAT32, new Shape(1, 4, size, size));
        conv2.initialize(manager, DataType.FLOAT32, new Shape(1, 4, size, size));
        bn2.initialize(manager, DataType.FLOAT32, new Shape(1, 8, size / 2, size / 2));
        resetClassifier(numClasses);
    }

    @Override public String name() { return "tiny"; }

    @Override
    public PretrainedCfg cfg() {
        return new PretrainedCfg("tiny", null, numClasses, 8, null, List.of(channels, size, size), "bilinear", 1.0,
                List.of(0.5), List.of(0.25), "conv1", "fc", "apache-2.0", "test", null);
    }

    @Override
    public Block block() {
        return new SequentialBlock().add(conv1).add(bn1).add(Activation::relu).add(conv2).add(bn2).add(Activation::relu).add(fc);
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = conv1.forward(ps, new NDList(x), training).singletonOrThrow();
        h = bn1.forward(ps, new NDList(h), training && !frozenBn.contains("bn1")).singletonOrThrow().getNDArrayInternal().relu();
        h = conv2.forward(ps, new NDList(h), training).singletonOrThrow();
        return bn2.forward(ps, new NDList(h), training && !frozenBn.contains("bn2")).singletonOrThrow().getNDArrayInternal().relu();
    }

    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
        NDArray pooled = features.mean(new int[] {3}).mean(new int[] {2});
        pooled = drop.forward(ps, new NDList(pooled), training).singletonOrThrow();
        return preLogits ? pooled : fc.forward(ps, new NDList(pooled), training).singletonOrThrow();
    }

    @Override
    public NDList forwardIntermediates(ParameterStore ps, NDArray x, int[] indices, boolean training) {
        return new NDList(forwardFeatures(ps, x, training));
    }

    @Override
    public void resetClassifier(int n) {
        numClasses = n;
        fc = Linear.builder().setUnits(n).build();
        fc.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
        drop = Dropout.builder().optRate(dropRate).build();
    }

    @Override public int numClasses() { return numClasses; }
    @Override public int numFeatures() { return 8; }

    @Override
    public List<ParamGroup> groupMatcher() {
        return List.of(new ParamGroup("stem", List.of("conv1", "bn1")), new ParamGroup("stage1", List.of("conv2", "bn2")),
                new ParamGroup("head", List.of("fc")));
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        return List.of(new FeatureInfo("bn2", 8, 2));
    }

    @Override
    public Map<String, Parameter> stateDict() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        put(m, "conv1", conv1);
        put(m, "bn1", bn1);
        put(m, "conv2", conv2);
        put(m, "bn2", bn2);
        put(m, "fc", fc);
        return m;
    }

    private static void put(Map<String, Parameter> m, String module, Block b) {
        b.getParameters().forEach(p -> {
            String n = switch (p.getKey()) {
                case "gamma" -> "weight";
                case "beta" -> "bias";
                case "runningMean" -> "running_mean";
                case "runningVar" -> "running_var";
                default -> p.getKey();
            };
            m.put(module + "." + n, p.getValue());
        });
    }

    @Override
    public void freezeBatchNorm(Predicate<String> moduleName) {
        for (String bn : List.of("bn1", "bn2")) {
            if (moduleName.test(bn)) {
                frozenBn.add(bn);
            }
        }
    }
}
