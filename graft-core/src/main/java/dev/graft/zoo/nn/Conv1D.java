package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * transformers' {@code Conv1D} (GPT-2's projections): a linear layer whose {@code weight} is stored
 * transposed, (in, out), with {@code bias} (out); y = x W + b on the last axis. Checkpoints keep that
 * layout, so the weight is never transposed on load or save. An adapter (LoRA, IA3) changes it through a
 * {@link LinearDelta}, as PEFT's {@code fan_in_fan_out} layers.
 *
 * <pre>{@code
 * Conv1D cAttn = new Conv1D(768, 3 * 768, Init.normal(0.02));   // keys c_attn.weight [768, 2304], c_attn.bias
 * }</pre>
 */
public final class Conv1D extends Module implements AdaptableLinear {
    public final int inFeatures;
    public final int outFeatures;
    public final Parameter weight;
    public final Parameter bias;
    private LinearDelta delta;

    /** Weights from {@code weightInit}, zero bias (as transformers initialises GPT-2). */
    public Conv1D(int in, int out, Initializer weightInit) {
        this.inFeatures = in;
        this.outFeatures = out;
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(in, out), weightInit);
        bias = param("bias", Parameter.Type.BIAS, new Shape(out), Init.ZEROS);
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = value(ps, weight, x, training);
        NDArray b = value(ps, bias, x, training);
        if (delta != null) {
            return delta.forward(ps, x, training, in -> in.matMul(w).add(b));
        }
        return x.matMul(w).add(b);
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
    public boolean fanInFanOut() {
        return true;
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
