package dev.graft.adapt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.engine.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("numerics")
class AdaptLossesTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    @Test
    void gradientReversalIsIdentityForwardAndNegatesScaledGradient() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(new float[] {1f, -2f, 3.5f, 0.25f});
            x.setRequiresGradient(true);
            NDArray weights = nd.create(new float[] {2f, 1f, -1f, 4f});
            NDArray y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y = GradientReversal.apply(x, 0.7);
                gc.backward(y.mul(weights).sum());
            }
            assertArrayEquals(new float[] {1f, -2f, 3.5f, 0.25f}, y.toFloatArray(), 1e-6f);
            // d/dx sum(w * grl(x)) = -lambda * w
            assertArrayEquals(new float[] {-1.4f, -0.7f, 0.7f, -2.8f}, x.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void gradientReversalWithZeroLambdaBlocksTheGradient() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(new float[] {1f, 2f});
            x.setRequiresGradient(true);
            NDArray other = nd.create(new float[] {3f, 4f});
            other.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(GradientReversal.apply(x, 0).add(other).sum());
            }
            assertArrayEquals(new float[] {0f, 0f}, x.getGradient().toFloatArray(), 0f);
            assertArrayEquals(new float[] {1f, 1f}, other.getGradient().toFloatArray(), 0f);
        }
    }

    @Test
    void warmStartCoefficientFollowsTLlibsScheduleAndStaysBounded() {
        // TLlib's WarmStartGradientReverseLayer(alpha=1, lo=0, hi=1, max_iters=1000): 2 / (1 + exp(-p)) - 1 = tanh(p / 2)
        assertEquals(0.0, GradientReversal.warmStart(0), 1e-15);
        assertEquals(Math.tanh(0.5), GradientReversal.warmStart(1000), 1e-12);
        assertEquals(0.46211715726000974, GradientReversal.warmStart(1000), 1e-12);
        assertEquals(Math.tanh(1.0), GradientReversal.warmStart(2000), 1e-12);
        assertEquals(Math.tanh(0.0175), GradientReversal.warmStart(35), 1e-12);
        double previous = -1;
        for (long step = 0; step <= 100_000; step += 250) {
            double c = GradientReversal.warmStart(step);
            assertTrue(c >= previous, "non-decreasing at step " + step);
            assertTrue(c >= 0 && c <= 1, "within [lo, hi] at step " + step + ": " + c);
            previous = c;
        }
        assertEquals(1.0, GradientReversal.warmStart(Long.MAX_VALUE), 0.0, "never above hi however long it runs");
        // the general form: 2 (hi - lo) / (1 + exp(-alpha p)) - (hi - lo) + lo
        double lo = 0.1;
        double hi = 0.5;
        double p = 300 / 200.0;
        assertEquals(2 * (hi - lo) / (1 + Math.exp(-2 * p)) - (hi - lo) + lo, GradientReversal.warmStart(300, 2, lo, hi, 200), 1e-12);
        assertEquals(lo, GradientReversal.warmStart(0, 2, lo, hi, 200), 1e-15);
        assertEquals(hi, GradientReversal.warmStart(1L << 40, 2, lo, hi, 200), 1e-12);
    }

    @Test
    void bceWithLogitsIsFiniteAndExactForExtremeLogits() {
        float[] z = {100f, -100f, 100f, -100f, 0f, 3.5f, -7.25f, 30f};
        float[] y = {1f, 1f, 0f, 0f, 1f, 0f, 1f, 1f};
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray logits = nd.create(z, new Shape(z.length, 1));
            NDArray labels = nd.create(y, new Shape(y.length, 1));
            float[] got = DomainDiscriminator.bceWithLogits(logits, labels).toFloatArray();
            for (int i = 0; i < z.length; i++) {
                assertTrue(Float.isFinite(got[i]), "finite at z=" + z[i]);
                assertEquals(referenceBce(z[i], y[i]), got[i], 1e-5 * Math.max(1, Math.abs(z[i])), "z=" + z[i] + " y=" + y[i]);
            }
            // What the loss must not be: log(sigmoid(-100)) underflows to -inf in float32.
            float naive = Activation.sigmoid(nd.create(new float[] {-100f})).log().getFloat(0);
            assertTrue(Float.isInfinite(naive), "the log of a sigmoid gives " + naive);
        }
    }

    @Test
    void bceWithLogitsGradientIsSigmoidMinusLabelAndMatchesFiniteDifferences() {
        float[] z = {100f, -100f, 100f, -100f, 0f, 3.5f, -2f, 0.75f};
        float[] y = {1f, 1f, 0f, 0f, 1f, 0f, 1f, 0f};
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray logits = nd.create(z, new Shape(z.length, 1));
            logits.setRequiresGradient(true);
            NDArray labels = nd.create(y, new Shape(y.length, 1));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(DomainDiscriminator.bceWithLogits(logits, labels).sum());
            }
            float[] grad = logits.getGradient().toFloatArray();
            for (int i = 0; i < z.length; i++) {
                double analytic = 1 / (1 + Math.exp(-z[i])) - y[i];
                assertEquals(analytic, grad[i], 1e-6, "d/dz at z=" + z[i] + " y=" + y[i]);
                assertTrue(Math.abs(grad[i]) <= 1f, "bounded by 1");
                double h = 1e-2;
                double numeric = (referenceBce(z[i] + h, y[i]) - referenceBce(z[i] - h, y[i])) / (2 * h);
                float plus = DomainDiscriminator.bceWithLogits(nd.create(new float[] {(float) (z[i] + h)}), nd.create(new float[] {y[i]})).getFloat(0);
                float minus = DomainDiscriminator.bceWithLogits(nd.create(new float[] {(float) (z[i] - h)}), nd.create(new float[] {y[i]})).getFloat(0);
                assertEquals(numeric, grad[i], 1e-4, "finite differences of the reference at z=" + z[i]);
                assertEquals((plus - minus) / (2 * h), grad[i], 2e-3, "finite differences of the loss itself at z=" + z[i]);
            }
        }
    }

    @Test
    void dannLossIsFiniteAndUsesTheWarmStartCoefficient() {
        try (NDManager nd = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            DannLoss dann = new DannLoss(8);
            dann.initialize(nd, 4, 3, 3);
            ParameterStore ps = new ParameterStore(nd, false);
            // huge features drive the logits far from 0 on the first layer; the loss must stay finite
            NDArray fs = nd.randomNormal(new Shape(6, 4)).mul(1e4f);
            NDArray ft = nd.randomNormal(new Shape(6, 4)).mul(1e4f).add(5e4f);
            NDArray logits = nd.zeros(new Shape(6, 3));
            float loss = dann.loss(ps, new TransferLoss.DomainBatch(fs, ft, logits, logits), 1500).getFloat();
            assertTrue(Float.isFinite(loss) && loss >= 0, "loss " + loss);
            assertEquals(GradientReversal.warmStart(1500), dann.lastMetrics().get("grl_lambda"), 1e-12);
        }
    }

    /** {@code -y log(sigmoid(z)) - (1 - y) log(1 - sigmoid(z))} in double, from the side that does not cancel. */
    private static double referenceBce(double z, double y) {
        double logSigmoid = z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
        double logOneMinusSigmoid = logSigmoid - z;
        return -y * logSigmoid - (1 - y) * logOneMinusSigmoid;
    }

    @Test
    void multiKernelMmdMatchesClosedForm() {
        double[][] s = {{0, 0}, {1, 0}, {0, 2}};
        double[][] t = {{1, 1}, {3, 1}, {2, -1}, {0.5, 0.5}};
        double[] alphas = {0.5, 1.0, 2.0};
        try (NDManager nd = NDManager.newBaseManager()) {
            float got = MmdLoss.multiKernelMmd(array(nd, s), array(nd, t), alphas).getFloat();
            assertEquals(referenceMmd(s, t, alphas), got, 1e-5);
            float same = MmdLoss.multiKernelMmd(array(nd, s), array(nd, s), alphas).getFloat();
            // Unbiased estimate of identical samples: within-domain means exclude the diagonal, the cross term does not.
            assertEquals(referenceMmd(s, s, alphas), same, 1e-5);
        }
    }

    @Test
    void coralMatchesClosedForm() {
        double[][] s = {{1, 2, 0}, {2, 0, 1}, {0, 1, 3}, {4, 4, 1}};
        double[][] t = {{0, 0, 0}, {1, 1, 1}, {3, 0, 2}};
        try (NDManager nd = NDManager.newBaseManager()) {
            double[][] cs = cov(s);
            double[][] ct = cov(t);
            double fro = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    fro += (cs[i][j] - ct[i][j]) * (cs[i][j] - ct[i][j]);
                }
            }
            assertEquals(fro / (4.0 * 9), CoralLoss.coral(array(nd, s), array(nd, t)).getFloat(), 1e-5);
            float[] c = CoralLoss.covariance(array(nd, s)).toFloatArray();
            assertEquals(cs[0][1], c[1], 1e-5);
            assertEquals(cs[2][2], c[8], 1e-5);
            assertEquals(0f, CoralLoss.coral(array(nd, s), array(nd, s)).getFloat(), 1e-7);
        }
    }

    @Test
    void multilinearMapIsTheRowWiseOuterProduct() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray f = nd.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            NDArray g = nd.create(new float[] {0.25f, 0.75f, 1f, 0f}, new Shape(2, 2));
            NDArray h = CdanLoss.multilinearMap(f, g);
            assertEquals(new Shape(2, 6), h.getShape());
            assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 0.75f, 1.5f, 2.25f, 4, 5, 6, 0, 0, 0}, h.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void randomizedMapUsesBothProjections() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray f = nd.create(new float[] {1, 2}, new Shape(1, 2));
            NDArray g = nd.create(new float[] {0.5f, 0.5f}, new Shape(1, 2));
            NDArray rf = nd.create(new float[] {1, 0, 0, 0, 1, 2}, new Shape(2, 3));
            NDArray rg = nd.create(new float[] {2, 2, 2, 0, 0, 2}, new Shape(2, 3));
            // f Rf = [1, 2, 4]; g Rg = [1, 1, 2]; product / sqrt(3)
            float k = (float) Math.sqrt(3);
            assertArrayEquals(new float[] {1 / k, 2 / k, 8 / k}, CdanLoss.randomizedMap(f, g, rf, rg).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void entropyWeightsFavourConfidentPredictionsAndAverageOne() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray g = nd.create(new float[] {1f, 0f, 0.5f, 0.5f}, new Shape(2, 2));
            float[] w = CdanLoss.entropyWeights(g).toFloatArray();
            double h0 = -(1.0 * Math.log(1 + 1e-5) + 0.0);
            double h1 = -(2 * 0.5 * Math.log(0.5 + 1e-5));
            double w0 = 1 + Math.exp(-h0);
            double w1 = 1 + Math.exp(-h1);
            assertEquals(2 * w0 / (w0 + w1), w[0], 1e-5);
            assertEquals(2 * w1 / (w0 + w1), w[1], 1e-5);
            assertEquals(2.0, w[0] + w[1], 1e-5);
        }
    }

    private static NDArray array(NDManager nd, double[][] rows) {
        float[] v = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[0].length; j++) {
                v[i * rows[0].length + j] = (float) rows[i][j];
            }
        }
        return nd.create(v, new Shape(rows.length, rows[0].length));
    }

    private static double[][] cov(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] r : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / n;
            }
        }
        double[][] c = new double[d][d];
        for (double[] r : x) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    c[i][j] += (r[i] - mean[i]) * (r[j] - mean[j]) / (n - 1);
                }
            }
        }
        return c;
    }

    private static double sq(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s;
    }

    private static double referenceMmd(double[][] s, double[][] t, double[] alphas) {
        double[][] all = new double[s.length + t.length][];
        System.arraycopy(s, 0, all, 0, s.length);
        System.arraycopy(t, 0, all, s.length, t.length);
        double meanDist = 0;
        for (double[] a : all) {
            for (double[] b : all) {
                meanDist += sq(a, b) / (all.length * (double) all.length);
            }
        }
        double ss = 0;
        double tt = 0;
        double st = 0;
        for (double alpha : alphas) {
            double twoSigma2 = 2 * alpha * meanDist;
            for (int i = 0; i < s.length; i++) {
                for (int j = 0; j < s.length; j++) {
                    if (i != j) {
                        ss += Math.exp(-sq(s[i], s[j]) / twoSigma2) / (s.length * (s.length - 1.0));
                    }
                }
                for (double[] tj : t) {
                    st += Math.exp(-sq(s[i], tj) / twoSigma2) / (s.length * (double) t.length);
                }
            }
            for (int i = 0; i < t.length; i++) {
                for (int j = 0; j < t.length; j++) {
                    if (i != j) {
                        tt += Math.exp(-sq(t[i], t[j]) / twoSigma2) / (t.length * (t.length - 1.0));
                    }
                }
            }
        }
        return ss + tt - 2 * st;
    }
}
