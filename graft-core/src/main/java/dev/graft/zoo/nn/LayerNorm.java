package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * {@code torch.nn.LayerNorm} over the last axis: {@code weight}, {@code bias}; or, made with
 * {@link #channelsFirst}, timm's {@code LayerNorm2d}, which normalises an (N, C, H, W) map over C.
 *
 * <pre>{@code
 * LayerNorm norm = new LayerNorm(768, 1e-6f);                  // timm ViT
 * LayerNorm norm2d = LayerNorm.channelsFirst(96, 1e-6f);       // timm ConvNeXt stem and downsampling
 * }</pre>
 */
public final class LayerNorm extends Module {
    public final int dim;
    public final float eps;
    public final Parameter weight;
    public final Parameter bias;
    private final Shape normalizedShape;
    private final boolean channelsFirst;

    public LayerNorm(int dim, float eps) {
        this(dim, eps, false);
    }

    private LayerNorm(int dim, float eps, boolean channelsFirst) {
        this.dim = dim;
        this.eps = eps;
        this.channelsFirst = channelsFirst;
        this.normalizedShape = new Shape(dim);
        weight = param("weight", Parameter.Type.GAMMA, normalizedShape, Init.ONES);
        bias = param("bias", Parameter.Type.BETA, normalizedShape, Init.ZEROS);
    }

    /** timm's {@code LayerNorm2d}: the same parameters, applied over axis 1 of an (N, C, H, W) input. */
    public static LayerNorm channelsFirst(int channels, float eps) {
        return new LayerNorm(channels, eps, true);
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray g = value(ps, weight, x, training);
        NDArray b = value(ps, bias, x, training);
        if (!channelsFirst) {
            return x.getNDArrayInternal().layerNorm(x, normalizedShape, g, b, eps).singletonOrThrow();
        }
        // As timm: permute to channels-last, normalise, permute back.
        NDArray last = x.transpose(0, 2, 3, 1);
        NDArray y = last.getNDArrayInternal().layerNorm(last, normalizedShape, g, b, eps).singletonOrThrow();
        last.close();
        NDArray back = y.transpose(0, 3, 1, 2);
        y.close();
        return back;
    }
}
