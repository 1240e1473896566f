package dev.graft.train.loop;

import ai.djl.ndarray.NDArray;

/**
 * What a trainer contributes to the {@link Loop}: the loss of one batch. It runs under the loop's
 * gradient collector; the loop backpropagates the returned scalar, clips, steps the optimizer and
 * checks for divergence. A transfer loss (TLlib) or a multi-task weighting (LibMTL) is just another
 * step.
 *
 * <pre>{@code
 * Step step = c -> {
 *     NDArray x = data.batch(c.manager(), c.indices());
 *     NDArray y = data.labels(c.manager(), c.indices());
 *     return Losses.crossEntropy(model.forward(c.parameters(), x, true), y, 0.1);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Step {
    /** The scalar loss of the batch {@code c.indices()}. */
    NDArray loss(StepContext c);

    /**
     * True for a step that puts its gradients on the parameters itself (a gradient-surgery
     * weighting): the loop then only logs and checks the loss it returns.
     */
    default boolean backpropagates() {
        return false;
    }
}
