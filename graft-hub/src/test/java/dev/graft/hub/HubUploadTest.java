package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubUploadTest {
    @TempDir
    Path tmp;
    FakeHfHub fake;
    Hub hub;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeHfHub();
        fake.lfsThreshold = 1024;
        hub = new Hub(new HubConfig(fake.endpoint, FakeHfHub.TOKEN, false, tmp.resolve("cache")));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    @Test
    void uploadFolderSendsRegularFilesInlineAndLargeOnesThroughLfs() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("export"));
        byte[] weights = new byte[300_000];
        new Random(1).nextBytes(weights);
        Files.write(dir.resolve("model.safetensors"), weights);
        Files.writeString(dir.resolve("config.json"), "{\"num_classes\":10}");
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/train.txt"), "epoch 1");
        String url = hub.createRepo(RepoType.MODEL, "alice/new", false, false);
        assertEquals(fake.endpoint + "/alice/new", url);

        CommitInfo info = hub.uploadFolder(RepoType.MODEL, "alice/new", dir, null, "First version");
        assertEquals(3, info.uploadedFiles());
        assertEquals(1, info.lfsFiles());
        assertEquals(fake.repos.get("model:alice/new").branches.get("main"), info.commitOid());

        // The NDJSON body: header first, then one line per file in the Hub's shapes.
        String body = fake.commitBodies.get(0);
        List<String> lines = body.lines().toList();
        assertEquals(4, lines.size(), body);
        ObjectMapper m = new ObjectMapper();
        JsonNode header = m.readTree(lines.get(0));
        assertEquals("header", header.path("key").asText());
        assertEquals("First version", header.path("value").path("summary").asText());
        JsonNode cfg = m.readTree(lines.get(1));
        assertEquals("file", cfg.path("key").asText());
        assertEquals("config.json", cfg.path("value").path("path").asText());
        assertEquals("base64", cfg.path("value").path("encoding").asText());
        assertEquals("{\"num_classes\":10}", new String(Base64.getDecoder().decode(cfg.path("value").path("content").asText()), StandardCharsets.UTF_8));
        JsonNode lfs = m.readTree(lines.get(3));
        assertEquals("lfsFile", lfs.path("key").asText());
        assertEquals("model.safetensors", lfs.path("value").path("path").asText());
        assertEquals("sha256", lfs.path("value").path("algo").asText());
        String sha = FakeHfHub.blob(weights, true).sha256();
        assertEquals(sha, lfs.path("value").path("oid").asText());
        assertEquals(weights.length, lfs.path("value").path("size").asLong());

        // The LFS object went through batch -> PUT (with the action's header, without our token) -> verify.
        assertTrue(fake.log.contains("POST /alice/new.git/info/lfs/objects/batch"), fake.log.toString());
        assertEquals("", fake.authSeen.get("localhost:" + fake.server.getAddress().getPort() + " PUT /lfs-upload/" + sha));
        assertTrue(fake.log.contains("POST /lfs-verify"));

        // And everything comes back byte for byte.
        Path back = hub.snapshot("alice/new", "main", List.of());
        assertArrayEquals(weights, Files.readAllBytes(back.resolve("model.safetensors")));
        assertEquals("epoch 1", Files.readString(back.resolve("logs/train.txt")));
    }

    @Test
    void lfsObjectsAlreadyOnTheHubAreNotSentAgain() throws Exception {
        hub.createRepo(RepoType.MODEL, "alice/a", false, false);
        byte[] big = new byte[5000];
        new Random(2).nextBytes(big);
        Path f = Files.write(tmp.resolve("w.bin"), big);
        hub.uploadFile(RepoType.MODEL, "alice/a", f, "w.bin", "main", "one");
        hub.uploadFile(RepoType.MODEL, "alice/a", f, "copy/w.bin", "main", "two");
        assertEquals(1, fake.countRequests("PUT /lfs-upload/"));
        assertEquals(List.of(".gitattributes", "copy/w.bin", "w.bin"), hub.info(RepoType.MODEL, "alice/a", null).files());
    }

    @Test
    void deletesAndParentCommitConflicts() throws Exception {
        hub.createRepo(RepoType.MODEL, "alice/b", false, false);
        Path f = Files.writeString(tmp.resolve("a.txt"), "a");
        CommitInfo first = hub.uploadFile(RepoType.MODEL, "alice/b", f, "dir/a.txt", "main", "add");
        hub.commit(RepoType.MODEL, "alice/b", "main", "remove", null,
                List.of(CommitOperation.deleteFolder("dir")), first.commitOid());
        assertEquals(List.of(".gitattributes"), hub.info(RepoType.MODEL, "alice/b", null).files());
        HubException e = assertThrows(HubException.class, () -> hub.commit(RepoType.MODEL, "alice/b", "main", "stale",
                null, List.of(CommitOperation.delete(".gitattributes")), first.commitOid()));
        assertEquals(412, e.status());
        assertTrue(fake.commitBodies.get(1).contains("\"deletedFolder\""));
    }

    @Test
    void ignoredFilesAreLeftOutOfTheCommit() throws Exception {
        hub.createRepo(RepoType.MODEL, "alice/c", false, false);
        Path dir = Files.createDirectories(tmp.resolve("d"));
        Files.writeString(dir.resolve("keep.txt"), "k");
        Files.writeString(dir.resolve("drop.ignored"), "d");
        CommitInfo info = hub.uploadFolder(RepoType.MODEL, "alice/c", dir, "main", "m");
        assertEquals(1, info.uploadedFiles());
        assertTrue(!fake.commitBodies.get(0).contains("drop.ignored"));
    }

    @Test
    void createAndDeleteRepositories() {
        hub.createRepo(RepoType.DATASET, "alice/ds", true, false);
        assertTrue(fake.repos.get("dataset:alice/ds").isPrivate);
        HubException e = assertThrows(HubException.class, () -> hub.createRepo(RepoType.DATASET, "alice/ds", true, false));
        assertEquals(409, e.status());
        assertEquals(fake.endpoint + "/datasets/alice/ds", hub.createRepo(RepoType.DATASET, "alice/ds", true, true));
        hub.deleteRepo(RepoType.DATASET, "alice/ds", false);
        assertTrue(fake.repos.isEmpty());
        assertThrows(HubException.class, () -> hub.deleteRepo(RepoType.DATASET, "alice/ds", false));
        hub.deleteRepo(RepoType.DATASET, "alice/ds", true);
    }

    @Test
    void listingFollowsLinkPagesUpToTheLimit() {
        for (String n : List.of("a1", "a2", "a3", "b1", "b2")) {
            FakeHfHub.Repo r = fake.createRepo("model", "alice/" + n, false);
            if (n.startsWith("a")) {
                r.repoTags.add("image-classification");
            }
        }
        fake.createRepo("model", "bob/a9", false);
        assertEquals(6, hub.list(RepoType.MODEL, ListQuery.all()).size());
        assertEquals(3, fake.countRequests("GET /api/models"));
        List<RepoInfo> a = hub.list(RepoType.MODEL, ListQuery.all().author("alice").filter("image-classification"));
        assertEquals(List.of("alice/a1", "alice/a2", "alice/a3"), a.stream().map(RepoInfo::id).toList());
        assertEquals(List.of("alice/a1", "alice/a2", "alice/a3"),
                hub.search("a", 3).stream().map(RepoInfo::id).toList());
        assertEquals("http://h/api/models?cursor=2", HubRepos.nextLink(
                List.of("<http://h/api/models?cursor=2>; rel=\"next\""), "http://h/api/models"));
        assertEquals("http://h/api/models?c=3", HubRepos.nextLink(
                List.of("<http://h/api/models?c=1>; rel=\"prev\", </api/models?c=3>; rel=\"next\""), "http://h/api/models"));
    }

    @Test
    void writesNeedAToken() throws Exception {
        Hub anonymous = new Hub(new HubConfig(fake.endpoint, null, false, tmp.resolve("cache")));
        Path f = Files.writeString(tmp.resolve("a.txt"), "a");
        GraftException e = assertThrows(GraftException.class,
                () -> anonymous.uploadFile(RepoType.MODEL, "alice/x", f, "a.txt", "main", "m"));
        assertTrue(e.fix().contains("graft hub login"));
        HubException e2 = assertThrows(HubException.class, () -> anonymous.createRepo(RepoType.MODEL, "alice/x", false, false));
        assertEquals(401, e2.status());
        Hub wrong = new Hub(new HubConfig(fake.endpoint, "hf_wrong", false, tmp.resolve("cache")));
        assertThrows(HubException.class, wrong::whoami);
        assertEquals("alice", hub.whoami().path("name").asText());
    }

    @Test
    void tokenIsStoredPrivatelyAndPickedUp() throws Exception {
        String old = System.getProperty("graft.home");
        System.setProperty("graft.home", tmp.resolve("home").toString());
        try {
            Path f = HubConfig.storeToken("hf_abc123", "http://hub.example:8080/");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            assertEquals("hf_abc123", HubConfig.readStoredToken("http://hub.example:8080"));
            assertEquals(null, HubConfig.readStoredToken("http://other.example:8080"), "never sent to another hub");
            if (System.getenv("GRAFT_TOKEN") == null && System.getenv("HF_TOKEN") == null) {
                System.setProperty("graft.endpoint", "http://hub.example:8080");
                assertEquals("hf_abc123", HubConfig.fromEnvironment().token());
                assertEquals(null, HubConfig.fromEnvironment("http://other.example:8080").token());
                System.setProperty("graft.endpoint", "http://other.example:8080");
                assertEquals(null, HubConfig.fromEnvironment().token());
            }
            System.setProperty("graft.token", "hf_override");
            assertEquals("hf_override", HubConfig.fromEnvironment().token());
            assertThrows(GraftException.class, () -> HubConfig.storeToken("has space", "http://hub.example:8080"));
        } finally {
            System.clearProperty("graft.token");
            System.clearProperty("graft.endpoint");
            if (old == null) {
                System.clearProperty("graft.home");
            } else {
                System.setProperty("graft.home", old);
            }
        }
    }
}
