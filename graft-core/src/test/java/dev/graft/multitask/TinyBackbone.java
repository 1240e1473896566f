package dev.graft.multitask;

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
import ai.djl.training.ParameterStore;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A two-convolution backbone honouring the model contract, small enough for unit tests. */
final class TinyBackbone implements GraftModel {
    private final Conv2d conv1 = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).optPadding(new Shape(1, 1)).build();
    private final Conv2d conv2 = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(6).optPadding(new Shape(1, 1)).build();
    private Linear fc;
    private final NDManager manager;
    private final int size;

    TinyBackbone(NDManager manager, int channels, int size, int classes) {
        this.manager = manager;
        this.size = size;
        conv1.initialize(manager, DataType.FLOAT32, new Shape(1, channels, size, size));
        conv2.initialize(manager, DataType.FLOAT32, new Shape(1, 4, size, size));
        resetClassifier(classes);
    }

    @Override public String name() { return "tiny"; }

    @Override
    public PretrainedCfg cfg() {
        return new PretrainedCfg("tiny", null, numClasses(), 6, null, List.of(1, size, size), "bilinear", 1.0,
                List.of(0.5), List.of(0.25), "conv1", "fc", "apache-2.0", "test", null);
    }

    @Override
    public Block block() {
        SequentialBlock b = new SequentialBlock();
        b.add(conv1).add(conv2);
        return b;
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = Activation.relu(conv1.forward(ps, new NDList(x), training).singletonOrThrow());
        return Activation.relu(conv2.forward(ps, new NDList(h), training).singletonOrThrow());
    }

    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
        NDArray pooled = features.reshape(features.getShape().get(0), features.getShape().get(1), -1).mean(new int[] {2});
        if (preLogits || fc == null) {
            return pooled;
        }
        return fc.forward(ps, new NDList(pooled), training).singletonOrThrow();
    }

    @Override
    public NDList forwardIntermediates(ParameterStore ps, NDArray x, int[] indices, boolean training) {
        return new NDList(forwardFeatures(ps, x, training));
    }

    @Override
    public void resetClassifier(int numClasses) {
        if (numClasses == 0) {
            fc = null;
            return;
        }
        fc = Linear.builder().setUnits(numClasses).build();
        fc.initialize(manager, DataType.FLOAT32, new Shape(1, 6));
    }

    @Override public int numClasses() { return fc == null ? 0 : (int) fc.getParameters().get("weight").getArray().getShape().get(0); }
    @Override public int numFeatures() { return 6; }
    @Override public List<ParamGroup> groupMatcher() { return List.of(new ParamGroup("stem", List.of("conv1")), new ParamGroup("stage1", List.of("conv2"))); }
    @Override public List<FeatureInfo> featureInfo() { return List.of(); }

    @Override
    public Map<String, Parameter> stateDict() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("conv1.weight", conv1.getParameters().get("weight"));
        m.put("conv1.bias", conv1.getParameters().get("bias"));
        m.put("conv2.weight", conv2.getParameters().get("weight"));
        m.put("conv2.bias", conv2.getParameters().get("bias"));
        if (fc != null) {
            m.put("fc.weight", fc.getParameters().get("weight"));
            m.put("fc.bias", fc.getParameters().get("bias"));
        }
        return m;
    }

    @Override public void freezeBatchNorm(Predicate<String> moduleName) {}
}
