package dev.graft.zoo.small;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PooledConvNet;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.nn.BatchNorm2d;
import dev.graft.zoo.nn.Classifier;
import dev.graft.zoo.nn.Conv2d;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.Module;
import dev.graft.zoo.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * The Prototypical Networks paper's embedding ("Conv-4", Snell et al. 2017): four blocks of 3x3 conv
 * (64 channels, with bias), BatchNorm, ReLU and 2x2 max pooling, then global average pooling (the
 * paper flattens; at 28x28 the last map is 1x1 and the two agree) and an optional {@code fc}. Keys as
 * the paper's PyTorch code names them: {@code encoder.N.0.weight} (conv), {@code encoder.N.1.*} (BatchNorm).
 *
 * <pre>{@code
 * GraftModel m = Zoo.create("conv4", CreateOptions.defaults().withNumClasses(0));   // 3x64x64 input, 64-d features
 * }</pre>
 */
public final class Conv4 extends PooledConvNet {
    /** The width of every block, as the paper. */
    public static final int WIDTH = 64;

    private final List<Block> encoder = new ArrayList<>();
    private final Sequential blocks;
    private final Classifier fc;

    public Conv4(PretrainedCfg cfg, ModelArgs args) {
        super(cfg, args.dropRate());
        blocks = module("encoder", new Sequential());
        for (int i = 0; i < 4; i++) {
            Block b = new Block(i == 0 ? args.inChans() : WIDTH);
            blocks.add(b);
            encoder.add(b);
        }
        fc = module("fc", new Classifier(WIDTH, args.numClasses(), Init.defaultWeight(), false));
    }

    @Override
    protected Classifier classifier() {
        return fc;
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        return blocks.forward(ps, x, training);
    }

    @Override
    protected NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last) {
        NDArray[] out = new NDArray[4];
        NDArray y = x;
        for (int i = 0; i < 4 && i <= last; i++) {
            y = encoder.get(i).forward(ps, y, training);
            out[i] = y;
        }
        return out;
    }

    @Override
    public List<ParamGroup> groupMatcher() {
        List<ParamGroup> groups = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            groups.add(new ParamGroup("block" + i, List.of("encoder." + i)));
        }
        groups.add(new ParamGroup("head", List.of("fc")));
        return groups;
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        List<FeatureInfo> info = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            info.add(new FeatureInfo("encoder." + i, WIDTH, 2 << i));
        }
        return info;
    }

    /** conv (key {@code 0}), BatchNorm ({@code 1}), ReLU, 2x2 max pooling. */
    static final class Block extends Module {
        private final Conv2d conv;
        private final BatchNorm2d bn;

        Block(int in) {
            conv = module("0", new Conv2d(in, WIDTH, 3, 1, 1, true, Init.defaultWeight()));
            bn = module("1", new BatchNorm2d(WIDTH));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray y = reluAndClose(conv.forwardWithBn(ps, bn, x, training));
            NDArray pooled = Pool.maxPool2d(y, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            y.close();
            return pooled;
        }
    }
}
