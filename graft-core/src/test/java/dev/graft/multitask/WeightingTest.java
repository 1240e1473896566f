package dev.graft.multitask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.graft.GraftException;
import dev.graft.TestManager;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each weighting rule against values computed by hand. */
@Tag("numerics")
class WeightingTest {
    @RegisterExtension
    static final TestManager torch = new TestManager();
    private static final List<TaskSpec> TWO = List.of(TaskSpec.regression("a"), TaskSpec.regression("b"));

    /** Toy gradients: task t's shared gradient is a fixed vector times its scale; records what the weighting did. */
    static final class FakeGradients implements TaskGradients {
        final NDArray[] taskGrads;
        final int[] lastLayer;
        NDArray backwardLoss;
        NDArray shared;
        float[] scalesSeen;

        FakeGradients(int[] lastLayer, NDArray... taskGrads) {
            this.taskGrads = taskGrads;
            this.lastLayer = lastLayer;
        }

        @Override public void backward(NDArray loss) { backwardLoss = loss; }

        @Override
        public NDArray[] sharedGradients(NDArray[] losses, float[] scales) {
            scalesSeen = scales.clone();
            NDArray[] out = new NDArray[taskGrads.length];
            for (int t = 0; t < out.length; t++) {
                out[t] = taskGrads[t].mul(scales[t]);
            }
            return out;
        }

        @Override public void setSharedGradient(NDArray flat) { shared = flat; }
        @Override public int[] lastSharedLayer() { return lastLayer; }
    }

    private static NDArray[] losses(float... v) {
        NDArray[] out = new NDArray[v.length];
        for (int t = 0; t < v.length; t++) {
            out[t] = torch.nd().create(v[t]);
        }
        return out;
    }

    @Test
    void pcgradProjectsConflictingGradientsOntoEachOthersNormalPlane() {
        // g1 = (1, 0), g2 = (-1, 1): g1.g2 = -1 < 0.
        // g1' = g1 - (-1)/|g2|^2 g2 = (1,0) + 0.5 (-1,1) = (0.5, 0.5)   (now orthogonal to g2)
        // g2' = g2 - (-1)/|g1|^2 g1 = (-1,1) + (1,0)     = (0, 1)       (now orthogonal to g1)
        NDArray merged = PCGrad.project(new NDArray[] {torch.nd().create(new float[] {1, 0}), torch.nd().create(new float[] {-1, 1})}, new Random(1));
        assertArrayEquals(new float[] {0.5f, 1.5f}, merged.toFloatArray(), 1e-6f);
    }

    @Test
    void pcgradLeavesNonConflictingGradientsAlone() {
        NDArray merged = PCGrad.project(new NDArray[] {torch.nd().create(new float[] {1, 0}), torch.nd().create(new float[] {1, 1})}, new Random(1));
        assertArrayEquals(new float[] {2f, 1f}, merged.toFloatArray(), 1e-6f);
        // Orthogonal gradients (dot = 0) do not conflict either.
        NDArray ortho = PCGrad.project(new NDArray[] {torch.nd().create(new float[] {1, 0}), torch.nd().create(new float[] {0, 3})}, new Random(1));
        assertArrayEquals(new float[] {1f, 3f}, ortho.toFloatArray(), 1e-6f);
    }

    @Test
    void pcgradWeightingSetsTheProjectedSumAsTheSharedGradient() {
        FakeGradients g = new FakeGradients(new int[] {0, 2}, torch.nd().create(new float[] {1, 0}), torch.nd().create(new float[] {-1, 1}));
        double[] w = new PCGrad(7).backward(losses(1f, 1f), g);
        assertArrayEquals(new double[] {1, 1}, w);
        assertArrayEquals(new float[] {1f, 1f}, g.scalesSeen);
        assertArrayEquals(new float[] {0.5f, 1.5f}, g.shared.toFloatArray(), 1e-6f);
    }

    @Test
    void equalWeightingBackpropagatesTheSum() {
        FakeGradients g = new FakeGradients(new int[] {0, 1});
        double[] w = new EqualWeighting().backward(losses(0.25f, 2f, 1f), g);
        assertEquals(3.25f, g.backwardLoss.getFloat(), 1e-6f);
        assertArrayEquals(new double[] {1, 1, 1}, w);
    }

    @Test
    void uncertaintyWeightingLossAndGradientOnLogVariances() {
        UncertaintyWeighting uw = new UncertaintyWeighting();
        uw.init(TWO, torch.nd());
        NDArray s = uw.parameters().get("uw.log_variances");
        s.set(new float[] {0f, (float) Math.log(2)});
        try (NDManager batch = torch.nd().newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray[] l = {batch.create(2f), batch.create(0.5f)};
            NDArray loss = uw.loss(l);
            // exp(-0) * 2 + 0 + exp(-ln 2) * 0.5 + ln 2 = 2 + 0.25 + 0.693147
            assertEquals(2.25 + Math.log(2), loss.getFloat(), 1e-5);
            gc.backward(loss);
            // d/ds_t = 1 - exp(-s_t) L_t: 1 - 2 = -1 and 1 - 0.5 * 0.5 = 0.75
            assertArrayEquals(new float[] {-1f, 0.75f}, s.getGradient().toFloatArray(), 1e-5f);
        }
        assertArrayEquals(new float[] {0f, (float) Math.log(2)}, uw.logVariances(), 1e-6f);
    }

    @Test
    void uncertaintyWeightingReportsExpMinusSAsWeights() {
        UncertaintyWeighting uw = new UncertaintyWeighting();
        uw.init(TWO, torch.nd());
        uw.parameters().get("uw.log_variances").set(new float[] {(float) Math.log(4), 0f});
        FakeGradients g = new FakeGradients(new int[] {0, 1});
        double[] w = uw.backward(losses(1f, 3f), g);
        assertArrayEquals(new double[] {0.25, 1.0}, w, 1e-6);
        // 0.25 * 1 + ln 4 + 1 * 3 + 0
        assertEquals(3.25 + Math.log(4), g.backwardLoss.getFloat(), 1e-5);
    }

    @Test
    void dwaWeightsFromTheLastTwoEpochs() {
        // r = (0.5 / 1, 2 / 2) = (0.5, 1); with T = 2: w_k = 2 exp(r_k / 2) / (exp(0.25) + exp(0.5))
        double e1 = Math.exp(0.25);
        double e2 = Math.exp(0.5);
        double[] w = DynamicWeightAverage.weights(List.of(new double[] {9, 9}, new double[] {1, 2}, new double[] {0.5, 2}), 2.0);
        assertArrayEquals(new double[] {2 * e1 / (e1 + e2), 2 * e2 / (e1 + e2)}, w, 1e-12);
        assertEquals(0.875647, w[0], 1e-6); // the task whose loss fell faster gets less weight
        assertEquals(2.0, w[0] + w[1], 1e-12);
    }

    @Test
    void dwaUsesEqualWeightsForTheFirstTwoEpochsThenItsRule() {
        DynamicWeightAverage dwa = new DynamicWeightAverage();
        dwa.init(TWO, torch.nd());
        dwa.startEpoch(0, List.of());
        FakeGradients g = new FakeGradients(new int[] {0, 1});
        assertArrayEquals(new double[] {1, 1}, dwa.backward(losses(1f, 1f), g));
        dwa.startEpoch(1, List.of(new double[] {1, 2}));
        assertArrayEquals(new double[] {1, 1}, dwa.backward(losses(1f, 1f), g));
        dwa.startEpoch(2, List.of(new double[] {1, 2}, new double[] {0.5, 2}));
        double[] w = dwa.backward(losses(2f, 4f), g);
        assertEquals(0.875647, w[0], 1e-6);
        assertEquals(w[0] * 2 + w[1] * 4, g.backwardLoss.getFloat(), 1e-4);
    }

    @Test
    void gradNormWeightGradientPointsTowardsEqualTrainingRates() {
        // G = (4, 1) with equal loss ratios: target for both is mean G = 2.5, so task 1 (too strong) gets
        // gradient +|grad L_1| = +4 and task 2 (too weak) gets -1.
        double[] grad = GradNorm.weightGradient(new double[] {1, 1}, new double[] {4, 1}, new double[] {1, 1}, 1.5);
        assertArrayEquals(new double[] {4, -1}, grad, 1e-12);
        // A task whose loss fell less (ratio 1 vs 0.25) has a higher target: r = (1.6, 0.4), targets 2.5 * r^1
        double[] slower = GradNorm.weightGradient(new double[] {2, 1}, new double[] {3, 3}, new double[] {1, 0.25}, 1.0);
        // targets (4, 1): task 1 below target -> -|grad L_1| = -3/2; task 2 above -> +3
        assertArrayEquals(new double[] {-1.5, 3}, slower, 1e-12);
    }

    @Test
    void gradNormMovesWeightOffTheTaskWithLargerGradientsAndKeepsTheSum() {
        GradNorm gn = new GradNorm(1.5, 0.1);
        gn.init(TWO, torch.nd());
        // Last shared layer = both coordinates; task 1's gradient is 4x larger.
        FakeGradients g = new FakeGradients(new int[] {0, 2}, torch.nd().create(new float[] {4, 0}), torch.nd().create(new float[] {0, 1}));
        double[] used = gn.backward(losses(1f, 1f), g);
        assertArrayEquals(new double[] {1, 1}, used);
        assertArrayEquals(new float[] {4, 1}, g.shared.toFloatArray(), 1e-6f);
        double[] w = gn.weights();
        assertTrue(w[0] < 1 && w[1] > 1, "weights " + w[0] + ", " + w[1]);
        assertEquals(2.0, w[0] + w[1], 1e-9);
        // The next batch scales the task gradients by the new weights.
        gn.backward(losses(1f, 1f), g);
        assertArrayEquals(new float[] {(float) w[0], (float) w[1]}, g.scalesSeen, 1e-6f);
        assertTrue(gn.weights()[0] < w[0]);
    }

    @Test
    void unknownWeightingNamesTheKnownOnes() {
        GraftException e = assertThrows(GraftException.class, () -> Weightings.create("mgda", 1));
        assertTrue(e.oneLine().contains("ew, uw, dwa, gradnorm, pcgrad"));
        for (String n : Weightings.names()) {
            assertEquals(n, Weightings.create(n, 1).name());
        }
    }

    @Test
    void deltaMFollowsTheMetricDirection() {
        List<TaskSpec> tasks = List.of(TaskSpec.classification("c", List.of("0", "1")), TaskSpec.regression("r"));
        // accuracy 0.9 -> 0.99 (+10%), MSE 2 -> 1 (lower is better: +50%): mean +30%
        assertEquals(30.0, DeltaM.percent(tasks, java.util.Map.of("c", 0.99, "r", 1.0), java.util.Map.of("c", 0.9, "r", 2.0)), 1e-9);
        assertEquals(-30.0, DeltaM.percent(tasks, java.util.Map.of("c", 0.81, "r", 3.0), java.util.Map.of("c", 0.9, "r", 2.0)), 1e-9);
    }
}
