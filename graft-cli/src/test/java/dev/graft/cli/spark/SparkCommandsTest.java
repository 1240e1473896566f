package dev.graft.cli.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.cli.CliRun;
import dev.graft.cli.TrainingSandbox;
import dev.graft.util.Json;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.bert.TinyBert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The {@code graft spark} verbs end to end on {@code local[2]}, on tiny models and data. */
class SparkCommandsTest {
    @RegisterExtension
    final TrainingSandbox box = new TrainingSandbox();

    @TempDir
    Path tmp;

    /** The rows of the JSONL part files Spark wrote into {@code dir}. */
    private static List<JsonNode> jsonl(Path dir) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        rows.add(Json.MAPPER.readTree(line));
                    }
                }
            }
        }
        return rows;
    }

    private Path smallCnn() {
        ModelBase m = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withNumClasses(2).withSeed(1));
        Path dir = tmp.resolve("cnn");
        Weights.save(m, dir);
        return dir;
    }

    @Test
    void sparkEmbedWritesTheVectorsOfGraftEmbed() throws Exception {
        Path model = TinyBert.folder(tmp.resolve("tiny-bert"), 3);
        List<String> texts = List.of("a cat sat on the mat", "river bank", "money in the bank", "birds", "the city lights at night in the rain");
        StringBuilder in = new StringBuilder();
        for (String t : texts) {
            in.append(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of("text", t))).append('\n');
        }
        Files.writeString(tmp.resolve("texts.jsonl"), in);
        Path out = tmp.resolve("vectors");
        CliRun r = CliRun.run("--json", "spark", "embed", "--master", "local[2]", "--data", tmp.resolve("texts.jsonl").toString(),
                "--model", model.toString(), "--out", out.toString(), "--format", "jsonl", "--partitions", "2", "--batch-size", "2").expect(0);
        assertEquals(5, Json.MAPPER.readTree(r.out).get("rows").asInt(), r.out);

        JsonNode one = Json.MAPPER.readTree(CliRun.run(concat(List.of("--json", "embed", "--model", model.toString()), texts)).expect(0).out);
        List<JsonNode> rows = jsonl(out);
        assertEquals(5, rows.size());
        for (JsonNode row : rows) {
            int i = texts.indexOf(row.get("text").asText());
            JsonNode want = one.get("embeddings").get(i).get("embedding");
            JsonNode got = row.get("embedding");
            assertEquals(want.size(), got.size());
            double dot = 0;
            for (int k = 0; k < want.size(); k++) {
                dot += want.get(k).asDouble() * got.get(k).asDouble();
            }
            assertTrue(dot >= 0.9999, "text " + i + ": cosine " + dot);
        }
        CliRun again = CliRun.run("spark", "embed", "--master", "local[2]", "--data", tmp.resolve("texts.jsonl").toString(),
                "--model", model.toString(), "--out", out.toString());
        assertEquals(1, again.code);
        assertTrue(again.err.contains("is not empty"), again.err);
    }

    private static String[] concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(new String[0]);
    }

    @Test
    void sparkFeaturizeAndPredictReadAGraftDataSet() throws Exception {
        Path model = smallCnn();
        Path feats = tmp.resolve("feats");
        CliRun.run("spark", "featurize", "--master", "local[2]", "--data", box.data(), "--model", model.toString(),
                "--out", feats.toString(), "--format", "jsonl").expect(0);
        List<JsonNode> rows = jsonl(feats);
        assertEquals(16, rows.size(), "train and test of the 16 images");
        int width = Zoo.create("local-dir:" + model, CreateOptions.defaults()).numFeatures();
        for (JsonNode row : rows) {
            assertEquals(width, row.get("features").size());
            assertTrue(row.get("label").asText().equals("dark") || row.get("label").asText().equals("light"));
            assertTrue(!row.has("pixels"), "features replace the pixels");
        }
        Path preds = tmp.resolve("preds");
        CliRun p = CliRun.run("--json", "spark", "predict", "--master", "local[2]", "--data", box.data(), "--split", "test",
                "--model", model.toString(), "--out", preds.toString()).expect(0);
        assertEquals(4, Json.MAPPER.readTree(p.out).get("rows").asInt(), p.out);
        try (Stream<Path> files = Files.list(preds)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".parquet")), "parquet by default");
        }
    }

    @Test
    void sparkProbeExportsAModelThatGraftPredictRuns() throws Exception {
        Path model = smallCnn();
        Path out = tmp.resolve("probe");
        CliRun r = CliRun.run("--json", "spark", "probe", "--master", "local[2]", "--data", box.data(), "--split", "train",
                "--model", model.toString(), "--l2", "1", "--out", out.toString()).expect(0);
        JsonNode j = Json.MAPPER.readTree(r.out);
        assertEquals(List.of("dark", "light"), List.of(j.get("classes").get(0).asText(), j.get("classes").get(1).asText()));
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")) && Files.isRegularFile(out.resolve("README.md")));
        Path img;
        try (Stream<Path> files = Files.walk(box.home().getParent().resolve("pics/light"))) {
            img = files.filter(f -> f.toString().endsWith(".png")).findFirst().orElseThrow();
        }
        CliRun pred = CliRun.run("--json", "predict", "--model", out.toString(), "--top-k", "1", img.toString()).expect(0);
        String label = Json.MAPPER.readTree(pred.out).get(0).get("top").get(0).get("label").asText();
        assertTrue(label.equals("dark") || label.equals("light"), pred.out);
    }

    @Test
    void badInputIsOneLine() {
        CliRun missing = CliRun.run("spark", "embed", "--master", "local[2]", "--data", tmp.resolve("nope.parquet").toString(),
                "--out", tmp.resolve("o").toString());
        assertEquals(1, missing.code);
        assertTrue(missing.err.startsWith("error: input path ") && missing.err.contains("does not exist"), missing.err);
        assertEquals(1, missing.err.strip().lines().count(), missing.err);

        CliRun noModel = CliRun.run("spark", "featurize", "--master", "local[2]", "--data", box.data(), "--model", tmp.resolve("no-model").toString(),
                "--out", tmp.resolve("o2").toString());
        assertEquals(1, noModel.code);
        assertTrue(noModel.err.contains("does not load in the executor"), noModel.err);
        assertEquals(1, noModel.err.strip().lines().count(), noModel.err);
    }
}
