package dev.graft.multitask;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * Equal weighting (EW): the plain sum of the task losses, {@code L = sum_t L_t}.
 *
 * <pre>{@code
 * Weighting ew = new EqualWeighting();
 * }</pre>
 */
public final class EqualWeighting implements Weighting {
    @Override
    public String name() {
        return "ew";
    }

    @Override
    public double[] backward(NDArray[] losses, TaskGradients grads) {
        grads.backward(sum(losses));
        double[] w = new double[losses.length];
        Arrays.fill(w, 1.0);
        return w;
    }

    static NDArray sum(NDArray[] losses) {
        NDArray total = losses[0];
        for (int t = 1; t < losses.length; t++) {
            total = total.add(losses[t]);
        }
        return total;
    }
}
