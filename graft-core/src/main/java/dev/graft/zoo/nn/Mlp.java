package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

/**
 * timm's {@code Mlp}: {@code fc1}, exact (erf) GELU, {@code fc2}, on the last axis; weights from
 * Normal(0, 0.02) and zero biases, as timm initialises ViT and ConvNeXt.
 *
 * <pre>{@code
 * Mlp mlp = new Mlp(96, 384);   // keys fc1.weight, fc1.bias, fc2.weight, fc2.bias
 * }</pre>
 */
public final class Mlp extends Module {
    private final Linear fc1;
    private final Linear fc2;

    public Mlp(int dim, int hidden) {
        fc1 = module("fc1", new Linear(dim, hidden, Init.normal(0.02), Init.ZEROS));
        fc2 = module("fc2", new Linear(hidden, dim, Init.normal(0.02), Init.ZEROS));
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = fc1.forward(ps, x, training);
        NDArray a = Activation.gelu(h);
        h.close();
        NDArray y = fc2.forward(ps, a, training);
        a.close();
        return y;
    }
}
