package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.multitask.MultiTaskData;
import dev.graft.multitask.MultiTaskDatasets;
import dev.graft.multitask.MultiTaskSource;
import dev.graft.multitask.MultiTaskSplits;
import dev.graft.multitask.TaskSpec;
import dev.graft.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class MultitaskCommandTest {
    /** 12x12 images, task "bright" (left or right half brighter) and regression "mass". */
    static final class ToySource implements MultiTaskSource {
        @Override public String name() { return "toy-multitask"; }
        @Override public String description() { return "toy"; }
        @Override public boolean isCached() { return true; }
        @Override public void fetch() {}

        @Override
        public MultiTaskSplits load(long seed) {
            return load(seed, dev.graft.data.Splits.DEFAULT_VALIDATION_FRACTION);
        }

        /** 56 training images, a stratified {@code validationFraction} of them for validation, 16 test images. */
        @Override
        public MultiTaskSplits load(long seed, double validationFraction) {
            MultiTaskData all = make(56, 1);
            int[][] p = all.stratifiedIndices(validationFraction, seed);
            return new MultiTaskSplits(all.subset("toy/train", p[0]), all.subset("toy/validation", p[1]), make(16, 3));
        }

        static MultiTaskData make(int n, long seed) {
            Random rnd = new Random(seed);
            float[] px = new float[n * 144];
            float[][] y = new float[2][n];
            for (int i = 0; i < n; i++) {
                int side = rnd.nextInt(2);
                double sum = 0;
                for (int p = 0; p < 144; p++) {
                    // whole steps of 1/255, which a PNG of a pushed data set holds exactly
                    float v = Math.round(rnd.nextDouble() * ((p % 12 < 6) == (side == 0) ? 1 : 0.2) * 255) / 255f;
                    px[i * 144 + p] = v;
                    sum += v;
                }
                y[0][i] = side;
                y[1][i] = (float) (sum / 144);
            }
            boolean[][] present = new boolean[2][n];
            for (int i = 0; i < n; i++) {
                present[0][i] = true;
                present[1][i] = i % 5 != 0; // "mass" is missing on every fifth image
            }
            return new MultiTaskData("toy", 1, 12, 12, px,
                    List.of(TaskSpec.classification("bright", List.of("left", "right")), TaskSpec.regression("mass")), y, present);
        }
    }

    @BeforeAll
    static void register() {
        if (!MultiTaskDatasets.names().contains("toy-multitask")) {
            MultiTaskDatasets.register(new ToySource());
        }
    }

    @Test
    void trainsASmallZooBackboneWithEveryHeadExported(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.run("--quiet", "--seed", "3", "multitask", "--model", "small_cnn", "--data", "toy-multitask",
                "--weighting", "pcgrad", "--epochs", "1", "--batch-size", "16", "--out", tmp.toString());
        assertEquals(0, r.code, r.err);
        JsonNode cfg = Json.MAPPER.readTree(tmp.resolve("config.json").toFile());
        assertEquals("small_cnn", cfg.get("architecture").asText());
        assertEquals("bright", cfg.get("tasks").get(0).get("name").asText());
        assertEquals("regression", cfg.get("tasks").get(1).get("kind").asText());
        assertTrue(Files.readString(tmp.resolve("README.md")).contains("heads.mass"));
        assertTrue(Files.isRegularFile(tmp.resolve("curves.png")));
    }

    @RegisterExtension
    final TrainingSandbox box = new TrainingSandbox();

    @Test
    void aPushedMultiTaskSetTrainsFromTheHubWithTheNumbersOfTheBuiltInName(@TempDir Path tmp) throws Exception {
        try (TestHubServer server = TestHubServer.start(tmp.resolve("server"))) {
            box.useHub(server.url(), server.token("alice", true));
            CliRun pushed = CliRun.run("--json", "data", "push", "toy-multitask", "alice/toy-tasks");
            assertEquals(0, pushed.code, pushed.err);
            JsonNode splits = Json.MAPPER.readTree(pushed.out).get("splits");
            assertEquals(56, splits.get("train").asInt());
            assertEquals(16, splits.get("test").asInt());
            String hub = "hf-hub:datasets/alice/toy-tasks";

            MultiTaskSplits local = MultiTaskDatasets.load("toy-multitask", 4);
            MultiTaskSplits remote = MultiTaskDatasets.load(hub, 4);
            assertEquals(local.train().tasks(), remote.train().tasks(), "ClassLabel bright with its names, float mass");
            for (MultiTaskData[] pair : new MultiTaskData[][] {{local.train(), remote.train()}, {local.validation(), remote.validation()},
                {local.test(), remote.test()}}) {
                assertEquals(pair[0].size(), pair[1].size());
                assertEquals(pair[0].labelledCount(1), pair[1].labelledCount(1), "null cells are missing labels");
                for (int i = 0; i < pair[0].size(); i++) {
                    assertEquals(pair[0].target(0, i), pair[1].target(0, i));
                    assertEquals(pair[0].hasLabel(1, i), pair[1].hasLabel(1, i));
                }
            }

            List<JsonNode> runs = new java.util.ArrayList<>();
            for (String data : List.of("toy-multitask", hub)) {
                CliRun r = CliRun.run("--seed", "4", "--json", "multitask", "--model", "small_cnn", "--data", data,
                        "--epochs", "1", "--batch-size", "16", "--out", tmp.resolve("run" + runs.size()).toString());
                assertEquals(0, r.code, r.err);
                runs.add(Json.MAPPER.readTree(r.out).get("metrics"));
            }
            assertEquals(runs.get(0), runs.get(1));
            assertTrue(runs.get(1).has("bright") && runs.get(1).has("mass"), runs.get(1).toString());

            CliRun one = CliRun.run("--seed", "4", "--json", "multitask", "--model", "small_cnn", "--data", hub, "--tasks", "mass",
                    "--epochs", "1", "--batch-size", "16", "--out", tmp.resolve("mass").toString());
            assertEquals(0, one.code, one.err);
            assertEquals(1, Json.MAPPER.readTree(one.out).get("metrics").size());

            CliRun bad = CliRun.run("multitask", "--data", hub, "--tasks", "bright,size", "--epochs", "1", "--out", tmp.resolve("bad").toString());
            assertEquals(1, bad.code);
            assertEquals("error: data set '" + hub + "/train' has no task 'size' (its tasks are bright, mass)", bad.err.strip().lines()
                    .findFirst().orElse(""));
        }
    }

    @Test
    void aLabelOutsideAColumnsClassNamesNamesTheFileAndRowOrIsSkippedWithSkipBad(@TempDir Path tmp) throws Exception {
        Path repo = tmp.resolve("odd-tasks");
        List<Object[]> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            dev.graft.data.Pixels p = dev.graft.data.Pixels.zeros(1, 4, 4);
            java.util.Arrays.fill(p.values(), i % 2 == 0 ? 0.2f : 0.8f);
            rows.add(new Object[] {dev.graft.data.io.ImageFiles.png(p), i == 6 ? 5L : (long) (i % 2), i * 0.5});
        }
        dev.graft.data.io.ParquetTables.write(repo.resolve("data/train-00000-of-00001.parquet"),
                List.of("image STRUCT(bytes BLOB, path VARCHAR)", "bright BIGINT", "mass DOUBLE"), "{'bytes': ?::BLOB, 'path': 'x.png'}, ?, ?", rows, null);
        Files.writeString(repo.resolve("README.md"), "---\ndataset_info:\n  features:\n  - name: image\n    dtype: image\n  - name: bright\n"
                + "    dtype:\n      class_label:\n        names:\n          '0': dark\n          '1': light\n  - name: mass\n    dtype: float64\n---\n");
        try (TestHubServer server = TestHubServer.start(tmp.resolve("server"))) {
            box.useHub(server.url(), server.token("alice", true));
            assertEquals(0, CliRun.run("hub", "push", repo.toString(), "alice/odd-tasks", "--type", "dataset").code);
            String hub = "hf-hub:datasets/alice/odd-tasks?test=0.25";
            CliRun bad = CliRun.run("multitask", "--data", hub, "--epochs", "1", "--out", tmp.resolve("bad").toString());
            assertEquals(1, bad.code);
            assertEquals("error: data/train-00000-of-00001.parquet row 7: label 5 is outside the 2 class names README.md declares for 'bright'"
                    + " (dark, light) (fix the label, or add its class to dataset_info.features in README.md, or leave such rows out with --skip-bad)",
                    bad.err.strip().lines().findFirst().orElse(""));
            dev.graft.data.BadRows.skipByDefault(true);
            try {
                MultiTaskSplits kept = MultiTaskDatasets.load(hub, 4);
                assertEquals(11, kept.train().size() + kept.validation().size() + kept.test().size(), "the 11 good rows");
            } finally {
                dev.graft.data.BadRows.skipByDefault(false);
            }
        }
    }

    @Test
    void unknownWeightingOrDataSetIsOneLineError() {
        CliRun r = CliRun.run("multitask", "--weighting", "mgda");
        assertEquals(1, r.code);
        assertTrue(r.err.contains("unknown weighting 'mgda'") && r.err.contains("pcgrad"), r.err);
        CliRun r2 = CliRun.run("multitask", "--data", "cifar-mt");
        assertEquals(1, r2.code);
        assertTrue(r2.err.contains("unknown multi-task data set 'cifar-mt'") && r2.err.contains("multimnist"), r2.err);
    }
}
