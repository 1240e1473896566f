package dev.graft.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.nn.AdaptableLinear;
import dev.graft.zoo.nn.LinearDelta;
import java.util.List;

/** One adapted layer of a {@link LoraAdapter}: LoRA's {@link LoraLayer} or IA3's {@link Ia3Layer}. */
interface AdapterLayer extends LinearDelta {
    /** The layer's module path. */
    String path();

    /** The layer it changes. */
    AdaptableLinear target();

    /** Its trained tensors, each named by its key in the adapter file without {@link LoraAdapter#PREFIX}. */
    List<Parameter> parameters();

    /** Folds the adapter into the layer's weights ({@code sign} 1), or takes it out again (-1). */
    void fold(int sign);

    /** The parameter's value for this pass (the training copy when a trainer holds the parameters). */
    static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        return ps == null ? p.getArray() : ps.getValue(p, like.getDevice(), training);
    }

    /** Replaces the values of {@code p} in place. */
    static void setValues(Parameter p, NDArray v) {
        p.getArray().set(v.toFloatArray());
    }
}
