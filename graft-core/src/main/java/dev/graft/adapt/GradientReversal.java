package dev.graft.adapt;

import ai.djl.ndarray.NDArray;

/**
 * The gradient reversal layer of DANN (Ganin and Lempitsky, 2015): identity in the forward pass,
 * gradient multiplied by {@code -lambda} in the backward pass.
 *
 * <p>DJL has no custom autograd function on the PyTorch engine, so it is built from differentiable
 * ops: {@code y = stopGradient(x) * (1 + lambda) - x * lambda}. Its value is
 * {@code x(1 + lambda) - x lambda = x}, and only the second term carries gradient, {@code -lambda}.
 *
 * <pre>{@code
 * double lambda = GradientReversal.dannLambda(step / (double) totalSteps);
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
        return x.stopGradient().mul(1f + l).sub(x.mul(l));
    }

    /**
     * DANN's schedule {@code lambda(p) = 2 / (1 + exp(-gamma p)) - 1} with gamma = 10: 0 at the start of
     * training (the discriminator is still noise), close to 1 at the end.
     *
     * @param progress training progress p in [0, 1]
     */
    public static double dannLambda(double progress) {
        return dannLambda(progress, 10.0);
    }

    /** The same schedule with another steepness {@code gamma}. */
    public static double dannLambda(double progress, double gamma) {
        double p = Math.max(0.0, Math.min(1.0, progress));
        return 2.0 / (1.0 + Math.exp(-gamma * p)) - 1.0;
    }
}
