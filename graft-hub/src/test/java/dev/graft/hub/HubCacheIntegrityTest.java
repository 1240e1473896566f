package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A damaged cache is never used silently: overwritten bytes, truncation and junk are caught by the
 * hash of each blob against its ETag, on pull (always) and on first use (when the file changed);
 * online they are downloaded again, offline they are an error that names the file and says to
 * pull again, and pulling again repairs them. Also the {@link CacheScan} verbs and the client's
 * answers to a refused token, a cut upload and links out of a pushed folder.
 */
class HubCacheIntegrityTest extends TinyRepoFixture {
    HubCacheIntegrityTest() {
        super(100_000, 3);
    }

    Hub hub(boolean offline) {
        return new Hub(new HubConfig(fake.endpoint, null, offline, tmp.resolve("cache")));
    }

    Path blob(String file) throws Exception {
        return hub(true).cache().snapshotFile(RepoType.MODEL, "alice/tiny", commit, file).toRealPath();
    }

    /** Overwrites 8 bytes in place, keeping the size and the modification time (the hardest case). */
    static void overwrite8(Path file, long at) throws Exception {
        FileTime mtime = Files.getLastModifiedTime(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            f.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
        Files.setLastModifiedTime(file, mtime);
    }

    @Test
    void pullRehashesAndRepairsOverwrittenBytesOnline() throws Exception {
        Path dir = hub(false).pull(RepoType.MODEL, "alice/tiny", null, List.of());
        overwrite8(blob("model.safetensors"), 5000);
        Path again = hub(false).pull(RepoType.MODEL, "alice/tiny", null, List.of());
        assertEquals(dir, again);
        assertArrayEquals(weights, Files.readAllBytes(again.resolve("model.safetensors")));
        assertTrue(new CacheScan(hub(true).cache()).verify(null).isEmpty());
    }

    @Test
    void offlinePullOfADamagedFileFailsNamingItAndPullAgainRepairsIt() throws Exception {
        hub(false).pull(RepoType.MODEL, "alice/tiny", null, List.of());
        Files.writeString(blob("config.json"), "{ junk", StandardCharsets.UTF_8);
        GraftException e = assertThrows(GraftException.class, () -> hub(true).pull(RepoType.MODEL, "alice/tiny", null, List.of()));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("damaged"), e.getMessage());
        assertTrue(e.fix().contains("pull again") && e.fix().contains("graft hub pull alice/tiny"), e.fix());
        // the damaged copy is gone, so the advice works: pulling again online fetches it afresh
        Path dir = hub(false).pull(RepoType.MODEL, "alice/tiny", null, List.of());
        assertArrayEquals(config, Files.readAllBytes(dir.resolve("config.json")));
        assertEquals(dir, hub(true).pull(RepoType.MODEL, "alice/tiny", null, List.of()));
    }

    @Test
    void truncatedBlobIsCaughtOnFirstUseEvenWithoutPull() throws Exception {
        hub(false).download("alice/tiny", "model.safetensors", "main");
        Path b = blob("model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(b.toFile(), "rw")) {
            f.setLength(weights.length / 2);
        }
        // offline, by commit: the use that would feed a training run
        GraftException e = assertThrows(GraftException.class, () -> hub(true).download(RepoType.MODEL, "alice/tiny", "model.safetensors", commit));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("damaged"), e.getMessage());
        // online the same use downloads it again
        Path p = hub(false).download(RepoType.MODEL, "alice/tiny", "model.safetensors", commit);
        assertArrayEquals(weights, Files.readAllBytes(p));
    }

    @Test
    void aDeletedBlobIsReportedMissingNotDamaged() throws Exception {
        hub(false).pull(RepoType.MODEL, "alice/tiny", null, List.of());
        Files.delete(blob("config.json"));
        GraftException e = assertThrows(GraftException.class, () -> hub(true).download("alice/tiny", "config.json", "main"));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertFalse(e.getMessage().contains("damaged"), e.getMessage());
        assertTrue(e.fix().contains("pull again"), e.fix());
        List<CacheScan.Problem> problems = new CacheScan(hub(true).cache()).verify(null);
        assertEquals(1, problems.size());
        assertEquals(HubCache.BlobState.MISSING, problems.get(0).check().state());
        assertArrayEquals(config, Files.readAllBytes(hub(false).download("alice/tiny", "config.json", "main")));
    }

    @Test
    void firstUseHashesOnlyWhenTheBlobChanged() throws Exception {
        Path p = hub(false).download("alice/tiny", "model.safetensors", "main");
        HubCache cache = hub(true).cache();
        Path b = p.toRealPath();
        assertTrue(Files.isRegularFile(cache.verifiedMarker(b)), "a fresh download is recorded as checked");
        assertEquals(HubCache.BlobState.OK, cache.checkBlob(b, false).state());
        assertEquals(null, cache.checkBlob(b, false).actual(), "unchanged: not read again");
        overwrite8(b, 10);
        Files.setLastModifiedTime(b, FileTime.fromMillis(Files.getLastModifiedTime(b).toMillis() + 5000));
        HubCache.BlobCheck c = cache.checkBlob(b, false);
        assertEquals(HubCache.BlobState.DAMAGED, c.state());
        assertNotEquals(c.expected(), c.actual());
        assertTrue(c.describe().contains("sha256"), c.describe());
    }

    @Test
    void scanVerifyPruneAndRemove() throws Exception {
        hub(false).pull(RepoType.MODEL, "alice/tiny", null, List.of());
        Map<String, byte[]> next = new LinkedHashMap<>();
        next.put("config.json", "{\"architecture\":\"resnet18\",\"num_classes\":3}".getBytes(StandardCharsets.UTF_8));
        next.put("model.safetensors", weights);
        String second = fake.commit(repo, "main", next);
        hub(false).pull(RepoType.MODEL, "alice/tiny", null, List.of());
        CacheScan scan = new CacheScan(hub(true).cache());
        List<CacheScan.Repo> repos = scan.scan();
        assertEquals(1, repos.size());
        CacheScan.Repo r = repos.get(0);
        assertEquals("alice/tiny", r.id());
        assertEquals(2, r.revisions().size());
        assertEquals(3, r.blobs(), "two configs, one shared weights blob");
        assertEquals(weights.length + config.length + next.get("config.json").length, r.sizeOnDisk());
        CacheScan.Revision main = r.revisions().stream().filter(v -> v.refs().contains("main")).findFirst().orElseThrow();
        assertEquals(second, main.commit());

        overwrite8(blob("model.safetensors"), 0);
        List<CacheScan.Problem> bad = scan.verify(null);
        assertEquals(2, bad.size(), "the shared blob is damaged in both revisions");
        assertTrue(bad.get(0).describe().contains("model.safetensors") && bad.get(0).describe().contains("pull again"), bad.get(0).describe());

        CacheScan.Removal dry = scan.prune(true);
        assertEquals(1, dry.revisions().size());
        assertTrue(Files.isDirectory(dry.revisions().get(0)), "a dry run deletes nothing");
        CacheScan.Removal pruned = scan.prune(false);
        assertEquals(commit, pruned.revisions().get(0).getFileName().toString());
        assertEquals(1, pruned.blobs().size(), "the old config only");
        assertEquals(config.length, pruned.bytes());
        assertEquals(1, scan.scan().get(0).revisions().size());

        CacheScan.Removal rev = scan.remove(RepoType.MODEL, "alice/tiny", "main", false);
        assertEquals(2, rev.blobs().size());
        assertFalse(Files.exists(r.dir().resolve("refs").resolve("main")));
        assertTrue(scan.scan().get(0).revisions().isEmpty());
        scan.remove(RepoType.MODEL, "alice/tiny", null, false);
        assertTrue(scan.scan().isEmpty());
        GraftException e = assertThrows(GraftException.class, () -> scan.remove(RepoType.MODEL, "alice/tiny", null, false));
        assertTrue(e.getMessage().contains("not in the cache"), e.getMessage());
    }

    @Test
    void aRefusedTokenIsNotReportedAsAMissingRepository() {
        fake.refuseUnknownTokens = true;
        Hub bad = new Hub(new HubConfig(fake.endpoint, "hf_revoked", false, tmp.resolve("cache")));
        HubException e = assertThrows(HubException.class, () -> bad.download("alice/tiny", "config.json", "main"));
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("refused the token"), e.getMessage());
        assertFalse(e.getMessage().contains("not found"), e.getMessage());
        // without a token the public repository reads fine
        assertTrue(Files.exists(hub(false).download("alice/tiny", "config.json", "main")));
    }

    @Test
    void aCutUploadDoesNotClaimToResumeAndARerunSkipsTheFilesThatArrived() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("export"));
        Files.write(dir.resolve("a.safetensors"), weights);
        Files.write(dir.resolve("b.safetensors"), java.util.Arrays.copyOf(weights, 50_000));
        Files.writeString(dir.resolve("config.json"), "{}");
        Hub writer = new Hub(new HubConfig(fake.endpoint, FakeHfHub.TOKEN, false, tmp.resolve("cache"))).withRetries(0);
        fake.lfsUploadsBeforeCut.set(1);
        HubException e = assertThrows(HubException.class, () -> writer.uploadFolder(RepoType.MODEL, "alice/tiny", dir, "main", "v2"));
        assertFalse(e.fix().contains("resumes"), e.fix());
        assertTrue(e.fix().contains("run the upload again"), e.fix());
        assertTrue(fake.commitBodies.isEmpty(), "nothing is committed before every file is up");
        fake.lfsUploadsBeforeCut.set(-1);
        fake.log.clear();
        writer.uploadFolder(RepoType.MODEL, "alice/tiny", dir, "main", "v2");
        assertEquals(1, fake.commitBodies.size());
        assertEquals(1, fake.log.stream().filter(l -> l.startsWith("PUT /lfs-upload/")).count(), "the file that arrived is not sent again");
    }

    @Test
    void pushRefusesLinksOutOfTheFolderUnlessAskedToFollowThem() throws Exception {
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "not for the hub");
        Path dir = Files.createDirectories(tmp.resolve("export"));
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.createSymbolicLink(dir.resolve("notes.txt"), outside);
        Files.createSymbolicLink(dir.resolve("same.json"), dir.resolve("config.json"));
        GraftException e = assertThrows(GraftException.class, () -> FolderUpload.operations(dir, false));
        assertTrue(e.getMessage().contains("notes.txt") && !e.getMessage().contains("same.json"), e.getMessage());
        assertTrue(e.fix().contains("--follow-symlinks"), e.fix());
        Hub writer = new Hub(new HubConfig(fake.endpoint, FakeHfHub.TOKEN, false, tmp.resolve("cache")));
        assertThrows(GraftException.class, () -> writer.push(RepoType.MODEL, "alice/new", dir, null, "m", false));
        assertFalse(fake.repos.containsKey("model:alice/new"), "refused before the repository is created");
        List<String> paths = FolderUpload.operations(dir, true).stream().map(CommitOperation::pathInRepo).toList();
        assertEquals(List.of("config.json", "notes.txt", "same.json"), paths);
        CommitInfo c = writer.push(RepoType.MODEL, "alice/new", dir, null, "m", false, true);
        assertEquals(3, c.uploadedFiles());
    }
}
