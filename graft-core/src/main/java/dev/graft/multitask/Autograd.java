package dev.graft.multitask;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.graft.GraftException;

/**
 * The few autograd operations DJL's engine-neutral API lacks and gradient-based weighting needs:
 * backward that keeps the graph (one backward per task over one forward pass), reading a
 * parameter's gradient, and zeroing it. PyTorch engine only, which is the engine Graft runs on.
 */
final class Autograd {
    private Autograd() {}

    /**
     * Backpropagates a scalar, adding to the gradients of every leaf that requires them; with
     * {@code retainGraph} the graph survives for another backward (as PyTorch's {@code retain_graph}).
     */
    static void backward(NDArray scalar, boolean retainGraph) {
        PtNDArray target = pt(scalar);
        try (NDArray ones = scalar.onesLike()) {
            JniUtils.backward(target, pt(ones), retainGraph, false);
        }
    }

    /** The gradient tensor of {@code weight} (shares storage), or null when none was computed yet. */
    static NDArray gradient(NDArray weight) {
        return JniUtils.getGradient(pt(weight));
    }

    /** Sets the gradient of {@code weight} to zero, if it has one. */
    static void zeroGradient(NDArray weight) {
        NDArray g = gradient(weight);
        if (g != null) {
            g.close();
            JniUtils.zeroGrad(pt(weight));
        }
    }

    private static PtNDArray pt(NDArray a) {
        if (a instanceof PtNDArray p) {
            return p;
        }
        throw new GraftException("multi-task gradients need the PyTorch engine, got " + a.getManager().getEngine().getEngineName(),
                "run Graft with its default PyTorch engine");
    }
}
