package dev.graft.zoo.efficientnet;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.nn.BatchNorm2d;
import dev.graft.zoo.nn.Conv2d;
import dev.graft.zoo.nn.DropPath;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.Module;

/**
 * The three blocks of timm's EfficientNet builder, with timm's names:
 * <ul>
 *   <li>{@code ds} ({@code DepthwiseSeparableConv}): {@code conv_dw}, {@code bn1}, [{@code se}], {@code conv_pw}, {@code bn2};
 *   <li>{@code ir} ({@code InvertedResidual}): {@code conv_pw}, {@code bn1}, {@code conv_dw}, {@code bn2}, [{@code se}],
 *       {@code conv_pwl}, {@code bn3};
 *   <li>{@code cn} ({@code ConvBnAct}): {@code conv}, {@code bn1}.
 * </ul>
 * The last 1x1 convolution of {@code ds} and {@code ir} has no activation; a block whose stride is 1
 * and whose width does not change adds its input (unless {@code noskip}).
 *
 * <pre>{@code
 * MbBlock b = new MbBlock(BlockArgs.parse("ir_r1_k3_s2_e6_c24_se0.25"), 16, 96, 4, Act.SILU, Act.SIGMOID);
 * }</pre>
 */
public final class MbBlock extends Module {
    private final String type;
    private final Act act;
    private final boolean skip;
    private final double dropPath;
    private final Conv2d first;
    private final BatchNorm2d firstBn;
    private final Conv2d second;
    private final BatchNorm2d secondBn;
    private final SqueezeExcite se;
    private final Conv2d last;
    private final BatchNorm2d lastBn;

    /**
     * @param in input channels
     * @param mid expanded channels ({@code ir}); ignored by {@code ds} and {@code cn}
     * @param seChannels squeeze-excite width, 0 for none
     * @param act the block's activation (when {@code args} names none)
     * @param seGate the squeeze-excite gate
     * @param seAct the squeeze-excite activation
     */
    public MbBlock(BlockArgs args, int in, int mid, int seChannels, Act act, Act seAct, Act seGate) {
        this(args, in, mid, seChannels, act, seAct, seGate, 0);
    }

    /** As above, with timm's stochastic depth: the residual branch dropped per sample at rate {@code dropPath} in training. */
    public MbBlock(BlockArgs args, int in, int mid, int seChannels, Act act, Act seAct, Act seGate, double dropPath) {
        this.dropPath = dropPath;
        this.type = args.type();
        this.act = args.act() != null ? args.act() : act;
        int out = args.outChs();
        int k = args.kernel();
        int s = args.stride();
        this.skip = !args.noskip() && s == 1 && in == out && !type.equals("cn");
        switch (type) {
            case "ds" -> {
                first = module("conv_dw", new Conv2d(in, in, k, s, k / 2, in, false, Init.kaimingNormalFanOut(in)));
                firstBn = module("bn1", new BatchNorm2d(in));
                second = null;
                secondBn = null;
                se = seChannels > 0 ? module("se", new SqueezeExcite(in, seChannels, seAct, seGate)) : null;
                last = module("conv_pw", new Conv2d(in, out, 1, 1, 0, false, Init.kaimingNormalFanOut()));
                lastBn = module("bn2", new BatchNorm2d(out));
            }
            case "ir" -> {
                first = module("conv_pw", new Conv2d(in, mid, 1, 1, 0, false, Init.kaimingNormalFanOut()));
                firstBn = module("bn1", new BatchNorm2d(mid));
                second = module("conv_dw", new Conv2d(mid, mid, k, s, k / 2, mid, false, Init.kaimingNormalFanOut(mid)));
                secondBn = module("bn2", new BatchNorm2d(mid));
                se = seChannels > 0 ? module("se", new SqueezeExcite(mid, seChannels, seAct, seGate)) : null;
                last = module("conv_pwl", new Conv2d(mid, out, 1, 1, 0, false, Init.kaimingNormalFanOut()));
                lastBn = module("bn3", new BatchNorm2d(out));
            }
            default -> {
                first = module("conv", new Conv2d(in, out, k, s, k / 2, false, Init.kaimingNormalFanOut()));
                firstBn = module("bn1", new BatchNorm2d(out));
                second = null;
                secondBn = null;
                se = null;
                last = null;
                lastBn = null;
            }
        }
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray y = act.applyAndClose(first.forwardWithBn(ps, firstBn, x, training));
        if (second != null) {
            NDArray next = act.applyAndClose(second.forwardWithBn(ps, secondBn, y, training));
            y.close();
            y = next;
        }
        if (se != null) {
            NDArray next = se.forward(ps, y, training);
            y.close();
            y = next;
        }
        if (last != null) {
            NDArray next = last.forwardWithBn(ps, lastBn, y, training);
            y.close();
            y = next;
        }
        if (skip) {
            if (training && dropPath > 0) {
                NDArray branch = y;
                y = DropPath.apply(branch, dropPath, true).add(x);
                branch.close();
            } else {
                y.addi(x);
            }
        }
        return y;
    }
}
