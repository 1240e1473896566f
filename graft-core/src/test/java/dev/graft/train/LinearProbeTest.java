package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LinearProbeTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    static List<String> names(int k) {
        List<String> n = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            n.add("c" + c);
        }
        return n;
    }

    /** Gaussian blobs: class c centred at {@code sep} along axis c, unit noise, {@code noiseDims} pure-noise axes after. */
    static TensorSet blobs(int perClass, int classes, int noiseDims, double sep, long seed) {
        Random r = new Random(seed);
        int d = classes + noiseDims;
        int n = perClass * classes;
        float[] v = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
            for (int j = 0; j < d; j++) {
                v[i * d + j] = (float) ((j == y[i] ? sep : 0) + r.nextGaussian());
            }
        }
        return new TensorSet(v, new long[] {d}, y, names(classes));
    }

    /** The objective's gradient written out in plain Java, independent of the engine code under test. */
    static double[] gradient(TensorSet data, LinearProbe.Solution s) {
        int k = s.classes();
        int d = s.features();
        double[] g = new double[k * d + k];
        for (int i = 0; i < data.size(); i++) {
            double[] z = new double[k];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                z[c] = s.bias()[c];
                for (int j = 0; j < d; j++) {
                    z[c] += s.weight()[c * d + j] * data.values()[i * d + j];
                }
                max = Math.max(max, z[c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += Math.exp(z[c] - max);
            }
            for (int c = 0; c < k; c++) {
                double delta = (Math.exp(z[c] - max) / sum - (data.labels()[i] == c ? 1 : 0)) / data.size();
                for (int j = 0; j < d; j++) {
                    g[c * d + j] += delta * data.values()[i * d + j];
                }
                g[k * d + c] += delta;
            }
        }
        for (int i = 0; i < k * d; i++) {
            g[i] += s.l2() * s.weight()[i];
        }
        return g;
    }

    @Test
    void separableFeaturesAreFittedPerfectlyAndTheGradientVanishes() {
        TensorSet train = blobs(20, 3, 2, 6, 1);
        TensorSet val = blobs(10, 3, 2, 6, 2);
        LinearProbe.Selection sel = LinearProbe.select(train, val, 7, true, () -> false);
        assertFalse(sel.interrupted());
        assertEquals("validation", sel.heldOut());
        assertEquals(LinearProbe.L2_GRID.length, sel.path().size());
        LinearProbe.Solution s = sel.solution();
        assertTrue(s.converged(), "converged: " + s);
        assertEquals(1.0, new LinearProbe.Problem(train, true).metrics(s)[1], "every training sample right");
        assertEquals(1.0, new LinearProbe.Problem(val, true).metrics(s)[1], "every validation sample right");
        assertTrue(Lbfgs.maxAbs(gradient(train, s)) < 1e-5, "stationary point of the penalised loss: " + Lbfgs.maxAbs(gradient(train, s)));
        assertEquals(0, java.util.Arrays.stream(s.bias()).sum(), 1e-9, "the bias stays in the sum-zero subspace");
    }

    @Test
    void theEngineGradientMatchesFiniteDifferences() {
        TensorSet data = blobs(5, 3, 1, 1, 3);
        Random r = new Random(4);
        {
            LinearProbe.Problem p = new LinearProbe.Problem(data, true);
            double[] theta = new double[p.size()];
            for (int i = 0; i < theta.length; i++) {
                theta[i] = r.nextGaussian();
            }
            double[] g = new double[theta.length];
            p.valueAndGradient(theta, g, 0.3);
            double[] dummy = new double[theta.length];
            for (int i = 0; i < theta.length; i++) {
                double[] up = theta.clone();
                double[] down = theta.clone();
                up[i] += 1e-6;
                down[i] -= 1e-6;
                double fd = (p.valueAndGradient(up, dummy, 0.3) - p.valueAndGradient(down, dummy, 0.3)) / 2e-6;
                assertEquals(fd, g[i], 1e-6, "component " + i);
            }
        }
    }

    @Test
    void constantFeaturesGiveTheClassFrequenciesAndTheirEntropy() {
        // with nothing to see, the best the classifier can do is the class prior: loss = entropy of the frequencies
        int[] counts = {6, 3, 1};
        int n = 10;
        int[] y = new int[n];
        for (int i = 0, c = 0, k = 0; i < n; i++, k++) {
            if (k == counts[c]) {
                c++;
                k = 0;
            }
            y[i] = c;
        }
        TensorSet data = new TensorSet(new float[n * 2], new long[] {2}, y, names(3));
        LinearProbe.Solution s = LinearProbe.fit(data, 1e-3, true);
        double entropy = 0;
        for (int c : counts) {
            entropy -= c / (double) n * Math.log(c / (double) n);
        }
        assertEquals(entropy, s.objective(), 1e-10);
        double z = 0;
        for (double b : s.bias()) {
            z += Math.exp(b);
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(counts[c] / (double) n, Math.exp(s.bias()[c]) / z, 1e-6, "softmax(bias) = frequency of class " + c);
        }
    }

    /** x = +1: 80 % class 1; x = -1: 80 % class 0. Unpenalised optimum: w1 - w0 = ln 4, loss = H(0.8). */
    static TensorSet noisyLine() {
        int n = 20;
        float[] v = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            boolean positive = i < 10;
            v[i] = positive ? 1 : -1;
            boolean majority = i % 10 < 8;
            y[i] = positive == majority ? 1 : 0;
        }
        return new TensorSet(v, new long[] {1}, y, names(2));
    }

    @Test
    void matchesTheKnownOptimumOfLogisticRegression() {
        TensorSet data = noisyLine();
        LinearProbe.Solution free = LinearProbe.fit(data, 0, true);
        assertTrue(free.converged());
        assertEquals(Math.log(4), free.weight()[1] - free.weight()[0], 1e-6);
        assertEquals(0, free.bias()[1] - free.bias()[0], 1e-6);
        assertEquals(-(0.8 * Math.log(0.8) + 0.2 * Math.log(0.2)), free.objective(), 1e-12);

        // with the penalty, w1 = -w0 = d/2 and d solves sigmoid(d) - 0.8 + l2 d / 2 = 0 (bisection below)
        double l2 = 0.1;
        double lo = 0;
        double hi = Math.log(4);
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (lo + hi);
            if (1 / (1 + Math.exp(-mid)) - 0.8 + l2 * mid / 2 > 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        LinearProbe.Solution pen = LinearProbe.fit(data, l2, true);
        assertEquals(lo / 2, pen.weight()[1], 1e-6);
        assertEquals(-lo / 2, pen.weight()[0], 1e-6);
        assertTrue(Lbfgs.maxAbs(gradient(data, pen)) < 1e-6);
    }

    @Test
    void thePenaltyWithTheLowestValidationLossIsChosen() {
        // few samples, many noise axes: weak penalties over-fit, so the choice matters
        TensorSet train = blobs(6, 3, 30, 1.5, 11);
        TensorSet val = blobs(30, 3, 30, 1.5, 12);
        LinearProbe.Selection sel = LinearProbe.select(train, val, 7, true, () -> false);
        double best = Double.POSITIVE_INFINITY;
        double bestL2 = Double.NaN;
        double worst = Double.NEGATIVE_INFINITY;
        {
            LinearProbe.Problem h = new LinearProbe.Problem(val, true);
            for (double l2 : LinearProbe.L2_GRID) {
                // each penalty fitted independently from zero, scored here: the sweep's warm starts must not change the choice
                double loss = h.metrics(LinearProbe.fit(train, l2, true))[0];
                worst = Math.max(worst, loss);
                if (loss < best) {
                    best = loss;
                    bestL2 = l2;
                }
            }
        }
        assertTrue(worst - best > 0.1, "the penalties differ on validation: " + sel.path());
        assertEquals(bestL2, sel.l2(), "chosen: " + sel.path());
        assertNotEquals(LinearProbe.L2_GRID[LinearProbe.L2_GRID.length - 1], sel.l2(), "the weakest penalty over-fits here");
        LinearProbe.Candidate chosen = sel.path().stream().filter(c -> c.l2() == sel.l2()).findFirst().orElseThrow();
        for (LinearProbe.Candidate c : sel.path()) {
            assertTrue(chosen.heldOutLoss() <= c.heldOutLoss(), c + " vs " + chosen);
        }
        assertEquals(best, chosen.heldOutLoss(), 1e-6);
    }

    @Test
    void withoutValidationAThirdIsHeldOutAndTheFinalFitUsesAllData() {
        TensorSet train = blobs(9, 3, 6, 2, 21);
        LinearProbe.Selection a = LinearProbe.select(train, null, 5, true, () -> false);
        assertEquals("a third of the training data", a.heldOut());
        assertTrue(Lbfgs.maxAbs(gradient(train, a.solution())) < 1e-5, "fitted on all the training data at the chosen penalty");
        LinearProbe.Selection b = LinearProbe.select(train, null, 5, true, () -> false);
        assertArrayEquals(a.solution().weight(), b.solution().weight(), "deterministic");
    }

    @Test
    void noBiasKeepsTheBiasAtZeroAndAStopRequestEndsTheSweep() {
        TensorSet train = blobs(5, 2, 1, 3, 31);
        LinearProbe.Solution s = LinearProbe.fit(train, 1e-2, false);
        assertArrayEquals(new double[2], s.bias());
        LinearProbe.Selection stopped = LinearProbe.select(train, train, 1, true, () -> true);
        assertTrue(stopped.interrupted());
        assertNull(stopped.solution());
    }

    @Test
    void aClassifierOfAnotherShapeIsRefused() {
        TinyNet net = new TinyNet(NDManager.newBaseManager(), 1, 8, 3, 0f);
        LinearProbe.Solution wrong = LinearProbe.fit(blobs(3, 2, 1, 3, 41), 1e-2, true);   // 2 classes x 3 features
        GraftException e = assertThrows(GraftException.class, () -> LinearProbe.writeInto(net, wrong));
        assertTrue(e.getMessage().contains("fc.weight"), e.getMessage());
    }
}
