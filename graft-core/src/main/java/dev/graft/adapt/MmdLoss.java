package dev.graft.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.engine.Scalars;
import java.util.Map;

/**
 * DAN's multi-kernel maximum mean discrepancy (Long et al., 2015), on the pre-logits features and on
 * the logits. The kernel is a sum of Gaussians {@code exp(-|x - y|^2 / (2 sigma_k^2))} whose bandwidths
 * are {@code sigma_k^2 = alpha_k * mean pairwise squared distance} of the joint batch (as TLlib, with
 * alpha_k = 2^-3 ... 2^1, the mean taken without gradient). The estimate is the unbiased U-statistic:
 *
 * <pre>
 * MMD^2 = mean_{i != j} k(s_i, s_j) + mean_{i != j} k(t_i, t_j) - 2 mean_{i, j} k(s_i, t_j)
 * </pre>
 *
 * <pre>{@code
 * NDArray d = MmdLoss.multiKernelMmd(sourceFeatures, targetFeatures, MmdLoss.DEFAULT_ALPHAS);
 * }</pre>
 */
public final class MmdLoss implements TransferLoss {
    /** TLlib's DAN kernel family: 2^k for k = -3 .. 1. */
    public static final double[] DEFAULT_ALPHAS = {0.125, 0.25, 0.5, 1.0, 2.0};

    private final double[] alphas;
    private final boolean onLogits;
    private double lastFeatureMmd;
    private double lastLogitMmd;

    /** MK-MMD with the default kernels on features and, if {@code onLogits}, on logits too. */
    public MmdLoss(boolean onLogits) {
        this(DEFAULT_ALPHAS, onLogits);
    }

    public MmdLoss(double[] alphas, boolean onLogits) {
        this.alphas = alphas.clone();
        this.onLogits = onLogits;
    }

    @Override
    public NDArray loss(ParameterStore ps, DomainBatch batch, long step) {
        NDArray f = multiKernelMmd(batch.sourceFeatures(), batch.targetFeatures(), alphas);
        lastFeatureMmd = f.getFloat();
        if (!onLogits) {
            return f;
        }
        NDArray g = multiKernelMmd(batch.sourceLogits(), batch.targetLogits(), alphas);
        lastLogitMmd = g.getFloat();
        return f.add(g);
    }

    @Override
    public Map<String, Double> lastMetrics() {
        return onLogits ? Map.of("mmd_features", lastFeatureMmd, "mmd_logits", lastLogitMmd) : Map.of("mmd_features", lastFeatureMmd);
    }

    /** Squared distances between all rows of {@code x} (N x D), clamped at 0 against rounding. */
    static NDArray pairwiseSquaredDistances(NDArray x) {
        NDArray sq = x.square().sum(new int[] {1});
        NDArray gram = x.matMul(x.transpose());
        return Scalars.maximum(sq.expandDims(1).add(sq.expandDims(0)).sub(Scalars.mul(gram, 2)), 0);
    }

    /** Unbiased multi-kernel MMD^2 between source rows {@code s} (N_s x D) and target rows {@code t} (N_t x D). */
    public static NDArray multiKernelMmd(NDArray s, NDArray t, double[] alphas) {
        int ns = (int) s.getShape().get(0);
        int nt = (int) t.getShape().get(0);
        if (ns < 2 || nt < 2) {
            throw new IllegalArgumentException("MMD needs at least two samples per domain, got " + ns + " and " + nt);
        }
        NDArray x = NDArrays.concat(new NDList(s, t), 0);
        NDArray d = pairwiseSquaredDistances(x);
        float meanDistance = d.mean().stopGradient().getFloat();
        NDArray kernel = null;
        for (double alpha : alphas) {
            float twoSigmaSquare = (float) (2.0 * alpha * Math.max(meanDistance, 1e-12f));
            NDArray k = Scalars.div(d, -twoSigmaSquare).exp();
            kernel = kernel == null ? k : kernel.add(k);
        }
        return kernel.mul(indexWeights(x.getManager(), ns, nt)).sum();
    }

    /** The weight each kernel entry gets in the U-statistic (diagonal entries excluded). */
    private static NDArray indexWeights(NDManager nd, int ns, int nt) {
        int n = ns + nt;
        float[] w = new float[n * n];
        float ss = 1f / (ns * (float) (ns - 1));
        float tt = 1f / (nt * (float) (nt - 1));
        float st = -1f / (ns * (float) nt);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                boolean si = i < ns;
                boolean sj = j < ns;
                if (i == j) {
                    continue;
                }
                w[i * n + j] = si && sj ? ss : !si && !sj ? tt : st;
            }
        }
        return nd.create(w, new Shape(n, n));
    }
}
