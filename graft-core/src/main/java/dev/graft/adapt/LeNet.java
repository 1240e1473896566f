package dev.graft.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.GraftException;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The LeNet that domain-adaptation papers use on 28x28 digits (TLlib's {@code lenet}: conv 5x5 x20,
 * conv 5x5 x50, a 500-wide bottleneck), with BatchNorm after each convolution so AdaBN has statistics
 * to re-estimate. Inputs are normalised with mean 0.5 and std 0.5 (to [-1, 1]) as in TLlib's digit recipe
 * ({@link dev.graft.train.ModelInput#normalize}). PyTorch keys: {@code conv1 bn1 conv2 bn2 fc1 fc}.
 *
 * <pre>{@code
 * GraftModel m = LeNet.create(nd, 1, 10);   // 1x28x28 in, 10 logits out, 500 features
 * }</pre>
 */
public final class LeNet implements GraftModel {
    /** Width of the pre-logits features. */
    public static final int FEATURES = 500;

    private final Net net;
    private final NDManager manager;
    private final int inChannels;
    private PretrainedCfg cfg;

    private LeNet(NDManager manager, int inChannels, int numClasses) {
        this.manager = manager;
        this.inChannels = inChannels;
        this.net = new Net(numClasses);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, inChannels, 28, 28));
        this.cfg = new PretrainedCfg("lenet", null, numClasses, FEATURES, null, List.of(inChannels, 28, 28), "bilinear",
                1.0, java.util.Collections.nCopies(inChannels, 0.5), java.util.Collections.nCopies(inChannels, 0.5), "conv1", "fc", "Apache-2.0", "random initialisation", null);
    }

    /** A randomly initialised LeNet for {@code inChannels}x28x28 images; parameters live in {@code manager}. */
    public static LeNet create(NDManager manager, int inChannels, int numClasses) {
        if (inChannels < 1 || numClasses < 0) {
            throw new GraftException("lenet needs at least one input channel and a non-negative class count",
                    "pass e.g. inChannels=1, numClasses=10");
        }
        return new LeNet(manager, inChannels, numClasses);
    }

    @Override public String name() { return "lenet"; }
    @Override public PretrainedCfg cfg() { return cfg; }
    @Override public Block block() { return net; }
    @Override public int numClasses() { return net.classifier == null ? 0 : cfg.numClasses(); }
    @Override public int numFeatures() { return FEATURES; }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        return net.features(ps, x, training);
    }

    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
        return net.head(ps, features, training, preLogits);
    }

    @Override
    public NDList forwardIntermediates(ParameterStore ps, NDArray x, int[] indices, boolean training) {
        NDArray a = net.stage1(ps, x, training);
        NDArray b = net.stage2(ps, a, training);
        NDList out = new NDList();
        for (int i : indices) {
            if (i != 0 && i != 1) {
                throw new GraftException("lenet has feature maps 0 (conv1) and 1 (conv2), not " + i, "ask for indices 0 and/or 1");
            }
            out.add(i == 0 ? a : b);
        }
        return out;
    }

    @Override
    public void resetClassifier(int numClasses) {
        net.replaceClassifier(numClasses, manager, inChannels);
        cfg = cfg.withNumClasses(numClasses, null);
    }

    @Override
    public List<ParamGroup> groupMatcher() {
        return List.of(new ParamGroup("stem", List.of("conv1", "bn1")), new ParamGroup("stage1", List.of("conv2", "bn2")),
                new ParamGroup("stage2", List.of("fc1")), new ParamGroup("head", List.of("fc")));
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        return List.of(new FeatureInfo("conv1", 20, 2), new FeatureInfo("conv2", 50, 4));
    }

    @Override
    public Map<String, Parameter> stateDict() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (var child : net.getChildren()) {
            for (var p : child.getValue().getParameters()) {
                out.put(moduleName(child.getKey()) + "." + torchName(p.getKey()), p.getValue());
            }
        }
        return out;
    }

    @Override
    public void freezeBatchNorm(Predicate<String> moduleName) {
        net.frozenBn1 = moduleName.test("bn1");
        net.frozenBn2 = moduleName.test("bn2");
    }

    /** DJL prefixes child names with their position ("01conv1"); PyTorch keys use the bare name. */
    private static String moduleName(String childKey) {
        return childKey.replaceFirst("^\\d+", "");
    }

    private static String torchName(String djl) {
        return switch (djl) {
            case "gamma" -> "weight";
            case "beta" -> "bias";
            case "runningMean" -> "running_mean";
            case "runningVar" -> "running_var";
            default -> djl;
        };
    }

    /** The network as one DJL block; sub-blocks are called directly so features and head can run apart. */
    private static final class Net extends AbstractBlock {
        private final Block conv1 = addChildBlock("conv1", Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(20).build());
        private final Block bn1 = addChildBlock("bn1", BatchNorm.builder().build());
        private final Block conv2 = addChildBlock("conv2", Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(50).build());
        private final Block bn2 = addChildBlock("bn2", BatchNorm.builder().build());
        private final Block fc1 = addChildBlock("fc1", Linear.builder().setUnits(FEATURES).build());
        private Block classifier;
        boolean frozenBn1;
        boolean frozenBn2;
        private int units;

        Net(int numClasses) {
            units = numClasses;
            if (numClasses > 0) {
                classifier = addChildBlock("fc", Linear.builder().setUnits(numClasses).build());
            }
        }

        void replaceClassifier(int numClasses, NDManager manager, int inChannels) {
            for (int i = children.size() - 1; i >= 0; i--) {
                if (moduleName(children.get(i).getKey()).equals("fc")) {
                    children.remove(i);
                }
            }
            classifier = null;
            units = numClasses;
            if (numClasses > 0) {
                classifier = addChildBlock("fc", Linear.builder().setUnits(numClasses).build());
                classifier.initialize(manager, DataType.FLOAT32, new Shape(1, FEATURES));
            }
        }

        NDArray stage1(ParameterStore ps, NDArray x, boolean training) {
            NDArray y = conv1.forward(ps, new NDList(x), training).singletonOrThrow();
            y = bn1.forward(ps, new NDList(y), training && !frozenBn1).singletonOrThrow();
            return Pool.maxPool2d(Activation.relu(y), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        }

        NDArray stage2(ParameterStore ps, NDArray x, boolean training) {
            NDArray y = conv2.forward(ps, new NDList(x), training).singletonOrThrow();
            y = bn2.forward(ps, new NDList(y), training && !frozenBn2).singletonOrThrow();
            return Pool.maxPool2d(Activation.relu(y), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        }

        NDArray features(ParameterStore ps, NDArray x, boolean training) {
            return stage2(ps, stage1(ps, x, training), training);
        }

        NDArray head(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
            NDArray flat = features.reshape(features.getShape().get(0), -1);
            NDArray pre = Activation.relu(fc1.forward(ps, new NDList(flat), training).singletonOrThrow());
            if (preLogits || classifier == null) {
                return pre;
            }
            return classifier.forward(ps, new NDList(pre), training).singletonOrThrow();
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(head(ps, features(ps, inputs.singletonOrThrow(), training), training, false));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            long n = inputShapes[0].get(0);
            return new Shape[] {new Shape(n, classifier == null ? FEATURES : units)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape in = inputShapes[0];
            long c = in.get(1);
            conv1.initialize(manager, dataType, new Shape(1, c, 28, 28));
            bn1.initialize(manager, dataType, new Shape(1, 20, 24, 24));
            conv2.initialize(manager, dataType, new Shape(1, 20, 12, 12));
            bn2.initialize(manager, dataType, new Shape(1, 50, 8, 8));
            fc1.initialize(manager, dataType, new Shape(1, 800));
            if (classifier != null) {
                classifier.initialize(manager, dataType, new Shape(1, FEATURES));
            }
        }
    }

}
