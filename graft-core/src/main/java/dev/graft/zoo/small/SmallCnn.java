package dev.graft.zoo.small;

import ai.djl.ndarray.NDArray;
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
import java.util.List;

/**
 * A plain ConvNet for 28x28 images: a stem and three stride-2 stages of conv-BN-ReLU
 * (16 / 32 / 64 / 128 channels, 28 -> 14 -> 7 -> 4), global average pooling and {@code fc}.
 * Keys: {@code stem.conv.weight}, {@code stage1.bn.running_mean}, {@code fc.weight}, ...
 *
 * <pre>{@code
 * GraftModel m = Zoo.create("small_cnn", CreateOptions.defaults().withNumClasses(10));   // 1x28x28 input
 * }</pre>
 */
public final class SmallCnn extends PooledConvNet {
    private static final int[] WIDTHS = {16, 32, 64, 128};

    private final ConvBnAct stem;
    private final ConvBnAct[] stages = new ConvBnAct[3];
    private final Classifier fc;

    public SmallCnn(PretrainedCfg cfg, ModelArgs args) {
        super(cfg, args.dropRate());
        stem = module("stem", new ConvBnAct(args.inChans(), WIDTHS[0], 1));
        for (int i = 0; i < 3; i++) {
            stages[i] = module("stage" + (i + 1), new ConvBnAct(WIDTHS[i], WIDTHS[i + 1], 2));
        }
        fc = module("fc", new Classifier(WIDTHS[3], args.numClasses(), Init.defaultWeight(), false));
    }

    @Override
    protected Classifier classifier() {
        return fc;
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray y = stem.forward(ps, x, training);
        for (ConvBnAct s : stages) {
            y = s.forward(ps, y, training);
        }
        return y;
    }

    @Override
    protected NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last) {
        NDArray[] out = new NDArray[4];
        NDArray y = stem.forward(ps, x, training);
        out[0] = y;
        for (int i = 0; i < 3 && i < last; i++) {
            y = stages[i].forward(ps, y, training);
            out[i + 1] = y;
        }
        return out;
    }

    @Override
    public List<ParamGroup> groupMatcher() {
        return List.of(new ParamGroup("stem", List.of("stem")), new ParamGroup("stage1", List.of("stage1")),
                new ParamGroup("stage2", List.of("stage2")), new ParamGroup("stage3", List.of("stage3")),
                new ParamGroup("head", List.of("fc")));
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        return List.of(new FeatureInfo("stem", WIDTHS[0], 1), new FeatureInfo("stage1", WIDTHS[1], 2),
                new FeatureInfo("stage2", WIDTHS[2], 4), new FeatureInfo("stage3", WIDTHS[3], 8));
    }

    /** 3x3 conv (no bias) + BatchNorm + ReLU, keys {@code conv.*} and {@code bn.*}. */
    static final class ConvBnAct extends Module {
        private final Conv2d conv;
        private final BatchNorm2d bn;

        ConvBnAct(int in, int out, int stride) {
            conv = module("conv", new Conv2d(in, out, 3, stride, 1, false, Init.kaimingNormalFanOut()));
            bn = module("bn", new BatchNorm2d(out));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return reluAndClose(conv.forwardWithBn(ps, bn, x, training));
        }
    }
}
