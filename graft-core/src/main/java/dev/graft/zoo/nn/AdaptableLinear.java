package dev.graft.zoo.nn;

import ai.djl.nn.Parameter;

/**
 * A linear layer ({@code torch.nn.Linear}: weight (out, in), optional bias (out)) whose output an
 * adapter can add to through a {@link LinearDelta}. Models list theirs by PyTorch module path with
 * {@link LinearLayers}, which is what PEFT's {@code target_modules} match.
 *
 * <pre>{@code
 * AdaptableLinear q = LinearLayers.of(model).get("encoder.layer.0.attention.self.query");
 * q.setDelta(lora);   // y = W x + b + lora(x)
 * }</pre>
 */
public interface AdaptableLinear {
    /** The weight, shape (out, in). */
    Parameter weight();

    /** The bias, shape (out), or null. */
    Parameter bias();

    /** The term added to the output; null removes it. */
    void setDelta(LinearDelta delta);

    /** The term added to the output, or null. */
    LinearDelta delta();
}
