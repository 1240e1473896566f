package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import dev.graft.advise.Advice;
import dev.graft.advise.Advisor;
import dev.graft.engine.Engines;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StrategyProbeTest {
    static final TrainConfig CFG = TrainConfig.defaults().withEpochs(6).withBatchSize(8).withLr(0.2).withWarmupEpochs(0).withSeed(3);

    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    /** "Pretrained" weights that see nothing: both convolutions zeroed, so every image gives the same features. */
    static ModelFactory blankPretrained() {
        return pretrained -> {
            TinyNet n = new TinyNet(NDManager.newBaseManager(), 1, 8, 3, 0f);
            if (pretrained) {
                n.stateDict().get("conv1.weight").getArray().muli(0);
                n.stateDict().get("conv2.weight").getArray().muli(0);
            }
            return n;
        };
    }

    static TensorSet textures() {
        TinyNet shape = new TinyNet(NDManager.newBaseManager(), 1, 8, 4, 0f);
        return ModelInput.prepare(TinyData.make("t", 12, 4, 8, 21), shape.cfg());
    }

    @Test
    void foldsAreStratifiedSeededAndCoverEverySample() {
        int[] labels = new int[22];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 10 ? 0 : i < 17 ? 1 : 2;   // 10, 7 and 5 samples
        }
        int[] fold = StrategyProbe.assignFolds(labels, 3, 3, 7);
        int[][] perClass = new int[3][3];
        for (int i = 0; i < labels.length; i++) {
            assertTrue(fold[i] >= 0 && fold[i] < 3);
            perClass[labels[i]][fold[i]]++;
        }
        for (int[] c : perClass) {
            int min = Math.min(c[0], Math.min(c[1], c[2]));
            int max = Math.max(c[0], Math.max(c[1], c[2]));
            assertTrue(max - min <= 1, "each class dealt evenly over the folds: " + java.util.Arrays.toString(c));
        }
        assertTrue(java.util.Arrays.equals(fold, StrategyProbe.assignFolds(labels, 3, 3, 7)), "same seed, same folds");
        assertTrue(!java.util.Arrays.equals(fold, StrategyProbe.assignFolds(labels, 3, 3, 8)), "another seed deals differently");
    }

    @Test
    void bestAccuracyWinsAndTheHeldOutLossBreaksTies() {
        List<Strategy> c = List.of(Strategy.HEAD, Strategy.PARTIAL, Strategy.FULL);
        assertEquals(Strategy.FULL, StrategyProbe.pick(c, java.util.Map.of("head", 0.90, "partial", 0.91, "full", 0.93),
                java.util.Map.of("head", 0.1, "partial", 0.1, "full", 0.9)), "accuracy first");
        assertEquals(Strategy.FULL, StrategyProbe.pick(c, java.util.Map.of("head", 0.90, "partial", 0.97, "full", 0.97),
                java.util.Map.of("head", 0.1, "partial", 0.30, "full", 0.25)), "tie: lower loss");
        assertEquals(Strategy.PARTIAL, StrategyProbe.pick(c, java.util.Map.of("head", 0.90, "partial", 0.97, "full", 0.97),
                java.util.Map.of("head", 0.1, "partial", 0.25, "full", 0.25)), "full tie: the earlier (cheaper) candidate");
    }

    @Test
    void blankPretrainedFeaturesLoseToScratchAndTheProbeSaysSo() {
        TensorSet train = textures();
        StrategyProbe.Result r = StrategyProbe.run(blankPretrained(), train, CFG, List.of(Strategy.HEAD, Strategy.SCRATCH), 3);
        assertEquals(3, r.folds());
        assertEquals(48, r.samples());
        assertEquals(List.of("head", "scratch"), List.copyOf(r.accuracy().keySet()));
        assertEquals(r.accuracy().keySet(), r.loss().keySet());
        assertTrue(r.loss().get("scratch") < r.loss().get("head"), "the model that learned has the lower held-out loss: " + r.loss());
        // constant features: the head predicts one class for every sample of a balanced fold
        assertEquals(0.25, r.accuracy().get("head"), 1e-9);
        assertTrue(r.accuracy().get("scratch") >= 0.75, r.describe());
        assertEquals(Strategy.SCRATCH, r.best());
        StrategyProbe.Result again = StrategyProbe.run(blankPretrained(), train, CFG, List.of(Strategy.HEAD, Strategy.SCRATCH), 3);
        assertEquals(r.accuracy(), again.accuracy(), "seeded: the same numbers twice");
    }

    @Test
    void theProbeDecidesForSmallDataOnly() {
        TensorSet train = textures();
        // its own seed: the engine's generator is otherwise where the previous test class left it
        Engines.pytorch().setRandomSeed(1);
        TinyNet model = new TinyNet(NDManager.newBaseManager(), 1, 8, 3, 0f);
        Advice small = Advisor.decide(12, 12, 50, 2.0, 0.3, 0.2, -2, 48, 1);
        assertEquals(Strategy.HEAD, small.strategy(), "the rule alone");
        Advice probed = Advisor.probeIfSmall(small, blankPretrained(), train, CFG, 3, model);
        assertNotNull(probed.probe());
        assertEquals(probed.probe().best(), probed.strategy());
        assertTrue(probed.strategy() != Strategy.HEAD, "blank features cannot win: " + probed.reason());
        assertTrue(probed.reason().contains("cross-validation") && probed.reason().contains("replaces the rule's head"), probed.reason());
        assertEquals(4, probed.probe().accuracy().size(), "every strategy tried");

        Advice back = assertDoesNotThrow(() -> dev.graft.util.Json.MAPPER.readValue(dev.graft.util.Json.MAPPER.writeValueAsString(probed), Advice.class));
        assertEquals(probed, back, "run.json keeps the probe, so --resume rebuilds the same advice");

        Advice large = Advisor.decide(1000, 900, 50, 2.0, 0.6, 0.35, -2, 3000, 1);
        assertSame(large, Advisor.probeIfSmall(large, blankPretrained(), train, CFG, 3, model), "large data keeps the rule");
        assertSame(small, Advisor.probeIfSmall(small, blankPretrained(), train, CFG, 0, model), "0 folds: no probe");
        assertNull(small.probe());
    }

    @Test
    void badSettingsAreNamed() {
        TensorSet train = textures();
        GraftException folds = assertThrows(GraftException.class,
                () -> StrategyProbe.run(blankPretrained(), train, CFG, List.of(Strategy.HEAD), 1));
        assertTrue(folds.getMessage().contains("at least 2 folds"), folds.getMessage());
        assertThrows(GraftException.class, () -> StrategyProbe.run(blankPretrained(), train, CFG, List.of(Strategy.AUTO), 3));
        assertThrows(GraftException.class, () -> StrategyProbe.run(blankPretrained(), train, CFG, List.of(), 3));
    }
}
