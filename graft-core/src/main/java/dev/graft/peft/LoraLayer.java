package dev.graft.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.nn.AdaptableLinear;
import dev.graft.zoo.nn.LinearDelta;

/**
 * PEFT's {@code lora.Linear} on one layer: {@code scale * B(A(dropout(x)))} added to the layer's
 * output, A (r, in) and B (out, r) as {@code lora_A.weight} and {@code lora_B.weight}.
 */
final class LoraLayer implements LinearDelta {
    final String path;
    final AdaptableLinear target;
    final Parameter a;
    final Parameter b;
    private final float scale;
    private final float dropout;

    LoraLayer(String path, AdaptableLinear target, Parameter a, Parameter b, double scale, double dropout) {
        this.path = path;
        this.target = target;
        this.a = a;
        this.b = b;
        this.scale = (float) scale;
        this.dropout = (float) dropout;
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = training && dropout > 0 ? Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
        h = Linear.linear(h, value(ps, a, x, training), null).singletonOrThrow();
        return Linear.linear(h, value(ps, b, x, training), null).singletonOrThrow().mul(scale);
    }

    private static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        return ps == null ? p.getArray() : ps.getValue(p, like.getDevice(), training);
    }

    /** {@code scale * B A}, the update merging adds to the weight. */
    NDArray update() {
        return b.getArray().matMul(a.getArray()).mul(scale);
    }

    /** Adds ({@code sign} 1) or subtracts (-1) the update to the layer's weight, in place of its values. */
    void fold(int sign) {
        NDArray w = target.weight().getArray();
        try (NDArray u = update(); NDArray merged = sign > 0 ? w.add(u) : w.sub(u)) {
            w.set(merged.toFloatArray());
        }
    }
}
