package dev.graft.cli.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.cli.CliRun;
import dev.graft.cli.ClientEnv;
import dev.graft.cli.TestHubServer;
import dev.graft.hub.CommitInfo;
import dev.graft.hub.CommitOperation;
import dev.graft.hub.FileMetadata;
import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;
import dev.graft.hub.HubException;
import dev.graft.hub.ListQuery;
import dev.graft.hub.RepoInfo;
import dev.graft.hub.protocol.RepoType;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java client and its verbs against the real hub server, started in-process on a free port. */
class HubClientServerEndToEndTest {
    @TempDir
    static Path tmp;
    static TestHubServer server;
    static String aliceToken;
    static String bobToken;

    @BeforeAll
    static void start() throws Exception {
        server = TestHubServer.start(tmp.resolve("server"));
        aliceToken = server.token("alice", true);
        bobToken = server.token("bob", false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Hub client(String token, String cacheName) {
        return new Hub(new HubConfig(server.url(), token, false, tmp.resolve(cacheName)));
    }

    static Path modelFolder(String name, byte[] weights, String config) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("README.md"), "---\nlicense: mit\ntags: [image-classification, graft]\n---\n# " + name + "\n");
        Files.writeString(dir.resolve("config.json"), config);
        Files.write(dir.resolve("model.safetensors"), weights);
        return dir;
    }

    @Test
    void pushThenPullByteForByteWithVerifiedBlobs() throws Exception {
        Hub alice = client(aliceToken, "cache-a");
        byte[] weights = new byte[400_000];
        new Random(11).nextBytes(weights);
        Path dir = modelFolder("tiny", weights, "{\"architecture\":\"resnet18\",\"num_classes\":10}");
        alice.createRepo(RepoType.MODEL, "alice/tiny", false, false);
        CommitInfo c = alice.uploadFolder(RepoType.MODEL, "alice/tiny", dir, "main", "First version");
        assertEquals(3, c.uploadedFiles());
        assertEquals(1, c.lfsFiles(), "safetensors go through LFS");

        Hub reader = client(null, "cache-r");
        FileMetadata meta = reader.fileMetadata(RepoType.MODEL, "alice/tiny", "model.safetensors", "main");
        assertTrue(meta.isSha256(), "LFS files carry their sha256 as ETag: " + meta.etag());
        assertEquals(weights.length, meta.size());
        assertEquals(c.commitOid(), meta.commit());
        assertTrue(reader.fileMetadata(RepoType.MODEL, "alice/tiny", "config.json", "main").isGitSha1(),
                "regular files carry their git blob sha1, which the client checks");

        Path model = reader.snapshotModel("hf-hub:alice/tiny");
        assertArrayEquals(weights, Files.readAllBytes(model.resolve("model.safetensors")));
        assertEquals(Files.readString(dir.resolve("config.json")), Files.readString(model.resolve("config.json")));
        assertTrue(Files.exists(tmp.resolve("cache-r/models--alice--tiny/blobs").resolve(meta.etag())));

        RepoInfo info = reader.info(RepoType.MODEL, "alice/tiny", null);
        assertEquals(c.commitOid(), info.sha());
        assertTrue(info.tags().contains("image-classification"), info.tags().toString());
        assertEquals("mit", info.cardData().path("license").asText());
        assertTrue(reader.list(RepoType.MODEL, ListQuery.all().author("alice").filter("graft"))
                .stream().anyMatch(r -> r.id().equals("alice/tiny")));

        // Offline, the same files come from the cache.
        Hub offline = new Hub(reader.config().withOffline(true));
        assertEquals(model, offline.snapshotModel("hf-hub:alice/tiny"));
    }

    @Test
    void resumesAPartialDownloadWithRange() throws Exception {
        Hub alice = client(aliceToken, "cache-resume");
        byte[] weights = new byte[300_000];
        new Random(12).nextBytes(weights);
        alice.createRepo(RepoType.MODEL, "alice/resume", false, false);
        alice.uploadFolder(RepoType.MODEL, "alice/resume", modelFolder("resume", weights, "{}"), "main", "w");
        FileMetadata meta = alice.fileMetadata(RepoType.MODEL, "alice/resume", "model.safetensors", "main");
        Path incomplete = tmp.resolve("cache-resume/models--alice--resume/blobs").resolve(meta.etag() + ".incomplete");
        Files.createDirectories(incomplete.getParent());
        Files.write(incomplete, Arrays.copyOf(weights, 123_456));
        Path p = alice.download("alice/resume", "model.safetensors", "main");
        assertArrayEquals(weights, Files.readAllBytes(p));
        assertFalse(Files.exists(incomplete));
    }

    @Test
    void tagsAndBranchesPinOldVersions() throws Exception {
        Hub alice = client(aliceToken, "cache-rev");
        alice.createRepo(RepoType.MODEL, "alice/versions", false, false);
        Path one = Files.writeString(tmp.resolve("v1.json"), "{\"v\":1}");
        Path two = Files.writeString(tmp.resolve("v2.json"), "{\"v\":2}");
        CommitInfo first = alice.uploadFile(RepoType.MODEL, "alice/versions", one, "config.json", "main", "v1");
        alice.createTag(RepoType.MODEL, "alice/versions", "v1.0", "main", "first release");
        alice.createBranch(RepoType.MODEL, "alice/versions", "stable", first.commitOid());
        CommitInfo second = alice.uploadFile(RepoType.MODEL, "alice/versions", two, "config.json", "main", "v2");
        assertNotEquals(first.commitOid(), second.commitOid());

        Hub reader = client(null, "cache-rev-r");
        assertEquals("{\"v\":1}", Files.readString(reader.download("alice/versions", "config.json", "v1.0")));
        assertEquals("{\"v\":1}", Files.readString(reader.download("alice/versions", "config.json", "stable")));
        assertEquals("{\"v\":2}", Files.readString(reader.download("alice/versions", "config.json", "main")));
        assertEquals("{\"v\":1}", Files.readString(reader.download("alice/versions", "config.json", first.commitOid())));
        Path refs = tmp.resolve("cache-rev-r/models--alice--versions/refs");
        assertEquals(first.commitOid(), Files.readString(refs.resolve("v1.0")));
        assertEquals(second.commitOid(), Files.readString(refs.resolve("main")));
        HubException e = assertThrows(HubException.class, () -> reader.download("alice/versions", "config.json", "v9"));
        assertTrue(e.getMessage().contains("v9"), e.getMessage());
        HubException missing = assertThrows(HubException.class, () -> reader.download("alice/versions", "nope.txt", "main"));
        assertEquals(404, missing.status());
        assertEquals("EntryNotFound", missing.errorCode());
    }

    @Test
    void aMissingFileIsRememberedAndAnsweredOffline() throws Exception {
        Hub alice = client(aliceToken, "cache-miss-up");
        alice.createRepo(RepoType.MODEL, "alice/misses", false, false);
        CommitInfo c = alice.uploadFile(RepoType.MODEL, "alice/misses",
                Files.writeString(tmp.resolve("miss-config.json"), "{}"), "config.json", "main", "config");

        Hub reader = client(null, "cache-miss");
        reader.download("alice/misses", "config.json", "main");
        HubException missing = assertThrows(HubException.class, () -> reader.download("alice/misses", "tokenizer.json", "main"));
        assertEquals("EntryNotFound", missing.errorCode());
        Path marker = tmp.resolve("cache-miss/models--alice--misses/.no_exist").resolve(c.commitOid()).resolve("tokenizer.json");
        assertTrue(Files.exists(marker), "the server's 404 names the commit, so the client caches the miss");

        // Offline, the miss is answered from the marker, not with "not in the cache".
        Hub offline = new Hub(reader.config().withOffline(true));
        GraftException again = assertThrows(GraftException.class, () -> offline.download("alice/misses", "tokenizer.json", "main"));
        assertTrue(again.getMessage().contains("does not exist") && again.getMessage().contains("remembered"), again.getMessage());
        GraftException unknown = assertThrows(GraftException.class, () -> offline.download("alice/misses", "vocab.txt", "main"));
        assertTrue(unknown.getMessage().contains("not in the cache"), unknown.getMessage());
    }

    @Test
    void privateRepositoriesAndWriteScopes() throws Exception {
        Hub alice = client(aliceToken, "cache-p");
        alice.createRepo(RepoType.DATASET, "alice/secret", true, false);
        Path f = Files.writeString(tmp.resolve("rows.csv"), "a,b\n1,2\n");
        alice.uploadFile(RepoType.DATASET, "alice/secret", f, "rows.csv", "main", "data");
        assertEquals("a,b\n1,2\n", Files.readString(alice.download(RepoType.DATASET, "alice/secret", "rows.csv", null)));
        for (String token : new String[] {null, bobToken}) {
            HubException e = assertThrows(HubException.class,
                    () -> client(token, "cache-x").download(RepoType.DATASET, "alice/secret", "rows.csv", null));
            assertTrue(e.getMessage().contains("not found"), e.getMessage());
        }
        HubException write = assertThrows(HubException.class,
                () -> client(bobToken, "cache-x").createRepo(RepoType.MODEL, "alice/by-bob", false, false));
        assertTrue(write.status() == 401 || write.status() == 403, write.oneLine());
        alice.deleteRepo(RepoType.DATASET, "alice/secret", false);
        assertThrows(HubException.class, () -> alice.info(RepoType.DATASET, "alice/secret", null));
    }

    @Test
    void commitDeletesFilesAndRejectsStaleParents() throws Exception {
        Hub alice = client(aliceToken, "cache-d");
        alice.createRepo(RepoType.MODEL, "alice/edits", false, false);
        Path f = Files.writeString(tmp.resolve("a.txt"), "a");
        CommitInfo first = alice.uploadFile(RepoType.MODEL, "alice/edits", f, "logs/a.txt", "main", "add");
        alice.commit(RepoType.MODEL, "alice/edits", "main", "drop logs", null,
                List.of(CommitOperation.deleteFolder("logs")), first.commitOid());
        assertFalse(alice.info(RepoType.MODEL, "alice/edits", null).files().contains("logs/a.txt"));
        HubException stale = assertThrows(HubException.class, () -> alice.commit(RepoType.MODEL, "alice/edits", "main",
                "stale", null, List.of(CommitOperation.add("b.txt", f)), first.commitOid()));
        assertTrue(stale.status() == 409 || stale.status() == 412, stale.oneLine());
    }

    @Test
    void verbsAgainstTheServer() throws Exception {
        try (ClientEnv env = ClientEnv.of(tmp.resolve("home"), server.url(), null)) {
            assertEquals(0, CliRun.run("hub", "login", "--token", aliceToken).code);
            byte[] weights = new byte[60_000];
            new Random(13).nextBytes(weights);
            Path dir = modelFolder("cli", weights, "{\"num_classes\":2}");
            CliRun push = CliRun.run("hub", "push", dir.toString(), "alice/cli-model", "-m", "From the CLI");
            assertEquals(0, push.code, push.err);
            assertTrue(push.out.contains("pushed 3 files (1 through LFS)"), push.out);
            CliRun ls = CliRun.run("hub", "ls", "--search", "cli-model");
            assertTrue(ls.out.startsWith("alice/cli-model"), ls.out + ls.err);
            CliRun info = CliRun.run("hub", "info", "alice/cli-model");
            assertTrue(info.out.contains("model.safetensors") && info.out.contains("card.license"), info.out);
            CliRun pull = CliRun.run("hub", "pull", "alice/cli-model");
            assertEquals(0, pull.code, pull.err);
            assertArrayEquals(weights, Files.readAllBytes(Path.of(pull.out.strip()).resolve("model.safetensors")));
            assertEquals(0, CliRun.run("hub", "rm", "alice/cli-model", "--yes").code);
            CliRun gone = CliRun.run("hub", "info", "alice/cli-model");
            assertEquals(1, gone.code);
            assertTrue(gone.err.contains("not found"), gone.err);
        }
    }

    @Test
    void zooCreatesAModelPushedToTheHubByItsHfHubName() throws Exception {
        try (ClientEnv env = ClientEnv.of(tmp.resolve("zoo-home"), server.url(), null)) {
            ModelBase trained = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withSeed(5));
            Path export = tmp.resolve("zoo-export");
            Weights.save(trained, export);
            Files.writeString(export.resolve("README.md"), "---\nlicense: mit\nlibrary_name: graft\ntags: [image-classification]\n---\n# small\n");
            client(aliceToken, "cache-zoo-up").push(RepoType.MODEL, "alice/small-cnn", export, null, "Trained", false);

            GraftModel pulled = Zoo.create("hf-hub:alice/small-cnn@main");
            assertEquals("small_cnn", pulled.cfg().architecture());
            for (Map.Entry<String, Parameter> e : trained.stateDict().entrySet()) {
                assertArrayEquals(e.getValue().getArray().toFloatArray(),
                        pulled.stateDict().get(e.getKey()).getArray().toFloatArray(), e.getKey());
            }
            assertTrue(Files.isDirectory(tmp.resolve("zoo-home/hub/cache/models--alice--small-cnn/snapshots")));
            // The same name works offline from the cache.
            System.setProperty("graft.hub.offline", "1");
            assertEquals("small_cnn", Zoo.create("hf-hub:alice/small-cnn").cfg().architecture());
        }
    }

    @Test
    void badSpecsAreUserErrors() {
        GraftException e = assertThrows(GraftException.class, () -> client(null, "cache-b").snapshotModel("hf-hub:not a repo"));
        assertTrue(e.getMessage().contains("owner/name") || e.getMessage().contains("invalid part"), e.getMessage());
    }
}
