package dev.graft.multitask;

import ai.djl.ndarray.NDArray;
import dev.graft.engine.Scalars;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * PCGrad, gradient surgery (Yu et al. 2020): for each task gradient {@code g_i} of the shared
 * parameters, visit the other tasks in random order and, whenever the (partly projected) {@code g_i}
 * conflicts with the original {@code g_j} ({@code g_i . g_j < 0}), remove its component along
 * {@code g_j}:
 *
 * <pre>
 *   g_i &lt;- g_i - (g_i . g_j) / ||g_j||^2 * g_j
 * </pre>
 *
 * The shared parameters get {@code sum_i g_i}; each head gets its own task's plain gradient.
 *
 * <pre>{@code
 * Weighting pc = new PCGrad(42);
 * NDArray merged = PCGrad.project(new NDArray[] {g1, g2}, new Random(42));
 * }</pre>
 */
public final class PCGrad implements Weighting {
    private final Random random;

    public PCGrad(long seed) {
        this.random = new Random(seed);
    }

    @Override
    public String name() {
        return "pcgrad";
    }

    @Override
    public double[] backward(NDArray[] losses, TaskGradients grads) {
        float[] ones = new float[losses.length];
        Arrays.fill(ones, 1f);
        NDArray[] g = grads.sharedGradients(losses, ones);
        grads.setSharedGradient(project(g, random));
        double[] w = new double[losses.length];
        Arrays.fill(w, 1.0);
        return w;
    }

    /** The sum of the task gradients after PCGrad's projections, visiting the others in an order drawn from {@code random}. */
    public static NDArray project(NDArray[] grads, Random random) {
        int n = grads.length;
        float[] squaredNorms = new float[n];
        for (int j = 0; j < n; j++) {
            squaredNorms[j] = grads[j].dot(grads[j]).getFloat();
        }
        NDArray sum = null;
        for (int i = 0; i < n; i++) {
            NDArray gi = grads[i];
            List<Integer> others = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    others.add(j);
                }
            }
            Collections.shuffle(others, random);
            for (int j : others) {
                float dot = gi.dot(grads[j]).getFloat();
                if (dot < 0 && squaredNorms[j] > 0) {
                    gi = gi.sub(Scalars.mul(grads[j], dot / squaredNorms[j]));
                }
            }
            sum = sum == null ? gi : sum.add(gi);
        }
        return sum;
    }
}
