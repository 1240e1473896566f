package dev.graft.zoo.nn;

import ai.djl.nn.Parameter;

/**
 * A linear layer ({@code torch.nn.Linear}: weight (out, in), optional bias (out); or transformers'
 * {@code Conv1D}: weight (in, out), {@link #fanInFanOut()}) whose output an adapter can change through a {@link LinearDelta}. Models list theirs by PyTorch module path with
 * {@link LinearLayers}, which is what PEFT's {@code target_modules} match.
 *
 * <pre>{@code
 * AdaptableLinear q = LinearLayers.of(model).get("encoder.layer.0.attention.self.query");
 * q.setDelta(lora);   // y = W x + b + lora(x)
 * }</pre>
 */
public interface AdaptableLinear {
    /** The weight, shape (out, in), or (in, out) when {@link #fanInFanOut()}. */
    Parameter weight();

    /** Whether the weight is stored (in, out), as transformers' {@code Conv1D} (PEFT's {@code fan_in_fan_out}). */
    default boolean fanInFanOut() {
        return false;
    }

    /** Input features. */
    default long inFeatures() {
        return weight().getArray().getShape().get(fanInFanOut() ? 0 : 1);
    }

    /** Output features. */
    default long outFeatures() {
        return weight().getArray().getShape().get(fanInFanOut() ? 1 : 0);
    }

    /** The bias, shape (out), or null. */
    Parameter bias();

    /** The term added to the output; null removes it. */
    void setDelta(LinearDelta delta);

    /** The term added to the output, or null. */
    LinearDelta delta();
}
