package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HubDownloadTest extends TinyRepoFixture {
    HubDownloadTest() {
        super(200_000, 7);
    }

    @Override
    Map<String, byte[]> moreFiles() {
        return Map.of("sub dir/notes.txt", "hi".getBytes(StandardCharsets.UTF_8));
    }

    Hub hub() {
        return new Hub(new HubConfig(fake.endpoint, null, false, tmp.resolve("cache")));
    }

    Path repoDir() {
        return tmp.resolve("cache").resolve("models--alice--tiny");
    }

    /** Where the weights' blob is kept while its download is unfinished. */
    Path incompleteWeights() {
        return repoDir().resolve("blobs").resolve(FakeHfHub.blob(weights, true).sha256() + ".incomplete");
    }

    /** The first {@code bytes} of the weights left in the cache, as a killed download leaves them. */
    Path leaveIncompleteWeights(int bytes) throws java.io.IOException {
        Path incomplete = incompleteWeights();
        Files.createDirectories(incomplete.getParent());
        Files.write(incomplete, java.util.Arrays.copyOf(weights, bytes));
        return incomplete;
    }

    @Test
    void downloadsRegularFileIntoHuggingFaceLayout() throws Exception {
        Path p = hub().download("alice/tiny", "config.json", "main");
        assertArrayEquals(config, Files.readAllBytes(p));
        assertEquals(repoDir().resolve("snapshots").resolve(commit).resolve("config.json"), p);
        assertTrue(Files.isSymbolicLink(p), "snapshot entries link into blobs");
        String gitSha1 = FakeHfHub.blob(config, false).gitSha1();
        assertEquals(repoDir().resolve("blobs").resolve(gitSha1), p.toRealPath());
        assertEquals(commit, Files.readString(repoDir().resolve("refs").resolve("main")));
        Path nested = hub().download("alice/tiny", "sub dir/notes.txt", null);
        assertEquals("hi", Files.readString(nested));
    }

    @Test
    void downloadsLfsFileThroughRedirectWithoutLeakingToken() throws Exception {
        Hub hub = new Hub(new HubConfig(fake.endpoint, FakeHfHub.TOKEN, false, tmp.resolve("cache")));
        Path p = hub.download("alice/tiny", "model.safetensors", "main");
        assertArrayEquals(weights, Files.readAllBytes(p));
        String sha256 = FakeHfHub.blob(weights, true).sha256();
        assertTrue(Files.exists(repoDir().resolve("blobs").resolve(sha256)), "LFS blobs are named by sha256");
        String cdnKey = "localhost:" + fake.server.getAddress().getPort() + " GET /lfs-cdn/" + sha256;
        assertEquals("", fake.authSeen.get(cdnKey), "no token sent to another host");
        assertEquals("Bearer " + FakeHfHub.TOKEN,
                fake.authSeen.get("127.0.0.1:" + fake.server.getAddress().getPort() + " HEAD /alice/tiny/resolve/main/model.safetensors"));
    }

    @Test
    void resumesFromIncompleteWithRange() throws Exception {
        String sha256 = FakeHfHub.blob(weights, true).sha256();
        Path incomplete = leaveIncompleteWeights(50_000);
        Path p = hub().download("alice/tiny", "model.safetensors", "main");
        assertArrayEquals(weights, Files.readAllBytes(p));
        assertTrue(fake.log.contains("GET /lfs-cdn/" + sha256 + " Range:bytes=50000-"), fake.log.toString());
        assertFalse(Files.exists(incomplete));
    }

    @Test
    void interruptedDownloadLeavesIncompleteAndResumes() throws Exception {
        String sha256 = FakeHfHub.blob(weights, true).sha256();
        fake.cutAfterBytes = 70_000;
        HubException e = assertThrows(HubException.class,
                () -> hub().withRetries(0).download("alice/tiny", "model.safetensors", "main"));
        assertTrue(e.getMessage().contains("interrupted") || e.getMessage().contains("failed"), e.getMessage());
        Path incomplete = incompleteWeights();
        assertTrue(Files.exists(incomplete));
        long have = Files.size(incomplete);
        assertTrue(have > 0 && have < weights.length, "partial bytes kept: " + have);
        Path p = hub().download("alice/tiny", "model.safetensors", "main");
        assertArrayEquals(weights, Files.readAllBytes(p));
        assertTrue(fake.log.contains("GET /lfs-cdn/" + sha256 + " Range:bytes=" + have + "-"), fake.log.toString());
    }

    @Test
    void aCutConnectionIsRetriedWithRangeInOneCall() throws Exception {
        String sha256 = FakeHfHub.blob(weights, true).sha256();
        fake.cutAfterBytes = 90_000;
        Path p = hub().download("alice/tiny", "model.safetensors", "main");
        assertArrayEquals(weights, Files.readAllBytes(p));
        long resumed;
        synchronized (fake.log) {
            resumed = fake.log.stream().filter(l -> l.startsWith("GET /lfs-cdn/" + sha256 + " Range:bytes=")).count();
        }
        assertEquals(1, resumed, fake.log.toString());
        assertEquals(2, fake.getCount.get());
    }

    @Test
    void serverIgnoringRangeStillGivesTheRightFile() throws Exception {
        leaveIncompleteWeights(1234);
        fake.ignoreRange = true;
        Path p = hub().download("alice/tiny", "model.safetensors", "main");
        assertArrayEquals(weights, Files.readAllBytes(p));
    }

    @Test
    void checksumMismatchIsRejectedAndNothingIsKept() throws Exception {
        fake.corrupt = true;
        GraftException e = assertThrows(GraftException.class, () -> hub().download("alice/tiny", "model.safetensors", "main"));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
            assertEquals(0, blobs.count(), "no blob and no .incomplete left");
        }
        assertFalse(Files.exists(repoDir().resolve("snapshots").resolve(commit).resolve("model.safetensors")));
        // Regular files are checked against their git blob sha1 too.
        GraftException e2 = assertThrows(GraftException.class, () -> hub().download("alice/tiny", "config.json", "main"));
        assertTrue(e2.getMessage().contains("git sha1"), e2.getMessage());
    }

    @Test
    void concurrentDownloadsOfOneFileFetchItOnce() throws Exception {
        fake.delayMillis = 300;
        Hub hub = hub();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(pool.submit(() -> hub.download("alice/tiny", "model.safetensors", "main")));
            }
            for (Future<Path> f : fs) {
                assertArrayEquals(weights, Files.readAllBytes(f.get()));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, fake.getCount.get(), "the lock lets one thread download, the others reuse the blob");
    }

    @Test
    void offlineServesFromCacheAndExplainsWhatIsMissing() throws Exception {
        Path online = hub().download("alice/tiny", "config.json", "main");
        hub().snapshot("alice/tiny", "main", List.of("*.json"));
        fake.close();
        Hub offline = new Hub(new HubConfig(fake.endpoint, null, true, tmp.resolve("cache")));
        assertEquals(online, offline.download("alice/tiny", "config.json", "main"));
        assertEquals(online, offline.download("alice/tiny", "config.json", commit));
        assertEquals(online.getParent(), offline.snapshot("alice/tiny", "main", List.of()));
        GraftException e = assertThrows(GraftException.class, () -> offline.download("alice/tiny", "model.safetensors", "main"));
        assertTrue(e.getMessage().contains("offline") && e.getMessage().contains("not in the cache"), e.getMessage());
        GraftException e2 = assertThrows(GraftException.class, () -> offline.snapshot("bob/other", "main", List.of()));
        assertTrue(e2.getMessage().contains("not in the cache"), e2.getMessage());
        // Online mode with the hub down falls back to the cache too.
        Path fallback = hub().download("alice/tiny", "config.json", "main");
        assertEquals(online, fallback);
    }

    @Test
    void revisionsResolveThroughTagsBranchesAndEncodedRefs() throws Exception {
        repo.tags.put("v1", commit);
        String pr = fake.commit(repo, "refs/pr/1", Map.of("config.json", "{\"pr\":1}".getBytes(StandardCharsets.UTF_8)));
        Hub hub = hub();
        Path v1 = hub.download("alice/tiny", "config.json", "v1");
        assertArrayEquals(config, Files.readAllBytes(v1));
        assertEquals(commit, Files.readString(repoDir().resolve("refs").resolve("v1")));
        Path prFile = hub.download("alice/tiny", "config.json", "refs/pr/1");
        assertEquals("{\"pr\":1}", Files.readString(prFile));
        assertTrue(fake.log.contains("HEAD /alice/tiny/resolve/refs%2Fpr%2F1/config.json"), fake.log.toString());
        assertEquals(pr, Files.readString(repoDir().resolve("refs").resolve("refs/pr/1")));
        // A commit sha that is cached needs no request at all.
        int before = fake.log.size();
        assertEquals(v1, hub.download("alice/tiny", "config.json", commit));
        assertEquals(before, fake.log.size());
        HubException e = assertThrows(HubException.class, () -> hub.download("alice/tiny", "config.json", "nope"));
        assertEquals("RevisionNotFound", e.errorCode());
        assertTrue(e.getMessage().contains("revision 'nope'"), e.getMessage());
    }

    @Test
    void missingFileIsRememberedInNoExist() throws Exception {
        HubException e = assertThrows(HubException.class, () -> hub().download("alice/tiny", "missing.bin", "main"));
        assertEquals("EntryNotFound", e.errorCode());
        assertTrue(Files.exists(repoDir().resolve(".no_exist").resolve(commit).resolve("missing.bin")));
        hub().download("alice/tiny", "config.json", "main");
        Hub offline = new Hub(new HubConfig(fake.endpoint, null, true, tmp.resolve("cache")));
        GraftException e2 = assertThrows(GraftException.class, () -> offline.download("alice/tiny", "missing.bin", "main"));
        assertTrue(e2.getMessage().contains("does not exist"), e2.getMessage());
    }

    @Test
    void privateRepositoriesNeedTheToken() {
        FakeHfHub.Repo secret = fake.createRepo("model", "alice/secret", true);
        fake.commit(secret, "main", Map.of("a.txt", "x".getBytes(StandardCharsets.UTF_8)));
        HubException e = assertThrows(HubException.class, () -> hub().download("alice/secret", "a.txt", "main"));
        assertTrue(e.getMessage().contains("not found") && e.fix().contains("GRAFT_TOKEN"), e.oneLine());
        Hub withToken = new Hub(new HubConfig(fake.endpoint, FakeHfHub.TOKEN, false, tmp.resolve("cache")));
        assertTrue(Files.exists(withToken.download("alice/secret", "a.txt", "main")));
    }

    @Test
    void snapshotResolvesOnceAndFetchesMatchingFilesInParallel() throws Exception {
        Hub hub = hub();
        Path dir = hub.snapshot("alice/tiny", "main", List.of("*.json", "*.safetensors"));
        assertEquals(repoDir().resolve("snapshots").resolve(commit), dir);
        assertArrayEquals(config, Files.readAllBytes(dir.resolve("config.json")));
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(dir.resolve("sub dir")), "not matched by the patterns");
        // Files are fetched at the commit the revision resolved to, not at "main" again.
        assertTrue(fake.log.contains("HEAD /alice/tiny/resolve/" + commit + "/config.json"), fake.log.toString());
        assertEquals(1, fake.countRequests("GET /api/models/alice/tiny"));
        Path model = hub.snapshotModel("hf-hub:alice/tiny@main");
        assertEquals(dir, model);
        GraftException e = assertThrows(GraftException.class, () -> hub.snapshotModel("hf-hub:alice/tiny@"));
        assertTrue(e.getMessage().contains("empty revision"));
    }

    @Test
    void snapshotModelNeedsConfigAndWeights() {
        FakeHfHub.Repo bare = fake.createRepo("model", "alice/bare", false);
        fake.commit(bare, "main", Map.of("README.md", "# hi".getBytes(StandardCharsets.UTF_8)));
        GraftException e = assertThrows(GraftException.class, () -> hub().snapshotModel("hf-hub:alice/bare"));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
        FakeHfHub.Repo old = fake.createRepo("model", "alice/pickled", false);
        fake.commit(old, "main", Map.of("config.json", config, "pytorch_model.bin", new byte[] {'P', 'K', 3, 4}));
        GraftException p = assertThrows(GraftException.class, () -> hub().snapshotModel("hf-hub:alice/pickled"));
        assertTrue(p.getMessage().contains("publishes its weights only as pytorch_model.bin, a PyTorch pickle"), p.getMessage());
        assertTrue(p.fix().contains("'model.safetensors'") && p.fix().contains("local-dir:"), p.fix());
    }

    @Test
    void datasetsUseTheirPrefix() throws Exception {
        FakeHfHub.Repo ds = fake.createRepo("dataset", "alice/digits", false);
        String c = fake.commit(ds, "main", Map.of("train.csv", "1,2\n".getBytes(StandardCharsets.UTF_8)));
        Path p = hub().download(RepoType.DATASET, "alice/digits", "train.csv", null);
        assertEquals(tmp.resolve("cache").resolve("datasets--alice--digits").resolve("snapshots").resolve(c).resolve("train.csv"), p);
        assertTrue(fake.log.contains("HEAD /datasets/alice/digits/resolve/main/train.csv"));
        assertEquals(List.of("train.csv"), hub().info(RepoType.DATASET, "alice/digits", null).files());
    }

    @Test
    void unreachableHubGivesAnActionableError() {
        fake.close();
        Hub hub = hub();
        HubException e = assertThrows(HubException.class, () -> hub.download("alice/tiny", "config.json", "main"));
        assertEquals(0, e.status());
        assertTrue(e.fix().contains("GRAFT_HUB_OFFLINE"), e.oneLine());
    }
}
