package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * {@code torch.nn.LayerNorm} over the last axis: {@code weight}, {@code bias}.
 *
 * <pre>{@code
 * LayerNorm norm = new LayerNorm(768, 1e-6f);   // timm ViT
 * }</pre>
 */
public final class LayerNorm extends Module {
    public final int dim;
    public final float eps;
    public final Parameter weight;
    public final Parameter bias;
    private final Shape normalizedShape;

    public LayerNorm(int dim, float eps) {
        this.dim = dim;
        this.eps = eps;
        this.normalizedShape = new Shape(dim);
        weight = param("weight", Parameter.Type.GAMMA, normalizedShape, Init.ONES);
        bias = param("bias", Parameter.Type.BETA, normalizedShape, Init.ZEROS);
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray g = value(ps, weight, x, training);
        NDArray b = value(ps, bias, x, training);
        return x.getNDArrayInternal().layerNorm(x, normalizedShape, g, b, eps).singletonOrThrow();
    }
}
