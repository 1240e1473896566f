package dev.graft.advise;

import dev.graft.GraftException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * LogME (You et al., ICML 2021): the log marginal evidence, per sample, of a Bayesian linear model
 * on frozen features predicting each class indicator, averaged over classes. Higher means the
 * features transfer better to the labels; it needs no training. Follows the authors' fixed-point
 * iteration for the prior (alpha) and noise (beta) precisions over the eigen-decomposition of F^T F.
 *
 * <pre>{@code
 * double score = LogME.score(features, labels, numClasses);   // features n x D
 * }</pre>
 */
public final class LogME {
    private LogME() {}

    public static double score(float[][] features, int[] labels, int numClasses) {
        int n = features.length;
        if (n == 0 || n != labels.length) {
            throw new GraftException("LogME needs as many labels as feature rows (" + n + " vs " + labels.length + ")", "pass matching arrays");
        }
        int d = features[0].length;
        double[][] ftf = new double[d][d];
        for (float[] row : features) {
            for (int a = 0; a < d; a++) {
                double ra = row[a];
                for (int b = a; b < d; b++) {
                    ftf[a][b] += ra * row[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                ftf[a][b] = ftf[b][a];
            }
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(ftf, false));
        double[] sigma = eig.getRealEigenvalues();
        RealMatrix v = eig.getV();
        double maxSigma = 0;
        for (double s : sigma) {
            maxSigma = Math.max(maxSigma, s);
        }
        // components with no energy carry no information (the truncated SVD of the reference code)
        double cut = Math.max(1e-12, maxSigma * 1e-10);
        double total = 0;
        int classes = 0;
        for (int k = 0; k < numClasses; k++) {
            double[] fty = new double[d];
            double yy = 0;
            for (int i = 0; i < n; i++) {
                if (labels[i] == k) {
                    yy += 1;
                    for (int a = 0; a < d; a++) {
                        fty[a] += features[i][a];
                    }
                }
            }
            if (yy == 0) {
                continue;
            }
            classes++;
            double[] x2 = new double[d];
            double sumX2 = 0;
            for (int j = 0; j < d; j++) {
                if (sigma[j] <= cut) {
                    continue;
                }
                double proj = 0;
                for (int a = 0; a < d; a++) {
                    proj += v.getEntry(a, j) * fty[a];
                }
                x2[j] = proj * proj / sigma[j];
                sumX2 += x2[j];
            }
            total += evidence(sigma, x2, Math.max(0, yy - sumX2), n, d, cut);
        }
        if (classes == 0) {
            throw new GraftException("LogME got no labelled samples", "check the labels");
        }
        return total / classes;
    }

    private static double evidence(double[] sigma, double[] x2, double resX2, int n, int d, double cut) {
        double alpha = 1;
        double beta = 1;
        double ev = 0;
        for (int it = 0; it < 11; it++) {
            double t = alpha / beta;
            double gamma = 0;
            double m2 = 0;
            double res2 = resX2;
            for (int j = 0; j < sigma.length; j++) {
                if (sigma[j] <= cut) {
                    continue;
                }
                gamma += sigma[j] / (sigma[j] + t);
                m2 += sigma[j] * x2[j] / ((t + sigma[j]) * (t + sigma[j]));
                double q = 1 + sigma[j] / t;
                res2 += x2[j] / (q * q);
            }
            alpha = gamma / (m2 + 1e-5);
            beta = (n - gamma) / (res2 + 1e-5);
            double logDet = 0;
            for (double s : sigma) {
                logDet += Math.log(alpha + beta * (s <= cut ? 0 : s));
            }
            ev = d / 2.0 * Math.log(alpha) + n / 2.0 * Math.log(beta) - 0.5 * logDet - beta / 2 * res2 - alpha / 2 * m2
                    - n / 2.0 * Math.log(2 * Math.PI);
            double tNew = alpha / beta;
            if (Math.abs(tNew - t) / t <= 1e-3) {
                break;
            }
        }
        return ev / n;
    }
}
