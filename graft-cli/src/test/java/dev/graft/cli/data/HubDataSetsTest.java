package dev.graft.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.cli.CliRun;
import dev.graft.cli.TestHubServer;
import dev.graft.cli.TrainingSandbox;
import dev.graft.engine.Engines;
import dev.graft.text.TextDatasets;
import dev.graft.text.TextSplits;
import dev.graft.util.Json;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.BertWeights;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data set repositories on the hub (an in-process server): {@code graft data push} publishes, and the
 * training verbs read {@code hf-hub:datasets/owner/name} as they read the data it came from.
 */
class HubDataSetsTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final TrainingSandbox box = new TrainingSandbox();

    /** The sandbox's class folders, read at their own 8 x 8 size. */
    private String folder() {
        String d = box.data();
        return d.substring(0, d.indexOf('?')) + "?test=0.25&val=0.25";
    }

    private static JsonNode json(CliRun r) throws Exception {
        assertEquals(0, r.code, r.err);
        return Json.MAPPER.readTree(r.out);
    }

    @Test
    void aPushedImageFolderTrainsAndEvaluatesExactlyAsTheFolderDoes() throws Exception {
        try (TestHubServer server = TestHubServer.start(tmp.resolve("server"))) {
            box.useHub(server.url(), server.token("alice", true));
            JsonNode pushed = json(CliRun.run("--json", "data", "push", folder(), "alice/pics"));
            assertEquals(12, pushed.get("splits").get("train").asInt());
            assertEquals(4, pushed.get("splits").get("test").asInt());
            String hub = "hf-hub:datasets/alice/pics?val=0.25";

            JsonNode local = json(CliRun.run("--json", "data", "info", folder()));
            JsonNode remote = json(CliRun.run("--json", "data", "info", hub));
            assertEquals(local.get("splits"), remote.get("splits"));
            assertEquals(local.get("image_shape"), remote.get("image_shape"));

            List<JsonNode> runs = new ArrayList<>();
            for (String data : List.of(folder(), hub)) {
                runs.add(json(CliRun.run("--seed", "5", "--json", "finetune", "--model", "small_cnn", "--data", data, "--strategy", "scratch",
                        "--epochs", "2", "--batch-size", "4", "--out", tmp.resolve("run" + runs.size()).toString())));
            }
            assertEquals(runs.get(0).get("test_top1").asDouble(), runs.get(1).get("test_top1").asDouble());
            assertEquals(runs.get(0).get("test_loss").asDouble(), runs.get(1).get("test_loss").asDouble());

            // offline, from the cache, with the server gone
            server.close();
            System.setProperty("graft.hub.offline", "1");
            CliRun eval = CliRun.run("eval", "--model", tmp.resolve("run1").toString(), "--data", hub);
            assertEquals(0, eval.code, eval.err);
            assertTrue(eval.out.contains("on " + hub + "/test: top-1"), eval.out);
        }
    }

    @Test
    void aJsonlTextRepositoryTrainsATextClassifierByItsHubName() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("topics"));
        String[] animals = {"cat", "dog", "cow", "pig", "hen", "fox", "owl", "elk", "bat", "rat"};
        String[] tools = {"saw", "axe", "drill", "file", "plane", "chisel", "wrench", "hammer", "spanner", "level"};
        List<String> train = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            train.add("{\"text\": \"a " + animals[i] + "\", \"label\": \"animal\"}");
            train.add("{\"text\": \"a " + tools[i] + "\", \"label\": \"tool\"}");
        }
        Files.write(repo.resolve("train.jsonl"), train);
        Files.write(repo.resolve("test.jsonl"), List.of("{\"text\": \"a bat\", \"label\": \"animal\"}", "{\"text\": \"a level\", \"label\": \"tool\"}",
                "{\"text\": \"a rat\", \"label\": \"animal\"}", "{\"text\": \"a spanner\", \"label\": \"tool\"}"));
        Path model = tinyBert(tmp.resolve("tiny-bert"));
        try (TestHubServer server = TestHubServer.start(tmp.resolve("server"))) {
            box.useHub(server.url(), server.token("alice", true));
            assertEquals(0, CliRun.run("hub", "push", repo.toString(), "alice/topics", "--type", "dataset").code);
            TextSplits s = TextDatasets.load("hf-hub:datasets/alice/topics", 5);
            assertEquals(List.of("animal", "tool"), s.train().classNames());
            assertEquals(4, s.test().size());
            assertEquals(16, s.train().size() + s.validation().size());
            CliRun r = CliRun.run("--json", "text-finetune", "--model", model.toString(), "--data", "hf-hub:datasets/alice/topics",
                    "--epochs", "2", "--out", tmp.resolve("text-run").toString());
            JsonNode m = json(r);
            assertEquals("hf-hub:datasets/alice/topics", m.get("data").asText());
            assertEquals(2, m.get("history").size(), r.out);

            // a text data set published by data push reads back with the same texts and labels
            json(CliRun.run("--json", "data", "push", "wordnet-topics-small", "alice/wordnet-small"));
            TextSplits built = TextDatasets.load("wordnet-topics-small", 5);
            TextSplits back = TextDatasets.load("hf-hub:datasets/alice/wordnet-small", 5);
            assertEquals(built.train().texts(), back.train().texts());
            assertEquals(built.test().texts(), back.test().texts());
            assertEquals(List.of(built.validation().size(), built.train().classNames()), List.of(back.validation().size(), back.train().classNames()));
        }
    }

    @Test
    void aRepositoryWithoutSplitFilesFailsWithOneLineSayingWhatItHolds() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("odd"));
        Files.writeString(repo.resolve("notes.txt"), "nothing to train on");
        try (TestHubServer server = TestHubServer.start(tmp.resolve("server"))) {
            box.useHub(server.url(), server.token("alice", true));
            assertEquals(0, CliRun.run("hub", "push", repo.toString(), "alice/odd", "--type", "dataset").code);
            CliRun r = CliRun.run("finetune", "--model", "small_cnn", "--data", "hf-hub:datasets/alice/odd", "--out", tmp.resolve("never").toString());
            assertEquals(1, r.code);
            assertTrue(r.err.contains("data set odd has no split files: it holds notes.txt; expected train*/test*/validation*"), r.err);
            assertTrue(!r.err.contains("\tat "), r.err);
            CliRun model = CliRun.run("finetune", "--model", "small_cnn", "--data", "hf-hub:alice/odd", "--out", tmp.resolve("never").toString());
            assertTrue(model.err.contains("write hf-hub:datasets/owner/name"), model.err);
        }
    }

    private static Path tinyBert(Path dir) throws Exception {
        Engines.pytorch();
        Files.createDirectories(dir);
        BertConfig cfg = BertConfig.of(16, 2, 2, 32, 64, 30522, 2, false);
        cfg.write(dir.resolve("config.json"));
        try (NDManager nd = NDManager.newBaseManager(); InputStream tok = BertModel.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            BertModel m = new BertModel(cfg);
            m.initialize(nd);
            BertWeights.write(m.stateDict(), dir.resolve("model.safetensors"));
            Files.copy(tok, dir.resolve("tokenizer.json"));
        }
        return dir;
    }
}
