package dev.graft.multitask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.graft.engine.Scalars;

/**
 * Per-task losses with missing labels masked out: cross-entropy for classification, squared error for
 * regression, each averaged over the samples that carry a label (0, still differentiable, when none do).
 *
 * <pre>{@code
 * NDArray loss = TaskLosses.loss(TaskKind.CLASSIFICATION, logits, labels, mask);
 * }</pre>
 */
public final class TaskLosses {
    private TaskLosses() {}

    /**
     * The masked mean loss of one task.
     *
     * @param output N x classes logits, or N x 1 (or N) predictions for regression
     * @param targets N int class indices, or N float targets
     * @param mask N float32: 1 where labelled, 0 where missing
     */
    public static NDArray loss(TaskKind kind, NDArray output, NDArray targets, NDArray mask) {
        NDArray perSample;
        if (kind == TaskKind.CLASSIFICATION) {
            NDArray index = targets.toType(DataType.INT64, false).reshape(-1, 1);
            perSample = output.logSoftmax(1).gather(index, 1).reshape(-1).neg();
        } else {
            NDArray pred = output.reshape(-1);
            NDArray diff = pred.sub(targets.toType(DataType.FLOAT32, false));
            perSample = diff.mul(diff);
        }
        NDArray count = Scalars.maximum(mask.sum(), 1);
        return perSample.mul(mask).sum().div(count);
    }

    /** Every task's masked loss on the samples {@code idx} of {@code data}, from the model's outputs for them. */
    public static NDArray[] all(MultiTaskData data, NDArray[] outputs, NDManager batch, int[] idx) {
        NDArray[] losses = new NDArray[outputs.length];
        for (int t = 0; t < outputs.length; t++) {
            losses[t] = loss(data.tasks().get(t).kind(), outputs[t], data.targets(batch, t, idx), data.mask(batch, t, idx));
        }
        return losses;
    }
}
