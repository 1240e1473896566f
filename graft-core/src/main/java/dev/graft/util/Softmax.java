package dev.graft.util;

/** The softmax of a vector of scores, shifted by their maximum so large scores do not overflow. */
public final class Softmax {
    private Softmax() {
    }

    /** {@code exp(z_i - max z) / sum_j exp(z_j - max z)}: probabilities that sum to 1. */
    public static double[] of(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            p[k] = Math.exp(z[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < z.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** {@link #of(double[])} of float scores (logits), computed in double. */
    public static double[] of(float[] logits) {
        double[] z = new double[logits.length];
        for (int k = 0; k < z.length; k++) {
            z[k] = logits[k];
        }
        return of(z);
    }
}
