package dev.graft.train;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.NoGrad;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The {@code head} strategy's classifier fitted to convergence on cached backbone features: multinomial
 * logistic regression minimising the mean cross-entropy plus {@code l2 / 2 * ||W||^2} (the bias is not
 * penalised) with {@link Lbfgs}, in double precision, as scikit-learn's {@code LogisticRegression} and
 * CLIP's linear-probe evaluation do. The penalty is chosen from {@link #L2_GRID} by the loss on
 * held-out data; the number of epochs, the batch size and the learning rate play no part.
 *
 * <pre>{@code
 * TensorSet feats = FeatureExtractor.features(model, train, 256);
 * LinearProbe.Selection s = LinearProbe.select(feats, FeatureExtractor.features(model, val, 256), 42, true, () -> false);
 * LinearProbe.writeInto(model, s.solution());      // fc.weight (classes x features), fc.bias
 * }</pre>
 */
public final class LinearProbe {
    /**
     * The L2 penalties tried, strongest first (each fit starts from the previous one's solution, a
     * regularisation path). {@code l2 = 1 / (C n)} in scikit-learn's terms.
     */
    public static final double[] L2_GRID = {1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6};
    /** Iteration limit of one fit (CLIP's probe: 1000). */
    public static final int MAX_ITERATIONS = 1000;
    /** Converged when the largest absolute gradient component is at most this. */
    public static final double GRADIENT_TOLERANCE = 1e-6;
    /**
     * Most feature values (samples x width) fitted full-batch: 2^21, e.g. 16,384 samples of 128 features.
     * The cost is the sweep's: every L-BFGS iteration passes over all samples, and the seven fits take about
     * a thousand iterations on large data (16,384 x 128, 10 classes: 23 s on 2 busy cores). Beyond it the
     * classifier is trained by SGD epochs on the cached features instead (see {@link FineTune}).
     */
    public static final long MAX_VALUES = 1L << 21;
    /** Share of the training data held out to choose the penalty when no validation data is given. */
    static final int INNER_FOLDS = 3;

    private LinearProbe() {}

    /**
     * A fitted classifier.
     *
     * @param classes number of classes K
     * @param features feature width D
     * @param weight K x D, row-major (PyTorch's {@code nn.Linear.weight} layout)
     * @param bias K values (zeros when fitted without a bias)
     * @param l2 the penalty it was fitted with
     * @param objective the minimised value: mean cross-entropy plus the penalty
     * @param gradientMax largest absolute gradient component at the solution
     * @param iterations L-BFGS iterations
     * @param converged whether a convergence test ended the fit (not the iteration limit)
     */
    public record Solution(
            @JsonProperty("classes") int classes,
            @JsonProperty("features") int features,
            @JsonProperty("weight") double[] weight,
            @JsonProperty("bias") double[] bias,
            @JsonProperty("l2") double l2,
            @JsonProperty("objective") double objective,
            @JsonProperty("gradient_max") double gradientMax,
            @JsonProperty("iterations") int iterations,
            @JsonProperty("converged") boolean converged) {}

    /**
     * One point of the regularisation path.
     *
     * @param l2 the penalty
     * @param trainLoss mean cross-entropy on the data it was fitted on
     * @param trainTop1 top-1 there
     * @param heldOutLoss mean cross-entropy on the held-out data (what chooses the penalty)
     * @param heldOutTop1 top-1 there
     * @param iterations L-BFGS iterations of this fit
     * @param converged whether it converged
     */
    public record Candidate(
            @JsonProperty("l2") double l2,
            @JsonProperty("train_loss") double trainLoss,
            @JsonProperty("train_top1") double trainTop1,
            @JsonProperty("val_loss") double heldOutLoss,
            @JsonProperty("val_top1") double heldOutTop1,
            @JsonProperty("iterations") int iterations,
            @JsonProperty("converged") boolean converged) {}

    /**
     * The penalty sweep and the final fit.
     *
     * @param path every penalty tried, in {@link #L2_GRID} order
     * @param l2 the penalty with the lowest held-out loss (the stronger one on a tie)
     * @param heldOut what chose it: {@code validation} or {@code a third of the training data}
     * @param solution the classifier at that penalty, fitted on all the training data
     * @param interrupted whether a stop request cut the fit short ({@code solution} is then null)
     * @param seconds wall time of sweep and fit
     */
    public record Selection(List<Candidate> path, double l2, String heldOut, Solution solution, boolean interrupted, double seconds) {}

    /** Whether {@code features} is small enough to be fitted full-batch ({@link #MAX_VALUES}). */
    public static boolean fitsFullBatch(TensorSet features) {
        return (long) features.size() * features.sampleSize() <= MAX_VALUES;
    }

    /**
     * Fits at one penalty from zero weights.
     *
     * @param features n x D training features
     * @param l2 the penalty, 0 allowed (then separable data has no minimiser and the fit stops at the iteration limit)
     * @param bias whether to fit a bias
     */
    public static Solution fit(TensorSet features, double l2, boolean bias) {
        return new Problem(features, bias).fit(l2, null, GRADIENT_TOLERANCE, MAX_ITERATIONS, () -> false);
    }

    /**
     * Chooses the penalty on held-out data and fits the classifier with it: every value of {@link #L2_GRID} is
     * fitted on {@code train} and scored by the cross-entropy on {@code validation}; the lowest wins. Without
     * validation data (null or empty) a seeded, class-stratified third of {@code train} is held out for the
     * choice, and the classifier is then refitted on all of {@code train} at the chosen penalty.
     *
     * @param train n x D training features
     * @param validation held-out features, or null
     * @param seed seeds the held-out third when there is no validation data
     * @param bias whether the classifier has a bias
     * @param stop polled once per iteration; true ends the selection early (marked {@code interrupted})
     */
    public static Selection select(TensorSet train, TensorSet validation, long seed, boolean bias, BooleanSupplier stop) {
        if (train.size() == 0) {
            throw new GraftException("the linear probe has no training samples", "give the head strategy some labelled data");
        }
        if (validation != null && validation.size() > 0 && validation.sampleSize() != train.sampleSize()) {
            throw new GraftException("training features have " + train.sampleSize() + " values, validation features "
                    + validation.sampleSize(), "extract both with the same model");
        }
        long t0 = System.nanoTime();
        boolean hasVal = validation != null && validation.size() > 0;
        TensorSet fitOn = train;
        TensorSet heldOut = validation;
        if (!hasVal) {
            int[] fold = StrategyProbe.assignFolds(train.labels(), train.numClasses(), INNER_FOLDS, seed);
            fitOn = StrategyProbe.select(train, fold, 0, false);
            heldOut = StrategyProbe.select(train, fold, 0, true);
            if (fitOn.size() == 0 || heldOut.size() == 0) {
                fitOn = train;   // too few samples to hold any out: choose on the training loss of the path (the weakest penalty)
                heldOut = train;
            }
        }
        List<Candidate> path = new ArrayList<>();
        Solution chosen = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        Problem p = new Problem(fitOn, bias);
        Problem h = new Problem(heldOut, bias);
        Solution prev = null;
        for (double l2 : L2_GRID) {
            Solution s = p.fit(l2, prev, GRADIENT_TOLERANCE, MAX_ITERATIONS, stop);
            if (s == null) {
                return new Selection(path, Double.NaN, hasVal ? "validation" : "a third of the training data", null, true, secs(t0));
            }
            double[] tr = p.metrics(s);
            double[] ho = h.metrics(s);
            path.add(new Candidate(l2, tr[0], tr[1], ho[0], ho[1], s.iterations(), s.converged()));
            if (ho[0] < bestLoss) {
                bestLoss = ho[0];
                chosen = s;
            }
            prev = s;
        }
        if (fitOn != train) {
            // the minimiser is unique (strictly convex in W, and the bias stays in the sum-zero subspace it starts in),
            // so starting from the held-out fit only saves iterations
            chosen = new Problem(train, bias).fit(chosen.l2(), chosen, GRADIENT_TOLERANCE, MAX_ITERATIONS, stop);
            if (chosen == null) {
                return new Selection(path, Double.NaN, "a third of the training data", null, true, secs(t0));
            }
        }
        return new Selection(path, chosen.l2(), hasVal ? "validation" : "a third of the training data", chosen, false, secs(t0));
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Copies a solution into the model's classifier ({@code <classifier>.weight}, {@code <classifier>.bias}),
     * whose shapes must be K x D and K.
     */
    public static void writeInto(GraftModel model, Solution s) {
        String cls = model.cfg().classifier();
        Parameter w = model.stateDict().get(cls + ".weight");
        Parameter b = model.stateDict().get(cls + ".bias");
        if (w == null) {
            throw new SettingException(SettingException.Reason.NO_CLASSIFIER, null, "model " + model.cfg().name() + " has no '" + cls
                    + ".weight' classifier", "use strategy full or partial");
        }
        Shape want = new Shape(s.classes(), s.features());
        if (!w.getArray().getShape().equals(want)) {
            throw new GraftException("the probe was fitted for " + want + " but '" + cls + ".weight' is " + w.getArray().getShape(),
                    "fit the probe on this model's features and classes");
        }
        try (NoGrad g = NoGrad.enter()) {
            w.getArray().set(FloatBuffer.wrap(toFloats(s.weight())));
            if (b != null) {
                b.getArray().set(FloatBuffer.wrap(toFloats(s.bias())));
            }
        }
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /**
     * The objective over features kept as they were cached (float), computed in double precision in plain
     * Java: at these sizes the engine's per-call overhead costs more than the arithmetic. Rows are summed in
     * fixed blocks, in parallel, and the blocks added in order, so the result does not depend on the thread count.
     */
    static final class Problem {
        private static final int BLOCK = 512;
        final int n;
        final int dim;
        final int classes;
        final boolean bias;
        final int[] labels;
        final float[] x;

        Problem(TensorSet data, boolean bias) {
            if (data.sampleShape().length != 1) {
                throw new GraftException("the linear probe needs 1-D features, got samples of " + data.sampleSize() + " values in "
                        + data.sampleShape().length + " dimensions", "pass pooled features (FeatureExtractor.features)");
            }
            this.n = data.size();
            this.dim = data.sampleSize();
            this.classes = data.numClasses();
            this.bias = bias;
            this.labels = data.labels();
            this.x = data.values();
        }

        int size() {
            return classes * dim + classes;
        }

        /** Fits at {@code l2} from {@code warm} (null = zeros); null when stopped. */
        Solution fit(double l2, Solution warm, double gtol, int maxIter, BooleanSupplier stop) {
            double[] theta = new double[size()];
            if (warm != null) {
                System.arraycopy(warm.weight(), 0, theta, 0, classes * dim);
                System.arraycopy(warm.bias(), 0, theta, classes * dim, classes);
            }
            Lbfgs.Result r = new Lbfgs().withGradientTolerance(gtol).withMaxIterations(maxIter).withStopWhen(stop)
                    .minimize((t, g) -> valueAndGradient(t, g, l2), theta);
            if (r.stop() == Lbfgs.Stop.INTERRUPTED) {
                return null;
            }
            double[] w = java.util.Arrays.copyOfRange(r.x(), 0, classes * dim);
            double[] b = java.util.Arrays.copyOfRange(r.x(), classes * dim, size());
            return new Solution(classes, dim, w, b, l2, r.value(), r.gradientMax(), r.iterations(), r.converged());
        }

        /** Mean cross-entropy plus {@code l2/2 ||W||^2}; the gradient goes into {@code grad}. */
        double valueAndGradient(double[] theta, double[] grad, double l2) {
            java.util.Arrays.fill(grad, 0);
            double ce = 0;
            if (n > 0) {
                int blocks = (n + BLOCK - 1) / BLOCK;
                java.util.stream.IntStream ids = java.util.stream.IntStream.range(0, blocks);
                List<double[]> parts = (blocks > 1 ? ids.parallel() : ids).mapToObj(blk -> block(theta, blk, true)).toList();
                for (double[] part : parts) {
                    for (int i = 0; i < grad.length; i++) {
                        grad[i] += part[i];
                    }
                    ce += part[grad.length];
                }
                for (int i = 0; i < grad.length; i++) {
                    grad[i] /= n;
                }
                ce /= n;
            }
            if (!bias) {
                java.util.Arrays.fill(grad, classes * dim, size(), 0);
            }
            double penalty = 0;
            for (int i = 0; i < classes * dim; i++) {
                penalty += theta[i] * theta[i];
                grad[i] += l2 * theta[i];
            }
            return ce + 0.5 * l2 * penalty;
        }

        /**
         * One block of rows: summed gradient (weights then bias), then the summed cross-entropy, then the number
         * right; without {@code withGradient} only the last two.
         */
        private double[] block(double[] theta, int blk, boolean withGradient) {
            int wEnd = classes * dim;
            double[] out = new double[withGradient ? size() + 2 : 2];
            int base = withGradient ? size() : 0;
            double[] z = new double[classes];
            for (int i = blk * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) {
                int row = i * dim;
                double max = Double.NEGATIVE_INFINITY;
                int arg = 0;
                for (int c = 0; c < classes; c++) {
                    double v = bias ? theta[wEnd + c] : 0;
                    int w = c * dim;
                    for (int j = 0; j < dim; j++) {
                        v += theta[w + j] * x[row + j];
                    }
                    z[c] = v;
                    if (v > max) {
                        max = v;
                        arg = c;
                    }
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(z[c] - max);
                }
                double logSum = max + Math.log(sum);
                out[base] += logSum - z[labels[i]];
                out[base + 1] += arg == labels[i] ? 1 : 0;
                if (withGradient) {
                    for (int c = 0; c < classes; c++) {
                        double delta = Math.exp(z[c] - logSum) - (c == labels[i] ? 1 : 0);
                        int w = c * dim;
                        for (int j = 0; j < dim; j++) {
                            out[w + j] += delta * x[row + j];
                        }
                        out[wEnd + c] += delta;
                    }
                }
            }
            return out;
        }

        /** {mean cross-entropy, top-1} of a solution on this data. */
        double[] metrics(Solution s) {
            if (n == 0) {
                return new double[] {Double.NaN, Double.NaN};
            }
            double[] theta = new double[size()];
            System.arraycopy(s.weight(), 0, theta, 0, classes * dim);
            System.arraycopy(s.bias(), 0, theta, classes * dim, classes);
            int blocks = (n + BLOCK - 1) / BLOCK;
            double ce = 0;
            double right = 0;
            for (int blk = 0; blk < blocks; blk++) {
                double[] part = block(theta, blk, false);
                ce += part[0];
                right += part[1];
            }
            return new double[] {ce / n, right / n};
        }
    }
}
