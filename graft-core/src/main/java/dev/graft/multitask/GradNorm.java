package dev.graft.multitask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GradNorm (Chen et al. 2018): learns task weights {@code w_t} so that the gradient norms of the
 * weighted task losses on the last shared layer {@code W} train at similar rates.
 *
 * <pre>
 *   G_t   = || grad_W (w_t L_t) ||,              Gbar = mean_t G_t
 *   r_t   = (L_t / L_t(0)) / mean_k (L_k / L_k(0))   (relative inverse training rate)
 *   L_gn  = sum_t | G_t - Gbar * r_t^alpha |       (the target Gbar * r_t^alpha is a constant)
 *   dL_gn/dw_t = sign(G_t - Gbar r_t^alpha) * || grad_W L_t ||
 * </pre>
 *
 * Each batch the model gets the gradient of {@code sum_t w_t L_t}; then the weights take one Adam step
 * on {@code L_gn} (learning rate {@code weightLr}) and are renormalised to sum to the number of tasks
 * {@code T}. {@code L_t(0)} is the loss of the first batch. Defaults: {@code alpha = 1.5},
 * {@code weightLr = 0.025}.
 *
 * <pre>{@code
 * Weighting gn = new GradNorm(1.5, 0.025);
 * }</pre>
 */
public final class GradNorm implements Weighting {
    private final double alpha;
    private final double weightLr;
    private double[] weights;
    private double[] initialLosses;
    private double[] adamM;
    private double[] adamV;
    private int steps;

    public GradNorm() {
        this(1.5, 0.025);
    }

    public GradNorm(double alpha, double weightLr) {
        if (!(alpha >= 0) || !(weightLr > 0)) {
            throw new GraftException("GradNorm alpha " + alpha + ", weight learning rate " + weightLr,
                    "give alpha >= 0 (the paper uses 0.12 to 3) and a learning rate > 0");
        }
        this.alpha = alpha;
        this.weightLr = weightLr;
    }

    @Override
    public String name() {
        return "gradnorm";
    }

    @Override
    public void init(List<TaskSpec> tasks, NDManager manager) {
        weights = new double[tasks.size()];
        Arrays.fill(weights, 1.0);
        adamM = new double[tasks.size()];
        adamV = new double[tasks.size()];
        initialLosses = null;
        steps = 0;
    }

    /** Current task weights (they sum to the number of tasks). */
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public double[] backward(NDArray[] losses, TaskGradients grads) {
        int n = losses.length;
        float[] scales = new float[n];
        double[] lossValues = new double[n];
        for (int t = 0; t < n; t++) {
            scales[t] = (float) weights[t];
            lossValues[t] = losses[t].getFloat();
        }
        NDArray[] g = grads.sharedGradients(losses, scales);
        int[] last = grads.lastSharedLayer();
        double[] norms = new double[n];
        NDArray shared = null;
        for (int t = 0; t < n; t++) {
            norms[t] = g[t].get(last[0] + ":" + (last[0] + last[1])).norm().getFloat();
            shared = shared == null ? g[t] : shared.add(g[t]);
        }
        grads.setSharedGradient(shared);
        if (initialLosses == null) {
            initialLosses = new double[n];
            for (int t = 0; t < n; t++) {
                initialLosses[t] = lossValues[t] > 0 ? lossValues[t] : 1.0;
            }
        }
        double[] used = weights.clone();
        double[] ratios = new double[n];
        for (int t = 0; t < n; t++) {
            ratios[t] = lossValues[t] / initialLosses[t];
        }
        step(weightGradient(weights, norms, ratios, alpha));
        return used;
    }

    /**
     * The gradient of GradNorm's loss with respect to the weights, given the norms {@code G_t} of the
     * weighted task gradients on the last shared layer and the loss ratios {@code L_t / L_t(0)}.
     */
    public static double[] weightGradient(double[] weights, double[] weightedNorms, double[] lossRatios, double alpha) {
        int n = weights.length;
        double meanNorm = 0;
        double meanRatio = 0;
        for (int t = 0; t < n; t++) {
            meanNorm += weightedNorms[t] / n;
            meanRatio += lossRatios[t] / n;
        }
        double[] grad = new double[n];
        for (int t = 0; t < n; t++) {
            double target = meanNorm * Math.pow(lossRatios[t] / meanRatio, alpha);
            double unweightedNorm = weights[t] > 0 ? weightedNorms[t] / weights[t] : 0;
            grad[t] = Math.signum(weightedNorms[t] - target) * unweightedNorm;
        }
        return grad;
    }

    /** One Adam step on the weights, then renormalisation to sum T (weights stay positive). */
    private void step(double[] grad) {
        steps++;
        int n = weights.length;
        double b1 = 0.9;
        double b2 = 0.999;
        double sum = 0;
        for (int t = 0; t < n; t++) {
            adamM[t] = b1 * adamM[t] + (1 - b1) * grad[t];
            adamV[t] = b2 * adamV[t] + (1 - b2) * grad[t] * grad[t];
            double mHat = adamM[t] / (1 - Math.pow(b1, steps));
            double vHat = adamV[t] / (1 - Math.pow(b2, steps));
            weights[t] = Math.max(1e-3, weights[t] - weightLr * mHat / (Math.sqrt(vHat) + 1e-8));
            sum += weights[t];
        }
        for (int t = 0; t < n; t++) {
            weights[t] *= n / sum;
        }
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alpha", alpha);
        m.put("weights", weights.clone());
        return m;
    }
}
