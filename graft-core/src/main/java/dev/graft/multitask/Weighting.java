package dev.graft.multitask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * A multi-task weighting strategy, separate from the architecture as in LibMTL: it turns one batch's
 * per-task losses (and, where it needs them, per-task gradients of the shared parameters) into the
 * gradient the optimizer applies. Any strategy works with any backbone.
 *
 * <pre>{@code
 * Weighting w = Weightings.create("pcgrad", seed);
 * w.init(tasks, manager);
 * double[] used = w.backward(taskLosses, taskGradients);   // leaves gradients on the parameters
 * }</pre>
 */
public interface Weighting {
    /** Short name as typed on the command line, e.g. {@code uw}. */
    String name();

    /** Called once before training. */
    default void init(List<TaskSpec> tasks, NDManager manager) {}

    /** Arrays the strategy learns with the model's optimizer (UW's log-variances), by name; empty for most. */
    default Map<String, NDArray> parameters() {
        return Map.of();
    }

    /**
     * Called at the start of each epoch ({@code epoch} from 0) with the mean training loss per task of
     * every finished epoch, oldest first.
     */
    default void startEpoch(int epoch, List<double[]> epochLosses) {}

    /**
     * Backpropagates the batch through {@code grads} so every trainable parameter holds the gradient to
     * apply; returns the weight each task's loss effectively got (for the log and the report).
     */
    double[] backward(NDArray[] losses, TaskGradients grads);

    /** What the strategy learned or tracks (final weights, log-variances), for the report. */
    default Map<String, Object> state() {
        return Map.of();
    }
}
