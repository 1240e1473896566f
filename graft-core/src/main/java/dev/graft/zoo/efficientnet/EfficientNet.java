package dev.graft.zoo.efficientnet;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.nn.BatchNorm2d;
import dev.graft.zoo.nn.Classifier;
import dev.graft.zoo.nn.Conv2d;
import dev.graft.zoo.nn.Init;
import java.util.List;

/**
 * EfficientNet (Tan and Le 2019) as timm's {@code efficientnet_b0} ... {@code _b3} build it, with
 * timm's keys: {@code conv_stem}, {@code bn1}, {@code blocks.S.B.conv_pw/bn1/conv_dw/bn2/se.conv_reduce/
 * se.conv_expand/conv_pwl/bn3}, {@code conv_head}, {@code bn2}, {@code classifier}. SiLU everywhere,
 * sigmoid squeeze-excite gates, BatchNorm eps 1e-5, widths and depths scaled per variant.
 *
 * <pre>{@code
 * GraftModel b0 = Zoo.create("efficientnet_b0", CreateOptions.defaults().withNumClasses(10));
 * }</pre>
 */
public final class EfficientNet extends MbConvNet {
    /** timm's {@code _gen_efficientnet} architecture. */
    static final String[][] ARCH = {
        {"ds_r1_k3_s1_e1_c16_se0.25"},
        {"ir_r2_k3_s2_e6_c24_se0.25"},
        {"ir_r2_k5_s2_e6_c40_se0.25"},
        {"ir_r3_k3_s2_e6_c80_se0.25"},
        {"ir_r3_k5_s1_e6_c112_se0.25"},
        {"ir_r4_k5_s2_e6_c192_se0.25"},
        {"ir_r1_k3_s1_e6_c320_se0.25"},
    };

    private final double dropRate;
    private final Conv2d convHead;
    private final BatchNorm2d bn2;
    private final Classifier classifier;

    public EfficientNet(PretrainedCfg cfg, ModelArgs args, double widthMultiplier, double depthMultiplier) {
        super(cfg, args.inChans(), BlockArgs.roundChannels(32, widthMultiplier), BlockArgs.parseStages(ARCH),
                new BuildRules(widthMultiplier, depthMultiplier, Act.SILU, Act.SILU, Act.SIGMOID, false, args.dropPathRate()));
        this.dropRate = args.dropRate();
        int features = BlockArgs.roundChannels(1280, widthMultiplier);
        convHead = module("conv_head", new Conv2d(blocksOut, features, 1, 1, 0, false, Init.kaimingNormalFanOut()));
        bn2 = module("bn2", new BatchNorm2d(features));
        classifier = module("classifier", new Classifier(features, args.numClasses(), Init.uniformFanOut(), true));
    }

    @Override
    protected Classifier classifier() {
        return classifier;
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray blocks = super.forwardFeatures(ps, x, training);
        NDArray y = Act.SILU.applyAndClose(convHead.forwardWithBn(ps, bn2, blocks, training));
        blocks.close();
        return y;
    }

    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
        return classify(ps, Pool.globalAvgPool2d(features), dropRate, training, preLogits);
    }

    @Override
    protected List<String> headModules() {
        return List.of("conv_head", "bn2", "classifier");
    }
}
