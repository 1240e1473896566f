package dev.graft.adapt;

import ai.djl.ndarray.NDArray;
import dev.graft.engine.Scalars;

/**
 * The gradient reversal layer of DANN (Ganin and Lempitsky, 2015): identity in the forward pass,
 * gradient multiplied by {@code -lambda} in the backward pass.
 *
 * <p>DJL has no custom autograd function on the PyTorch engine, so it is built from differentiable
 * ops: {@code y = stopGradient(x) * (1 + lambda) - x * lambda}. Its value is
 * {@code x(1 + lambda) - x lambda = x}, and only the second term carries gradient, {@code -lambda}.
 *
 * <pre>{@code
 * double lambda = GradientReversal.warmStart(step);   // TLlib's WarmStartGradientReverseLayer
 * NDArray reversed = GradientReversal.apply(features, lambda);
 * }</pre>
 */
public final class GradientReversal {
    private GradientReversal() {}

    /** Identity forward, gradient times {@code -lambda} backward. */
    public static NDArray apply(NDArray x, double lambda) {
        if (lambda == 0) {
            // lambda = 0 still has to cut the gradient, as the reversal layer does at the start of training.
            return x.stopGradient();
        }
        float l = (float) lambda;
        return Scalars.mul(x.stopGradient(), 1 + l).sub(Scalars.mul(x, l));
    }

    /** TLlib's default steepness {@code alpha} of the warm-start schedule. */
    public static final double WARM_START_ALPHA = 1.0;
    /** TLlib's default lower bound {@code lo}: the coefficient at step 0. */
    public static final double WARM_START_LO = 0.0;
    /** TLlib's default upper bound {@code hi}: the coefficient never exceeds it. */
    public static final double WARM_START_HI = 1.0;
    /** TLlib's default {@code max_iters}: the step count that {@code alpha} is measured in. */
    public static final long WARM_START_MAX_ITERS = 1000;

    /**
     * The reversal coefficient of TLlib's {@code WarmStartGradientReverseLayer} with its defaults
     * (alpha 1, lo 0, hi 1, max_iters 1000): 0 at the first step, 0.46 after 1,000 steps, 0.76 after
     * 2,000, and never above 1.
     *
     * @param step optimizer steps taken so far
     */
    public static double warmStart(long step) {
        return warmStart(step, WARM_START_ALPHA, WARM_START_LO, WARM_START_HI, WARM_START_MAX_ITERS);
    }

    /**
     * {@code 2 (hi - lo) / (1 + exp(-alpha p)) - (hi - lo) + lo} with {@code p = step / maxIters}: rises
     * smoothly from {@code lo} at step 0 towards {@code hi}, which it never exceeds however long training
     * runs. A small coefficient while the discriminator is still untrained keeps its noisy, reversed
     * gradient from disturbing the features before the classifier has learnt anything.
     */
    public static double warmStart(long step, double alpha, double lo, double hi, long maxIters) {
        if (maxIters < 1 || !(hi >= lo) || !(alpha >= 0)) {
            throw new IllegalArgumentException("warm start needs maxIters >= 1, hi >= lo and alpha >= 0");
        }
        double p = Math.max(0, step) / (double) maxIters;
        return 2.0 * (hi - lo) / (1.0 + Math.exp(-alpha * p)) - (hi - lo) + lo;
    }
}
