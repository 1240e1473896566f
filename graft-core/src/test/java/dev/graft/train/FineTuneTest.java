package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.TestManager;
import dev.graft.data.DataSplits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Tag("numerics")
class FineTuneTest {
    @RegisterExtension
    static final TestManager torch = new TestManager();
    static DataSplits splits;

    @BeforeAll
    static void setUp() {
        splits = new DataSplits(TinyData.make("train", 10, 4, 8, 11), TinyData.make("val", 4, 4, 8, 12), TinyData.make("test", 5, 4, 8, 13));
    }

    /** "Pretrained" weights: a TinyNet whose values are fixed by its seed; scratch gets another seed. */
    static ModelFactory factory(List<TinyNet> made) {
        return pretrained -> {
            ai.djl.engine.Engine.getInstance().setRandomSeed(pretrained ? 1234 : 99);
            TinyNet n = new TinyNet(torch.nd(), 1, 8, 3, 0f);
            made.add(n);
            return n;
        };
    }

    static Map<String, float[]> snapshot(Map<String, Parameter> sd) {
        Map<String, float[]> m = new LinkedHashMap<>();
        sd.forEach((k, p) -> m.put(k, p.getArray().toFloatArray()));
        return m;
    }

    static FineTune base(List<TinyNet> made, Strategy s, Path out) {
        return FineTune.of("tiny", factory(made), "tiny-textures", splits).withStrategy(s)
                .withConfig(TrainConfig.defaults().withEpochs(2).withBatchSize(8).withLr(0.05).withSeed(3)).withOutDir(out);
    }

    @Test
    void partialKeepsFrozenGroupsAndTheirBatchNormBitIdentical(@TempDir Path dir) {
        List<TinyNet> made = new java.util.ArrayList<>();
        Map<String, float[]> before = snapshot(factory(new java.util.ArrayList<>()).create(true).stateDict());
        FineTuneResult r = base(made, Strategy.PARTIAL, dir).withFreezeStages(1).run();
        Map<String, float[]> after = snapshot(made.get(0).stateDict());
        for (String k : List.of("conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var")) {
            assertArrayEquals(before.get(k), after.get(k), k + " is frozen");
        }
        for (String k : List.of("conv2.weight", "bn2.running_mean")) {
            assertFalse(java.util.Arrays.equals(before.get(k), after.get(k)), k + " is trained");
        }
        assertEquals(1, r.freezeStages());
        assertEquals(2, r.history().size());
    }

    @Test
    void headSgdOnCachedFeaturesMatchesRunningTheFrozenBackbone(@TempDir Path dir) {
        // the SGD fallback for cached sets too large for the full-batch probe, forced here with a limit of 0
        List<TinyNet> cachedNets = new java.util.ArrayList<>();
        FineTuneResult cached = base(cachedNets, Strategy.HEAD, dir.resolve("cached")).withProbeMaxValues(0).run();
        assertEquals(null, cached.probe(), "trained by epochs");
        List<TinyNet> plainNets = new java.util.ArrayList<>();
        FineTuneResult plain = base(plainNets, Strategy.HEAD, dir.resolve("plain")).withCacheFeatures(false).run();

        Map<String, float[]> pre = snapshot(factory(new java.util.ArrayList<>()).create(true).stateDict());
        Map<String, float[]> a = snapshot(cachedNets.get(0).stateDict());
        Map<String, float[]> b = snapshot(plainNets.get(0).stateDict());
        for (String k : a.keySet()) {
            if (!k.startsWith("fc.")) {
                assertArrayEquals(pre.get(k), a.get(k), k + " frozen (cached)");
                assertArrayEquals(pre.get(k), b.get(k), k + " frozen (plain)");
            } else {
                assertArrayEquals(a.get(k), b.get(k), 1e-5f, k + ": same update with or without the cache");
            }
        }
        assertEquals(plain.test().top1(), cached.test().top1(), 1e-9);
        assertEquals((double) plain.history().get(1).get("train_loss"), (double) cached.history().get(1).get("train_loss"), 1e-5);
    }

    @Test
    void headFitsTheProbeWhateverTheEpochsAndKeepsTheBackboneFrozen(@TempDir Path dir) throws Exception {
        List<TinyNet> shortNets = new java.util.ArrayList<>();
        FineTuneResult shortRun = base(shortNets, Strategy.HEAD, dir.resolve("short")).withReproduce("graft finetune --the-first-run")
                .withConfig(TrainConfig.defaults().withEpochs(1).withBatchSize(8).withLr(0.05).withSeed(3)).run();
        List<TinyNet> longNets = new java.util.ArrayList<>();
        FineTuneResult longRun = base(longNets, Strategy.HEAD, dir.resolve("long"))
                .withConfig(TrainConfig.defaults().withEpochs(30).withBatchSize(32).withLr(0.5).withSeed(3)).run();
        Map<String, float[]> pre = snapshot(factory(new java.util.ArrayList<>()).create(true).stateDict());
        Map<String, float[]> a = snapshot(shortNets.get(0).stateDict());
        Map<String, float[]> b = snapshot(longNets.get(0).stateDict());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k + ": epochs, batch size and learning rate change nothing");
            if (!k.startsWith("fc.")) {
                assertArrayEquals(pre.get(k), a.get(k), k + " frozen");
            }
        }
        assertFalse(java.util.Arrays.equals(pre.get("fc.weight"), a.get("fc.weight")), "the classifier was fitted");
        assertEquals(shortRun.test().top1(), longRun.test().top1(), 0.0);
        assertTrue(shortRun.probe() != null && shortRun.probe().solution().converged(), "fitted to convergence");
        assertEquals("validation", shortRun.probe().heldOut());
        assertTrue(shortRun.history().isEmpty(), "no epochs");
        assertTrue(shortRun.test().top1() > 0.5, "learns the textures: " + shortRun.test().top1());

        Path out = dir.resolve("short");
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(LinearProbe.L2_GRID.length + 2, lines.size(), "the penalty sweep + validation + test");
        assertEquals(1, lines.stream().filter(l -> l.contains("\"chosen\":true")).count());
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## L2 penalty sweep") && report.contains("L-BFGS"), report);
        String card = Files.readString(out.resolve("README.md"));
        assertTrue(card.contains("strategy: head") && card.contains("head_fit:"), card);
        assertNotEquals(null, javax.imageio.ImageIO.read(out.resolve("curves.png").toFile()));
        // the exported weights keep the PyTorch keys and shapes: fc.weight (classes x features), fc.bias
        try (NDManager m = NDManager.newBaseManager(); java.io.InputStream in = Files.newInputStream(out.resolve("model.safetensors"))) {
            Map<String, ai.djl.ndarray.types.Shape> shapes = new LinkedHashMap<>();
            for (ai.djl.ndarray.NDArray x : ai.djl.ndarray.NDList.decode(m, in)) {
                shapes.put(x.getName(), x.getShape());
            }
            // PyTorch's state dict exactly: BatchNorm's num_batches_tracked after each running_var, for strict loading
            List<String> pytorchKeys = new java.util.ArrayList<>();
            for (String k : shortNets.get(0).stateDict().keySet()) {
                pytorchKeys.add(k);
                if (k.endsWith(".running_var")) {
                    pytorchKeys.add(k.replace(".running_var", ".num_batches_tracked"));
                }
            }
            assertEquals(pytorchKeys, List.copyOf(shapes.keySet()));
            assertEquals(new ai.djl.ndarray.types.Shape(4, 8), shapes.get("fc.weight"));
            assertEquals(new ai.djl.ndarray.types.Shape(4), shapes.get("fc.bias"));
        }

        List<TinyNet> resumed = new java.util.ArrayList<>();
        FineTuneResult again = FineTune.resume(out, FineTune.RunSpec.read(out), factory(resumed), splits).run();
        assertEquals(shortRun.test().top1(), again.test().top1(), 0.0, "--resume fits again from run.json");
        assertTrue(Files.readString(out.resolve("report.md")).contains("graft finetune --the-first-run"), "a resumed run keeps its reproduce line");
        assertArrayEquals(a.get("fc.weight"), snapshot(resumed.get(0).stateDict()).get("fc.weight"), 1e-6f);
    }

    @Test
    void runFolderHoldsMetricsReportPlotsAndModelCard(@TempDir Path dir) throws Exception {
        FineTuneResult r = base(new java.util.ArrayList<>(), Strategy.FULL, dir)
                .withConfig(TrainConfig.defaults().withEpochs(6).withBatchSize(8).withLr(0.2).withWarmupEpochs(0).withSeed(3)).run();
        for (String f : List.of("metrics.jsonl", "report.md", "curves.png", "confusion.png", "model.safetensors", "config.json",
                "README.md", "run.json", "checkpoint/state.json", "checkpoint/model.safetensors", "checkpoint/optimizer.safetensors")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        assertEquals(8, lines.size(), "6 epochs + validation + test");
        String card = Files.readString(dir.resolve("README.md"));
        assertTrue(card.startsWith("---\n"));
        for (String field : List.of("base_model: tiny", "datasets:", "license:", "strategy: full", "seed: 3", "model-index:", "djl:")) {
            assertTrue(card.contains(field), field + " in\n" + card);
        }
        assertTrue(r.test().top1() > 0.5, "learns the textures: " + r.test().top1());
        assertEquals(20, r.test().count());
        assertNotEquals(null, javax.imageio.ImageIO.read(dir.resolve("curves.png").toFile()));
    }

    @Test
    void divergingLossStopsWithAdvice(@TempDir Path dir) {
        dev.graft.GraftException e = org.junit.jupiter.api.Assertions.assertThrows(dev.graft.GraftException.class,
                () -> base(new java.util.ArrayList<>(), Strategy.SCRATCH, dir)
                        .withConfig(TrainConfig.defaults().withEpochs(2).withBatchSize(8).withLr(1e30).withWarmupEpochs(0).withClipNorm(0)).run());
        assertTrue(e.getMessage().contains("training diverged"), e.getMessage());
        assertTrue(e.fix().contains("lower the learning rate"), e.fix());
    }
}
