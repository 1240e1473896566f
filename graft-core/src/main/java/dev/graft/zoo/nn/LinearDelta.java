package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * A term added to a linear layer's output, {@code y = x W^T + b + delta(x)}: how an adapter such as
 * LoRA ({@code dev.graft.peft}) changes a layer without touching its weights (IA3's scalings override
 * {@link #forward}).
 *
 * <pre>{@code
 * layer.setDelta((ps, x, training) -> x.mul(0));   // adds nothing
 * layer.setDelta(null);                             // removes it
 * }</pre>
 */
@FunctionalInterface
public interface LinearDelta {
    /** The term added for input {@code x} (last axis = the layer's input features). */
    NDArray apply(ParameterStore ps, NDArray x, boolean training);

    /**
     * The layer's output with this delta, given {@code base}, the layer's own computation: {@code base(x) + apply(x)}
     * unless the delta changes the layer otherwise (IA3 scales its input or its output).
     */
    default NDArray forward(ParameterStore ps, NDArray x, boolean training, java.util.function.UnaryOperator<NDArray> base) {
        return base.apply(x).add(apply(ps, x, training));
    }
}
