package dev.graft.advise;

import dev.graft.GraftException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fréchet distance between two Gaussians fitted to feature sets (the distance behind FID):
 * {@code |mu1 - mu2|^2 + tr(C1) + tr(C2) - 2 tr((C1 C2)^(1/2))}. The trace of the matrix square root
 * is computed as the sum of square roots of the eigenvalues of {@code C1^(1/2) C2 C1^(1/2)}, which is
 * symmetric, so only symmetric eigen-decompositions are needed.
 *
 * <pre>{@code
 * double fd = Frechet.distance(pretrainStats, targetStats);   // 0 for identical statistics
 * }</pre>
 */
public final class Frechet {
    private Frechet() {}

    public static double distance(FeatureStats a, FeatureStats b) {
        if (a.dim() != b.dim()) {
            throw new GraftException("feature statistics of " + a.dim() + " and " + b.dim() + " dimensions cannot be compared",
                    "compare features of the same model");
        }
        int d = a.dim();
        double meanTerm = 0;
        for (int j = 0; j < d; j++) {
            double diff = a.mean()[j] - b.mean()[j];
            meanTerm += diff * diff;
        }
        RealMatrix c1 = new Array2DRowRealMatrix(a.cov());
        RealMatrix c2 = new Array2DRowRealMatrix(b.cov());
        RealMatrix s1 = sqrtPsd(c1);
        RealMatrix inner = s1.multiply(c2).multiply(s1);
        inner = inner.add(inner.transpose()).scalarMultiply(0.5); // remove rounding asymmetry
        double traceSqrt = 0;
        for (double ev : new EigenDecomposition(inner).getRealEigenvalues()) {
            traceSqrt += Math.sqrt(Math.max(0, ev));
        }
        double fd = meanTerm + c1.getTrace() + c2.getTrace() - 2 * traceSqrt;
        return Math.max(0, fd);
    }

    /** Square root of a symmetric positive semi-definite matrix (negative rounding eigenvalues clamped to 0). */
    static RealMatrix sqrtPsd(RealMatrix m) {
        RealMatrix sym = m.add(m.transpose()).scalarMultiply(0.5);
        EigenDecomposition e = new EigenDecomposition(sym);
        double[] ev = e.getRealEigenvalues();
        RealMatrix v = e.getV();
        int d = ev.length;
        double[][] scaled = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < d; k++) {
                scaled[i][k] = v.getEntry(i, k) * Math.sqrt(Math.max(0, ev[k]));
            }
        }
        RealMatrix vs = new Array2DRowRealMatrix(scaled, false);
        return vs.multiply(v.transpose());
    }
}
