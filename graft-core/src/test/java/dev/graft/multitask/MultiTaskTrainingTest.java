package dev.graft.multitask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.TestManager;
import dev.graft.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Masked losses, per-task gradients over one forward pass, and short end-to-end runs of every strategy. */
@Tag("numerics")
class MultiTaskTrainingTest {
    @RegisterExtension
    static final TestManager torch = new TestManager();

    @Test
    void maskedCrossEntropyIgnoresMissingLabels() {
        NDArray logits = torch.nd().create(new float[] {2, 0, 0, 5, 0, 0, 1, 1}, new ai.djl.ndarray.types.Shape(4, 2));
        logits.setRequiresGradient(true);
        NDArray labels = torch.nd().create(new int[] {0, 1, 0, 1});
        NDArray mask = torch.nd().create(new float[] {1, 0, 0, 1});
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = TaskLosses.loss(TaskKind.CLASSIFICATION, logits, labels, mask);
            // samples 0 and 3: -log softmax([2,0])[0] = log(1 + e^-2); -log softmax([1,1])[1] = log 2
            double expected = (Math.log(1 + Math.exp(-2)) + Math.log(2)) / 2;
            assertEquals(expected, loss.getFloat(), 1e-6);
            gc.backward(loss);
        }
        float[] g = logits.getGradient().toFloatArray();
        // masked samples 1 and 2 get no gradient at all
        assertArrayEquals(new float[] {0, 0, 0, 0}, new float[] {g[2], g[3], g[4], g[5]});
        assertTrue(g[0] < 0 && g[1] > 0);
    }

    @Test
    void maskedSquaredErrorAndAllMissing() {
        NDArray pred = torch.nd().create(new float[] {1, 2, 3}, new ai.djl.ndarray.types.Shape(3, 1));
        NDArray y = torch.nd().create(new float[] {0, 100, 1});
        assertEquals((1 + 4) / 2.0, TaskLosses.loss(TaskKind.REGRESSION, pred, y, torch.nd().create(new float[] {1, 0, 1})).getFloat(), 1e-6);
        assertEquals(0.0, TaskLosses.loss(TaskKind.REGRESSION, pred, y, torch.nd().create(new float[] {0, 0, 0})).getFloat(), 1e-9);
    }

    /** 8x8 images: task "stripes" = stripe direction (horizontal, vertical, none), "mass" = mean brightness x 10 (regression). */
    static MultiTaskData toyData(int n, long seed) {
        Random rnd = new Random(seed);
        float[] px = new float[n * 64];
        float[][] y = new float[2][n];
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(3);
            double amp = 0.3 + 0.7 * rnd.nextDouble();
            double sum = 0;
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 8; c++) {
                    boolean on = k == 0 ? r % 2 == 0 : k == 1 ? c % 2 == 0 : rnd.nextBoolean();
                    float v = (float) ((on ? amp : 0) + 0.1 * rnd.nextDouble());
                    px[i * 64 + r * 8 + c] = v;
                    sum += v;
                }
            }
            y[0][i] = k;
            y[1][i] = (float) (sum / 64 * 10);
        }
        return new MultiTaskData("toy", 1, 8, 8, px,
                List.of(TaskSpec.classification("stripes", List.of("horizontal", "vertical", "none")), TaskSpec.regression("mass")), y, null);
    }

    @Test
    void perTaskGradientsOverOneForwardSumToTheGradientOfTheSummedLoss() {
        Engine.getInstance().setRandomSeed(3);
        MultiTaskModel model = MultiTaskModel.create(new TinyBackbone(torch.nd(), 1, 8, 5), toyData(1, 1).tasks(), torch.nd());
        MultiTaskData data = toyData(16, 2);
        int[] idx = java.util.stream.IntStream.range(0, 16).toArray();
        ParameterStore ps = new ParameterStore(torch.nd(), false);
        Parameter conv1 = model.sharedParameters().get("conv1.weight");
        long conv1Size = conv1.getArray().getShape().size();
        float[] summed;
        NDArray[] perTask;
        try (NDManager batch = torch.nd().newSubManager()) {
            for (Parameter p : model.stateDict().values()) {
                Autograd.zeroGradient(p.getArray());
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray[] l = losses(model, ps, data, idx, batch);
                gc.backward(l[0].add(l[1]));
            }
            summed = conv1.getArray().getGradient().toFloatArray();
            float[] headGradSum = model.headParameters().get("heads.mass.weight").getArray().getGradient().toFloatArray();
            for (Parameter p : model.stateDict().values()) {
                Autograd.zeroGradient(p.getArray());
            }
            ModelGradients grads = new ModelGradients(model, batch);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                perTask = grads.sharedGradients(losses(model, ps, data, idx, batch), new float[] {1f, 2f});
            }
            // per-task gradients: g_0 + g_1 / 2 (task 1 was scaled by 2) equals the gradient of the sum
            float[] recon = perTask[0].add(perTask[1].div(2f)).get("0:" + conv1Size).toFloatArray();
            assertArrayEquals(summed, recon, 1e-5f);
            // the tasks' gradients differ (otherwise the test shows nothing)
            assertTrue(perTask[0].sub(perTask[1]).abs().max().getFloat() > 1e-6f);
            // shared gradients are cleared, heads keep their own scaled task gradient
            assertEquals(0f, conv1.getArray().getGradient().abs().sum().getFloat());
            assertArrayEquals(java.util.Arrays.stream(toDouble(headGradSum)).map(v -> 2 * v).toArray(),
                    toDouble(model.headParameters().get("heads.mass.weight").getArray().getGradient().toFloatArray()), 1e-4);
            int[] last = grads.lastSharedLayer();
            assertEquals("conv2.weight", model.lastSharedLayer());
            assertEquals(conv1Size + 4, last[0]);
            assertEquals(model.sharedParameters().get("conv2.weight").getArray().getShape().size(), last[1]);
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static NDArray[] losses(MultiTaskModel model, ParameterStore ps, MultiTaskData data, int[] idx, NDManager batch) {
        return TaskLosses.all(data, model.forward(ps, data.images(batch, idx), true), batch, idx);
    }

    private static MultiTaskResult run(String weighting, Path out, long seed, MultiTaskData train) {
        return MultiTask.of("tiny", () -> new TinyBackbone(torch.nd(), 1, 8, 3), "toy", new MultiTaskSplits(train, toyData(24, 8), toyData(40, 9)))
                .withWeighting(weighting)
                .withEpochs(3).withBatchSize(16).withLearningRate(0.01).withSeed(seed)
                .withOutDir(out)
                .run();
    }

    @Test
    void everyStrategyTrainsAndWritesARunDirectory(@TempDir Path tmp) throws Exception {
        for (String w : Weightings.names()) {
            // Every strategy trains; one writes the run directory (the writer does not depend on the strategy).
            Path out = w.equals("gradnorm") ? tmp.resolve(w) : null;
            MultiTaskResult r = run(w, out, 5, toyData(64, 7));
            assertEquals(w, r.weighting());
            assertEquals(3, r.history().size());
            for (MultiTaskResult.EpochLog e : r.history()) {
                for (double l : e.trainLoss()) {
                    assertTrue(Double.isFinite(l), w + " loss " + l);
                }
            }
            assertTrue(r.testMetrics().get("stripes") > 0.5, w + " accuracy " + r.testMetrics());
            assertTrue(Double.isFinite(r.testMetrics().get("mass")));
            if (out == null) {
                continue;
            }
            for (String f : List.of("metrics.jsonl", "results.json", "report.md", "curves.png", "model.safetensors", "config.json", "README.md")) {
                assertTrue(Files.isRegularFile(out.resolve(f)), w + ": " + f);
            }
            assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size());
            JsonNode cfg = Json.MAPPER.readTree(out.resolve("config.json").toFile());
            assertEquals("stripes", cfg.get("tasks").get(0).get("name").asText());
            assertEquals("heads.mass", cfg.get("tasks").get(1).get("head").asText());
            assertEquals(0, cfg.get("num_classes").asInt());
            try (NDManager m = NDManager.newBaseManager()) {
                NDList weights = NDList.decode(m, Files.readAllBytes(out.resolve("model.safetensors")));
                List<String> names = weights.stream().map(NDArray::getName).toList();
                assertTrue(names.containsAll(List.of("conv1.weight", "conv2.bias", "heads.stripes.weight", "heads.mass.bias")), names.toString());
                assertTrue(!names.contains("fc.weight"), "the backbone's own classifier is dropped");
            }
            assertTrue(Files.readString(out.resolve("README.md")).contains("heads.stripes"));
        }
    }

    @Test
    void sameSeedSameResult() {
        MultiTaskResult a = run("pcgrad", null, 11, toyData(32, 7));
        MultiTaskResult b = run("pcgrad", null, 11, toyData(32, 7));
        assertEquals(a.testMetrics(), b.testMetrics());
        assertArrayEquals(a.history().get(2).trainLoss(), b.history().get(2).trainLoss());
    }

    @Test
    void uncertaintyWeightingLearnsItsLogVariances() {
        MultiTaskResult r = run("uw", null, 3, toyData(32, 7));
        Map<String, Object> s = r.weightingState();
        assertNotNull(s.get("log_variance.stripes"));
        assertTrue(((Float) s.get("log_variance.stripes")) != 0f);
    }

    @Test
    void taskWithoutAnyLabelsLeavesItsHeadUntouched(@TempDir Path tmp) throws Exception {
        MultiTaskData train = toyData(48, 7).withMissingLabels("mass", 0.0, 1);
        assertEquals(0, train.labelledCount(1));
        // The run seeds the engine, builds the backbone, then the heads: the same steps give its initial heads.
        Engine.getInstance().setRandomSeed(5);
        MultiTaskModel initial = MultiTaskModel.create(new TinyBackbone(torch.nd(), 1, 8, 3), train.tasks(), torch.nd());
        float[] massHead = initial.headParameters().get("heads.mass.weight").getArray().toFloatArray();
        float[] stripesHead = initial.headParameters().get("heads.stripes.weight").getArray().toFloatArray();
        MultiTaskResult r = MultiTask.of("tiny", () -> new TinyBackbone(torch.nd(), 1, 8, 3), "toy", new MultiTaskSplits(train, toyData(0, 8), toyData(40, 9)))
                .withWeighting("ew").withEpochs(2).withBatchSize(16).withSeed(5).withOutDir(tmp).run();
        assertEquals(0.0, r.history().get(0).trainLoss()[1], 1e-12);
        try (NDManager m = NDManager.newBaseManager()) {
            NDList saved = NDList.decode(m, Files.readAllBytes(tmp.resolve("model.safetensors")));
            NDArray mass = saved.stream().filter(a -> a.getName().equals("heads.mass.weight")).findFirst().orElseThrow();
            NDArray stripes = saved.stream().filter(a -> a.getName().equals("heads.stripes.weight")).findFirst().orElseThrow();
            // no label, no gradient, no update (Adam's step is exactly 0 for a zero gradient)
            assertArrayEquals(massHead, mass.toFloatArray());
            // while the labelled task's head did train
            assertTrue(stripes.sub(m.create(stripesHead, stripes.getShape())).abs().max().getFloat() > 1e-4f);
        }
    }

    @Test
    void singleTaskTrainsOneModelPerTask(@TempDir Path tmp) throws Exception {
        MultiTaskResult r = MultiTask.of("tiny", () -> new TinyBackbone(torch.nd(), 1, 8, 3), "toy", new MultiTaskSplits(toyData(32, 7), toyData(0, 8), toyData(24, 9)))
                .withEpochs(1).withBatchSize(16).withLearningRate(0.01).withSeed(1).withSingleTask(true).withOutDir(tmp)
                .run();
        assertEquals("single-task", r.weighting());
        assertEquals(java.util.Set.of("stripes", "mass"), r.testMetrics().keySet());
        assertTrue(Files.isRegularFile(tmp.resolve("stripes").resolve("model.safetensors")));
        assertEquals(r.testMetrics(), MultiTaskReport.readMetrics(tmp));
        MultiTaskResult m = MultiTask.of("tiny", () -> new TinyBackbone(torch.nd(), 1, 8, 3), "toy", new MultiTaskSplits(toyData(32, 7), toyData(0, 8), toyData(24, 9)))
                .withEpochs(1).withBatchSize(16).withLearningRate(0.01).withSeed(1).withBaselines(MultiTaskReport.readMetrics(tmp))
                .run();
        assertEquals(DeltaM.percent(m.tasks(), m.testMetrics(), r.testMetrics()), m.deltaM(), 1e-12);
    }
}
