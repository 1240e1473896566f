package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.engine.Engines;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("numerics")
class TrainLoopTest {
    static TensorSet train;
    static TensorSet val;

    @BeforeAll
    static void data() {
        Engines.pytorch();
        TinyNet probe;
        try (NDManager nd = NDManager.newBaseManager()) {
            probe = new TinyNet(nd, 1, 8, 4, 0f);
            train = ModelInput.prepare(TinyData.make("t", 12, 4, 8, 1), probe.cfg());
            val = ModelInput.prepare(TinyData.make("v", 5, 4, 8, 2), probe.cfg());
        }
    }

    static TinyNet net(NDManager nd, long seed, float drop) {
        Engine.getInstance().setRandomSeed((int) seed);
        return new TinyNet(nd, 1, 8, 4, drop);
    }

    static TrainConfig config() {
        return TrainConfig.defaults().withEpochs(3).withBatchSize(8).withLr(0.05).withSeed(7);
    }

    static TrainLoop loop(TinyNet m, TrainConfig c, Strategy s) {
        GroupedOptimizer opt = new GroupedOptimizer(c.optimizer(), c.momentum(), ModelParts.trainable(m, s, c));
        return new TrainLoop(c, m::forward, opt, m.stateDict()).withLabel("test");
    }

    static float[] flat(Map<String, Parameter> sd) {
        int n = 0;
        for (Parameter p : sd.values()) {
            n += (int) p.getArray().size();
        }
        float[] out = new float[n];
        int o = 0;
        for (Parameter p : sd.values()) {
            float[] a = p.getArray().toFloatArray();
            System.arraycopy(a, 0, out, o, a.length);
            o += a.length;
        }
        return out;
    }

    static List<Map<String, Object>> withoutTimes(List<Map<String, Object>> history) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (Map<String, Object> r : history) {
            Map<String, Object> c = new java.util.HashMap<>(r);
            c.remove("seconds");
            c.remove("images_per_s");
            out.add(c);
        }
        return out;
    }

    @Test
    void sameSeedSameRun() {
        for (OptimizerKind kind : OptimizerKind.values()) {
            try (NDManager nd = NDManager.newBaseManager()) {
                TrainConfig c = config().withOptimizer(kind).withLr(kind == OptimizerKind.SGD ? 0.05 : 0.01);
                TinyNet a = net(nd, 3, 0.3f);
                TrainLoop.Result ra = loop(a, c, Strategy.SCRATCH).run(train, val, null);
                TinyNet b = net(nd, 3, 0.3f);
                TrainLoop.Result rb = loop(b, c, Strategy.SCRATCH).run(train, val, null);
                assertEquals(withoutTimes(ra.history()), withoutTimes(rb.history()));
                assertArrayEquals(flat(a.stateDict()), flat(b.stateDict()));
                assertTrue((double) ra.history().get(2).get("train_loss") < (double) ra.history().get(0).get("train_loss"),
                        "training lowers the loss: " + ra.history());
            }
        }
    }

    @Test
    void resumeContinuesExactly(@TempDir Path dir) {
        for (OptimizerKind kind : OptimizerKind.values()) {
            try (NDManager nd = NDManager.newBaseManager()) {
                TrainConfig c = config().withOptimizer(kind).withLr(kind == OptimizerKind.SGD ? 0.05 : 0.01);
                TinyNet whole = net(nd, 5, 0.3f);
                TrainLoop.Result full = loop(whole, c, Strategy.SCRATCH).run(train, val, null);

                Path ck = dir.resolve(kind + "-checkpoint");
                TinyNet first = net(nd, 5, 0.3f);
                // 6 batches per epoch: stop in the middle of the second epoch
                TrainLoop.Result part = loop(first, c, Strategy.SCRATCH).withCheckpointDir(ck).withStopAfterBatches(9).run(train, val, null);
                assertTrue(part.interrupted());
                assertEquals(1, part.history().size());

                TinyNet second = net(nd, 99, 0.3f); // other initial weights: all must come from the checkpoint
                GroupedOptimizer opt = new GroupedOptimizer(c.optimizer(), c.momentum(), ModelParts.trainable(second, Strategy.SCRATCH, c));
                LoopState state = Checkpoint.load(ck, second.stateDict(), opt);
                assertEquals(1, state.epoch());
                assertEquals(3, state.batch());
                TrainLoop.Result resumed = new TrainLoop(c, second::forward, opt, second.stateDict()).withCheckpointDir(ck).run(train, val, state);
                assertEquals(withoutTimes(full.history()), withoutTimes(resumed.history()));
                assertArrayEquals(flat(whole.stateDict()), flat(second.stateDict()));
            }
        }
    }
}
