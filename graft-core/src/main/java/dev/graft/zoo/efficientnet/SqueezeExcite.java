package dev.graft.zoo.efficientnet;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.nn.Conv2d;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.Module;

/**
 * timm's {@code SqueezeExcite}: channel means, {@code conv_reduce} (1x1, bias), activation,
 * {@code conv_expand} (1x1, bias), gate, then the input scaled channel by channel.
 *
 * <pre>{@code
 * SqueezeExcite se = new SqueezeExcite(96, 4, Act.SILU, Act.SIGMOID);   // EfficientNet-B0, stage 1
 * }</pre>
 */
public final class SqueezeExcite extends Module {
    private final Conv2d convReduce;
    private final Conv2d convExpand;
    private final Act act;
    private final Act gate;

    public SqueezeExcite(int channels, int reduced, Act act, Act gate) {
        this.act = act;
        this.gate = gate;
        convReduce = module("conv_reduce", new Conv2d(channels, reduced, 1, 1, 0, true, Init.kaimingNormalFanOut()));
        convExpand = module("conv_expand", new Conv2d(reduced, channels, 1, 1, 0, true, Init.kaimingNormalFanOut()));
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray mean = channelMeans(x);
        NDArray reduced = act.applyAndClose(convReduce.forward(ps, mean, training));
        mean.close();
        NDArray scale = gate.applyAndClose(convExpand.forward(ps, reduced, training));
        reduced.close();
        NDArray y = x.mul(scale);
        scale.close();
        return y;
    }

    /** The mean of each channel of an (N, C, H, W) map, as (N, C, 1, 1). */
    public static NDArray channelMeans(NDArray x) {
        NDArray pooled = Pool.globalAvgPool2d(x);
        NDArray y = pooled.reshape(x.getShape().get(0), x.getShape().get(1), 1, 1);
        pooled.close();
        return y;
    }
}
