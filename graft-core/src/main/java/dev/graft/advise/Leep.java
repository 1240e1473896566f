package dev.graft.advise;

import dev.graft.GraftException;

/**
 * LEEP (Nguyen et al., ICML 2020): how well the source classifier's predictions, through the
 * empirical conditional P(target | source class), explain the target labels. The average
 * log-likelihood; 0 is perfect, lower is worse. Needs the pretrained classifier (before its head is
 * replaced).
 *
 * <pre>{@code
 * double leep = Leep.score(sourceProbabilities, labels, numClasses);   // probabilities n x Z (rows sum to 1)
 * }</pre>
 */
public final class Leep {
    private Leep() {}

    public static double score(float[][] sourceProbs, int[] labels, int numClasses) {
        int n = sourceProbs.length;
        if (n == 0 || n != labels.length) {
            throw new GraftException("LEEP needs as many labels as prediction rows", "pass matching arrays");
        }
        int z = sourceProbs[0].length;
        double[][] joint = new double[numClasses][z];
        double[] marginal = new double[z];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < z; k++) {
                joint[labels[i]][k] += sourceProbs[i][k] / n;
                marginal[k] += sourceProbs[i][k] / n;
            }
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            double p = 0;
            for (int k = 0; k < z; k++) {
                if (marginal[k] > 0) {
                    p += joint[labels[i]][k] / marginal[k] * sourceProbs[i][k];
                }
            }
            total += Math.log(Math.max(p, 1e-300));
        }
        return total / n;
    }
}
