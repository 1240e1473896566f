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
            return new MultiTaskSplits(make(48, 1), make(8, 2), make(16, 3));
        }

        static MultiTaskData make(int n, long seed) {
            Random rnd = new Random(seed);
            float[] px = new float[n * 144];
            float[][] y = new float[2][n];
            for (int i = 0; i < n; i++) {
                int side = rnd.nextInt(2);
                double sum = 0;
                for (int p = 0; p < 144; p++) {
                    float v = (float) (rnd.nextDouble() * ((p % 12 < 6) == (side == 0) ? 1 : 0.2));
                    px[i * 144 + p] = v;
                    sum += v;
                }
                y[0][i] = side;
                y[1][i] = (float) (sum / 144);
            }
            return new MultiTaskData("toy", 1, 12, 12, px,
                    List.of(TaskSpec.classification("bright", List.of("left", "right")), TaskSpec.regression("mass")), y, null);
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
