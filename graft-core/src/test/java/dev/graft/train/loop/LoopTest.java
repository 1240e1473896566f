package dev.graft.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.OptimizerKind;
import dev.graft.train.TrainableParam;
import dev.graft.util.Permutations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoopTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    @Test
    void shuffledBatchesCoverEachEpochOnceAndDropALoneLastSample() {
        Batches b = Batches.shuffled(9, 4, 5);
        assertEquals(2, b.perEpoch(), "8 + a last batch of one, which is dropped");
        assertEquals(3, Batches.shuffled(10, 4, 5).perEpoch());
        assertEquals(1, Batches.shuffled(1, 4, 5).perEpoch());
        int[] order = Permutations.ofEpoch(9, 5, 2);
        assertArrayEquals(Arrays.copyOfRange(order, 4, 8), b.indices(2, 1));
        assertTrue(!Arrays.equals(Permutations.ofEpoch(9, 5, 1), order), "each epoch its own order");
    }

    @Test
    void endlessBatchesRunPassAfterPassAcrossEpochs() {
        Batches b = Batches.endless(5, 3, 2, 9);
        List<Integer> stream = new ArrayList<>();
        for (int e = 0; e < 5; e++) {
            for (int k = 0; k < b.perEpoch(); k++) {
                for (int i : b.indices(e, k)) {
                    stream.add(i);
                }
            }
        }
        for (int pass = 0; pass < 6; pass++) {
            int[] seen = stream.subList(pass * 5, pass * 5 + 5).stream().mapToInt(Integer::intValue).toArray();
            assertArrayEquals(Permutations.ofEpoch(5, 9, pass), seen, "pass " + pass);
        }
    }

    /** Least squares on y = 2x with one weight: the loss falls, listeners see every step and epoch, and may stop early. */
    @Test
    void aStepTrainsAndListenersSeeAndStopTheRun() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.arange(16f).div(16f);
            NDArray y = x.mul(2f);
            NDArray w = nd.zeros(new ai.djl.ndarray.types.Shape(1));
            w.setRequiresGradient(true);
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optArray(w).build();
            GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.SGD, 0.0, List.of(new TrainableParam("w", p, 1.0, 0, "all")));
            List<Double> losses = new ArrayList<>();
            List<Loop.EpochEnd> epochs = new ArrayList<>();
            Loop.Result r = new Loop(opt, Batches.shuffled(16, 4, 1), c -> {
                NDArray idx = c.manager().create(c.indices());
                return x.get(idx).mul(w).sub(y.get(idx)).square().mean();
            })
                    .withEpochs(10)
                    .withSchedule(s -> 0.5)
                    .withLabel(null)
                    .withListener(new Loop.Listener() {
                        @Override
                        public void onStep(StepContext c, double loss) {
                            losses.add(loss);
                        }

                        @Override
                        public boolean onEpoch(Loop.EpochEnd e) {
                            epochs.add(e);
                            return e.epoch() == 3;
                        }
                    })
                    .run(Loop.Position.START);
            assertTrue(r.stoppedEarly());
            assertEquals(16, r.steps());
            assertEquals(4, epochs.size());
            assertEquals(16, losses.size());
            assertEquals(16, epochs.get(0).samples());
            assertTrue(epochs.get(3).meanLoss() < epochs.get(0).meanLoss() / 10, epochs.toString());
            assertTrue(Math.abs(w.getFloat(0) - 2f) < 0.2f, "w -> 2: " + w.getFloat(0));
        }
    }

    @Test
    void aNonFiniteLossEndsTheRunAsDiverged() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray w = nd.ones(new ai.djl.ndarray.types.Shape(1));
            w.setRequiresGradient(true);
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optArray(w).build();
            GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.SGD, 0.0, List.of(new TrainableParam("w", p, 1.0, 0, "all")));
            GraftException e = assertThrows(GraftException.class, () -> new Loop(opt, Batches.shuffled(4, 2, 1), c -> w.div(0f).sum())
                    .withLabel(null).run(Loop.Position.START));
            assertTrue(e.getMessage().contains("training diverged: the loss is Infinity at epoch 1, step 1"), e.getMessage());
        }
    }
}
