package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import dev.graft.engine.Scalars;
import java.util.function.UnaryOperator;

/**
 * timm's {@code Mlp}: {@code fc1}, exact (erf) GELU (or another activation), {@code fc2}, on the last axis; weights from
 * Normal(0, 0.02) and zero biases, as timm initialises ViT and ConvNeXt.
 *
 * <pre>{@code
 * Mlp mlp = new Mlp(96, 384);   // keys fc1.weight, fc1.bias, fc2.weight, fc2.bias
 * }</pre>
 */
public final class Mlp extends Module {
    private final Linear fc1;
    private final Linear fc2;
    private final UnaryOperator<NDArray> activation;

    public Mlp(int dim, int hidden) {
        this(dim, hidden, Activation::gelu);
    }

    /** With another activation between {@code fc1} and {@code fc2}, e.g. CLIP's {@link #quickGelu}. */
    public Mlp(int dim, int hidden, UnaryOperator<NDArray> activation) {
        fc1 = module("fc1", new Linear(dim, hidden, Init.normal(0.02), Init.ZEROS));
        fc2 = module("fc2", new Linear(hidden, dim, Init.normal(0.02), Init.ZEROS));
        this.activation = activation;
    }

    /** OpenAI's {@code QuickGELU} (transformers' {@code quick_gelu}): x * sigmoid(1.702 x). */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(Scalars.mul(x, 1.702f).getNDArrayInternal().sigmoid());
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = fc1.forward(ps, x, training);
        NDArray a = activation.apply(h);
        h.close();
        NDArray y = fc2.forward(ps, a, training);
        a.close();
        return y;
    }
}
