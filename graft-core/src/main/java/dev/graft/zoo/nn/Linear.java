package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * {@code torch.nn.Linear}: {@code weight} (out, in), {@code bias} (out); y = x W^T + b on the last axis.
 *
 * <pre>{@code
 * Linear fc = new Linear(512, 10);   // PyTorch's default initialisation
 * }</pre>
 */
public final class Linear extends Module implements AdaptableLinear {
    public final int inFeatures;
    public final int outFeatures;
    public final Parameter weight;
    public final Parameter bias;
    private LinearDelta delta;

    public Linear(int in, int out) {
        this(in, out, Init.defaultWeight(), Init.uniformFanIn(in));
    }

    public Linear(int in, int out, Initializer weightInit, Initializer biasInit) {
        this.inFeatures = in;
        this.outFeatures = out;
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in), weightInit);
        bias = biasInit == null ? null : param("bias", Parameter.Type.BIAS, new Shape(out), biasInit);
    }

    /**
     * A linear layer over parameters another block owns and registers (BERT's, under their full
     * state-dict keys): it computes with them and takes an adapter's {@link LinearDelta}, but
     * registers nothing itself.
     */
    public static Linear over(Parameter weight, Parameter bias) {
        return new Linear(weight, bias);
    }

    private Linear(Parameter weight, Parameter bias) {
        this.weight = weight;
        this.bias = bias;
        this.outFeatures = (int) weight.getShape().get(0);
        this.inFeatures = (int) weight.getShape().get(1);
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = value(ps, weight, x, training);
        NDArray b = bias == null ? null : value(ps, bias, x, training);
        if (delta != null) {
            return delta.forward(ps, x, training, in -> in.getNDArrayInternal().linear(in, w, b).singletonOrThrow());
        }
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    @Override
    public Parameter weight() {
        return weight;
    }

    @Override
    public Parameter bias() {
        return bias;
    }

    @Override
    public void setDelta(LinearDelta d) {
        this.delta = d;
    }

    @Override
    public LinearDelta delta() {
        return delta;
    }
}
