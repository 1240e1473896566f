package dev.graft.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.cli.CliRun;
import dev.graft.cli.TestHubServer;
import dev.graft.cli.TrainingSandbox;
import dev.graft.data.Pixels;
import dev.graft.data.io.ImageFiles;
import dev.graft.data.io.ParquetTables;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data set repositories on the hub (an in-process server): {@code graft data push} and {@code graft hub
 * create/push --type dataset} publish, {@code graft hub ls --type dataset} finds them, and every verb that
 * takes data reads {@code hf-hub:datasets/owner/name} as it reads the data it came from (one mechanism,
 * {@code Datasets.load} / {@code TextDatasets.load}); bad Parquet rows with and without {@code --skip-bad}.
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
            CliRun episodes = CliRun.run("fewshot", "--model", model.toString(), "--data", "hf-hub:datasets/alice/topics", "--episodes", "3",
                    "--ways", "2", "--shots", "1", "--queries-per-class", "1");
            assertEquals(0, episodes.code, episodes.err);
            assertTrue(episodes.out.contains("2-way 1-shot, 1 queries per class, 3 episodes: accuracy"), episodes.out);

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

    /** The sandbox's class folders as a repository: {@code train/<class>/} six of each, {@code test/<class>/} two. */
    private Path classFolderRepo() throws Exception {
        Path pics = Path.of(box.data().substring("folder:".length(), box.data().indexOf('?')));
        Path repo = tmp.resolve("pics-repo");
        for (String c : List.of("dark", "light")) {
            List<Path> files;
            try (Stream<Path> s = Files.list(pics.resolve(c))) {
                files = s.sorted().toList();
            }
            for (int i = 0; i < files.size(); i++) {
                Path to = repo.resolve((i < 6 ? "train/" : "test/") + c + "/" + files.get(i).getFileName());
                Files.createDirectories(to.getParent());
                Files.copy(files.get(i), to);
            }
        }
        return repo;
    }

    @Test
    void aClassFolderRepositoryIsCreatedPushedListedAndReadByEveryImageVerb() throws Exception {
        try (TestHubServer server = TestHubServer.start(tmp.resolve("server"))) {
            box.useHub(server.url(), server.token("alice", true));
            CliRun created = CliRun.run("hub", "create", "alice/pics", "--type", "dataset");
            assertEquals(0, created.code, created.err);
            assertEquals(server.url() + "/datasets/alice/pics", created.out.strip());
            CliRun pushed = CliRun.run("hub", "push", classFolderRepo().toString(), "alice/pics", "--type", "dataset");
            assertEquals(0, pushed.code, pushed.err);
            assertTrue(pushed.out.startsWith("pushed 16 files"), pushed.out);
            assertEquals(0, CliRun.run("hub", "create", "alice/pics-model").code, "a model of a similar name");

            List<String> datasets = CliRun.run("hub", "ls", "--type", "dataset").out.lines().map(l -> l.split(" ")[0]).toList();
            assertEquals(List.of("alice/pics"), datasets);
            assertEquals(List.of("alice/pics"), CliRun.run("hub", "ls", "--type", "dataset", "--search", "pic").out.lines()
                    .map(l -> l.split(" ")[0]).toList());
            assertTrue(CliRun.run("hub", "ls", "--type", "dataset", "--search", "nothing-like-it").out.isBlank());
            assertEquals(List.of("alice/pics-model"), CliRun.run("hub", "ls", "--search", "pic").out.lines().map(l -> l.split(" ")[0]).toList(),
                    "models and data sets are listed apart");

            String hub = "hf-hub:datasets/alice/pics?size=28x28&val=0.25";
            JsonNode info = json(CliRun.run("--json", "data", "info", hub));
            assertEquals(16, info.get("samples").asInt(), info.toString());
            assertEquals(4, info.get("splits").get("test").get("count").asInt());
            CliRun show = CliRun.run("data", "show", hub, "--index", "1", "--split", "test", "--out", tmp.resolve("one.png").toString());
            assertEquals(0, show.code, show.err);
            assertTrue(Files.size(tmp.resolve("one.png")) > 0);
            JsonNode distance = json(CliRun.run("--json", "data", "distance", hub, box.data(), "--limit", "4"));
            assertEquals(4, distance.get("samples_per_data_set").asInt(), distance.toString());
            CliRun adapt = CliRun.run("adapt", "--method", "source-only", "--source", hub, "--target", box.data(), "--epochs", "1",
                    "--iterations", "2", "--batch-size", "4", "--out", tmp.resolve("adapt").toString());
            assertEquals(0, adapt.code, adapt.err);
            assertTrue(adapt.out.contains("source-only " + hub + " -> "), adapt.out);
            JsonNode pre = json(CliRun.run("--seed", "5", "--json", "pretrain", "--model", "small_cnn", "--data", hub, "--epochs", "1",
                    "--batch-size", "4", "--out", tmp.resolve("pre").toString()));
            JsonNode advice = json(CliRun.run("--json", "advise", "--model", pre.get("name").asText(), "--data", hub, "--probe-folds", "0"));
            assertEquals("HEAD", advice.get("strategy").asText(), advice.toString());
            // a default run folder (adapt's, pretrain's, finetune's) names the data argument in one folder, not a path
            assertEquals(Path.of("runs", "adapt-dann-hf-hub_datasets_alice_pics_size_28x28_val_0.25-s42"),
                    dev.graft.train.RunDirectory.defaultDir("adapt-dann-" + hub + "-s42"));
        }
    }

    @Test
    void textLabelAndImageColumnsAreChosenByTheColumnFlagsWhereTheDataArgumentNamesNone() throws Exception {
        Path pics = tmp.resolve("two-of-each");
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            rows.add(new Object[] {ImageFiles.png(Pixels.zeros(1, 4, 4)), ImageFiles.png(Pixels.zeros(1, 6, 6)), (long) (i % 2), (long) (i % 4)});
        }
        ParquetTables.write(pics.resolve("data/train-00000-of-00001.parquet"),
                List.of("photo STRUCT(bytes BLOB, path VARCHAR)", "sketch STRUCT(bytes BLOB, path VARCHAR)", "coarse BIGINT", "fine BIGINT"),
                "{'bytes': ?::BLOB, 'path': 'p.png'}, {'bytes': ?::BLOB, 'path': 's.png'}, ?, ?", rows, null);
        Path texts = Files.createDirectories(tmp.resolve("notes"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("{\"title\": \"t" + i + "\", \"body\": \"body " + i + "\", \"topic\": \"" + (i % 3 == 0 ? "a" : "b") + "\", \"mood\": \"m" + (i % 4) + "\"}");
        }
        Files.write(texts.resolve("train.jsonl"), lines);
        try (TestHubServer server = TestHubServer.start(tmp.resolve("server"))) {
            box.useHub(server.url(), server.token("alice", true));
            assertEquals(0, CliRun.run("hub", "push", pics.toString(), "alice/two-of-each", "--type", "dataset").code);
            assertEquals(0, CliRun.run("hub", "push", texts.toString(), "alice/notes", "--type", "dataset").code);
            String hub = "hf-hub:datasets/alice/two-of-each?test=0.25";
            JsonNode found = json(CliRun.run("--json", "data", "info", hub));
            assertEquals(List.of(2, "[1,4,4]"), List.of(found.get("num_classes").asInt(), found.get("image_shape").toString()), "photo, coarse: found by name and order");
            JsonNode chosen = json(CliRun.run("--image-column", "sketch", "--label-column", "fine", "--json", "data", "info", hub));
            assertEquals(List.of(4, "[1,6,6]"), List.of(chosen.get("num_classes").asInt(), chosen.get("image_shape").toString()));
            JsonNode spec = json(CliRun.run("--label-column", "fine", "--json", "data", "info", hub + "&label=coarse"));
            assertEquals(2, spec.get("num_classes").asInt(), "?label= on the data argument wins over --label-column");
            CliRun missing = CliRun.run("--image-column", "drawing", "data", "info", hub);
            assertEquals(1, missing.code);
            assertTrue(missing.err.contains("drawing"), missing.err);

            dev.graft.data.DataSpec.defaultColumns(new dev.graft.data.DataSpec.Columns("body", "mood", null));
            try {
                TextSplits s = TextDatasets.load("hf-hub:datasets/alice/notes?test=0.25", 5);
                assertEquals(List.of("m0", "m1", "m2", "m3"), s.train().classNames());
                assertTrue(s.train().texts().stream().allMatch(t -> t.startsWith("body ")), s.train().texts().toString());
            } finally {
                dev.graft.data.DataSpec.defaultColumns(null);
            }
        }
    }

    @Test
    void badParquetRowsStopTheRunWithOneLineOrAreSkippedAndReportedWithSkipBad() throws Exception {
        Path repo = tmp.resolve("bag");
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Pixels p = Pixels.zeros(1, 4, 4);
            java.util.Arrays.fill(p.values(), i % 2 == 0 ? 0.1f : 0.9f);
            rows.add(new Object[] {ImageFiles.png(p), i + ".png", (long) (i % 2)});
        }
        rows.add(3, new Object[] {"broken".getBytes(java.nio.charset.StandardCharsets.UTF_8), "x.png", 0L});
        ParquetTables.write(repo.resolve("data/train-00000-of-00001.parquet"), List.of("image STRUCT(bytes BLOB, path VARCHAR)", "label BIGINT"),
                "{'bytes': ?::BLOB, 'path': ?}, ?", rows, null);
        try (TestHubServer server = TestHubServer.start(tmp.resolve("server"))) {
            box.useHub(server.url(), server.token("alice", true));
            assertEquals(0, CliRun.run("hub", "push", repo.toString(), "alice/bag", "--type", "dataset").code);
            CliRun stopped = CliRun.run("data", "info", "hf-hub:datasets/alice/bag");
            assertEquals(1, stopped.code);
            assertEquals("error: image data/train-00000-of-00001.parquet row 4 is not in a format Java can read (use PNG, JPEG, BMP or GIF files,"
                    + " or leave such rows out with --skip-bad)", stopped.err.strip());
            // the report goes to standard error, as warnings do (CliRun keeps picocli's writer only)
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            java.io.PrintStream saved = System.err;
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            CliRun skipped;
            try {
                skipped = CliRun.run("--skip-bad", "--json", "data", "info", "hf-hub:datasets/alice/bag?test=0.25");
            } finally {
                System.setErr(saved);
            }
            JsonNode info = json(skipped);
            assertEquals(8, info.get("samples").asInt(), "the 8 good rows");
            String report = err.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(report.contains("warning: skipped 1 bad row of hf-hub:datasets/alice/bag?test=0.25: image"
                    + " data/train-00000-of-00001.parquet row 4 is not in a format Java can read"), report);
            assertFalse(CliRun.run("data", "info", "hf-hub:datasets/alice/bag").code == 0, "--skip-bad lasts one command");
        }
    }
}
