package dev.graft.multitask;

import ai.djl.ndarray.NDArray;

/**
 * What a {@link Weighting} may do with one batch's task losses. The training loop implements it over
 * the model (shared backbone parameters plus one head per task); tests implement it over toy vectors.
 *
 * <pre>{@code
 * NDArray[] g = grads.sharedGradients(losses, new float[] {1, 1});   // one flat gradient per task
 * grads.setSharedGradient(g[0].add(g[1]));
 * }</pre>
 */
public interface TaskGradients {
    /** Backpropagates one scalar loss into every parameter it depends on (shared, heads, the weighting's own). */
    void backward(NDArray loss);

    /**
     * Backpropagates {@code scales[t] * losses[t]} for each task separately and returns each one's gradient
     * with respect to the shared parameters, flattened into one vector. Each head receives its own task's
     * scaled gradient. Afterwards the shared parameters hold no gradient until {@link #setSharedGradient}.
     */
    NDArray[] sharedGradients(NDArray[] losses, float[] scales);

    /** Sets the gradient applied to the shared parameters, flattened as {@link #sharedGradients} returns it. */
    void setSharedGradient(NDArray flat);

    /** Where the last shared layer's weight sits in a flattened shared gradient: {@code {offset, length}}. */
    int[] lastSharedLayer();
}
