package dev.graft.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import dev.graft.engine.Scalars;
import dev.graft.zoo.nn.AdaptableLinear;
import java.util.List;

/**
 * PEFT's {@code lora.Linear} on one layer: {@code scale * B(A(dropout(x)))} added to the layer's
 * output, A (r, in) and B (out, r) as {@code lora_A.weight} and {@code lora_B.weight}. On transformers'
 * Conv1D (weight (in, out), PEFT's {@code fan_in_fan_out}) A and B keep those shapes and merging adds
 * the transposed update.
 */
final class LoraLayer implements AdapterLayer {
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
    public String path() {
        return path;
    }

    @Override
    public AdaptableLinear target() {
        return target;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(a, b);
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = training && dropout > 0 ? Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
        h = Linear.linear(h, AdapterLayer.value(ps, a, x, training), null).singletonOrThrow();
        return Scalars.mul(Linear.linear(h, AdapterLayer.value(ps, b, x, training), null).singletonOrThrow(), scale);
    }

    /** {@code scale * B A}, the update merging adds to the weight, in the weight's layout. */
    NDArray update() {
        NDArray u = Scalars.mul(b.getArray().matMul(a.getArray()), scale);
        return target.fanInFanOut() ? u.transpose() : u;
    }

    @Override
    public void fold(int sign) {
        NDArray w = target.weight().getArray();
        try (NDArray u = update(); NDArray merged = sign > 0 ? w.add(u) : w.sub(u)) {
            w.set(merged.toFloatArray());
        }
    }
}
