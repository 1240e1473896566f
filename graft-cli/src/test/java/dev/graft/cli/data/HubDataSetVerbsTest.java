package dev.graft.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.cli.CliRun;
import dev.graft.cli.TestHubServer;
import dev.graft.cli.TrainingSandbox;
import dev.graft.data.Pixels;
import dev.graft.data.io.ImageFiles;
import dev.graft.data.io.ParquetTables;
import dev.graft.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class-folder image data set published with {@code graft hub create/push --type dataset}, found with
 * {@code graft hub ls --type dataset}, and read by {@code hf-hub:datasets/...} in every image verb that takes
 * data (one mechanism: {@code Datasets.load}); bad rows of a pushed Parquet with and without {@code --skip-bad}.
 */
class HubDataSetVerbsTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final TrainingSandbox box = new TrainingSandbox();

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

    private static JsonNode json(CliRun r) throws Exception {
        assertEquals(0, r.code, r.err);
        return Json.MAPPER.readTree(r.out);
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
