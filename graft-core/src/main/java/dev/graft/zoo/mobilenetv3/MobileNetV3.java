package dev.graft.zoo.mobilenetv3;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.efficientnet.Act;
import dev.graft.zoo.efficientnet.BlockArgs;
import dev.graft.zoo.efficientnet.MbConvNet;
import dev.graft.zoo.efficientnet.SqueezeExcite;
import dev.graft.zoo.nn.Classifier;
import dev.graft.zoo.nn.Conv2d;
import dev.graft.zoo.nn.Init;
import java.util.List;

/**
 * MobileNetV3 (Howard et al. 2019) as timm's {@code mobilenetv3_large_100} and
 * {@code mobilenetv3_small_100} build it, with timm's keys: {@code conv_stem}, {@code bn1},
 * {@code blocks.S.B...} (the EfficientNet blocks, ReLU or hard-swish, hard-sigmoid squeeze-excite
 * gates), then after average pooling {@code conv_head} (1x1 with bias, hard-swish) and
 * {@code classifier}. BatchNorm eps 1e-5 as in timm (torchvision uses 1e-3).
 *
 * <pre>{@code
 * GraftModel m = Zoo.create("mobilenetv3_large_100", CreateOptions.defaults().withNumClasses(10));
 * }</pre>
 */
public final class MobileNetV3 extends MbConvNet {
    /** timm's {@code _gen_mobilenet_v3} 'large' architecture. */
    static final String[][] LARGE = {
        {"ds_r1_k3_s1_e1_c16_nre"},
        {"ir_r1_k3_s2_e4_c24_nre", "ir_r1_k3_s1_e3_c24_nre"},
        {"ir_r3_k5_s2_e3_c40_se0.25_nre"},
        {"ir_r1_k3_s2_e6_c80", "ir_r1_k3_s1_e2.5_c80", "ir_r2_k3_s1_e2.3_c80"},
        {"ir_r2_k3_s1_e6_c112_se0.25"},
        {"ir_r3_k5_s2_e6_c160_se0.25"},
        {"cn_r1_k1_s1_c960"},
    };

    /** timm's {@code _gen_mobilenet_v3} 'small' architecture. */
    static final String[][] SMALL = {
        {"ds_r1_k3_s2_e1_c16_se0.25_nre"},
        {"ir_r1_k3_s2_e4.5_c24_nre", "ir_r1_k3_s1_e3.67_c24_nre"},
        {"ir_r1_k5_s2_e4_c40_se0.25", "ir_r2_k5_s1_e6_c40_se0.25"},
        {"ir_r2_k5_s1_e3_c48_se0.25"},
        {"ir_r3_k5_s2_e6_c96_se0.25"},
        {"cn_r1_k1_s1_c576"},
    };

    private final double dropRate;
    private final Conv2d convHead;
    private final Classifier classifier;

    /** @param headChs width of {@code conv_head} (1280 large, 1024 small) */
    public MobileNetV3(PretrainedCfg cfg, ModelArgs args, String[][] arch, int headChs) {
        super(cfg, args.inChans(), 16, BlockArgs.parseStages(arch),
                new MbConvNet.BuildRules(1.0, 1.0, Act.HARD_SWISH, Act.RELU, Act.HARD_SIGMOID, true, args.dropPathRate()));
        this.dropRate = args.dropRate();
        convHead = module("conv_head", new Conv2d(blocksOut, headChs, 1, 1, 0, true, Init.kaimingNormalFanOut()));
        classifier = module("classifier", new Classifier(headChs, args.numClasses(), Init.uniformFanOut(), true));
    }

    @Override
    protected Classifier classifier() {
        return classifier;
    }

    /** timm's head: average pool, {@code conv_head}, hard-swish, dropout, {@code classifier}; pre-logits follow the hard-swish. */
    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
        NDArray pooled = SqueezeExcite.channelMeans(features);
        NDArray head = Act.HARD_SWISH.applyAndClose(convHead.forward(ps, pooled, training));
        pooled.close();
        NDArray flat = head.reshape(head.getShape().get(0), head.getShape().get(1));
        return classify(ps, flat, dropRate, training, preLogits);
    }

    @Override
    protected List<String> headModules() {
        return List.of("conv_head", "classifier");
    }
}
