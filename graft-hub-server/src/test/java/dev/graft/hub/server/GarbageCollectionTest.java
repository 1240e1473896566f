package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.store.CommitOp;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.FileRepoStore;
import dev.graft.hub.server.store.Hashes;
import dev.graft.hub.server.store.RepoStore;
import dev.graft.hub.server.store.StoreLock;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Garbage collection of the content-addressed store: what is referenced stays, what is young stays, the rest goes. */
class GarbageCollectionTest {
    @TempDir
    Path dir;

    private static final Duration GRACE = Duration.ofHours(1);

    /** Makes every stored object look two hours old, as if uploaded long ago. */
    private void ageAllObjects() throws IOException {
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - Duration.ofHours(2).toMillis());
        try (Stream<Path> s = Files.walk(dir.resolve("objects"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, old);
            }
        }
    }

    private static CommitOp put(RepoStore store, String path, byte[] content) throws IOException {
        return new CommitOp.Put(new FileEntry(path, content.length, store.blobs().put(content), Hashes.gitBlobSha1(content), false));
    }

    @Test
    void deletesOnlyUnreferencedObjectsOlderThanTheGracePeriod() throws Exception {
        RepoStore store = new FileRepoStore(dir);
        RepoId a = RepoId.of(RepoType.MODEL, "alice/a");
        RepoId b = RepoId.of(RepoType.DATASET, "alice/b");
        store.create(a, false, "alice");
        store.create(b, true, "alice");
        byte[] onlyA = "only in a".getBytes(StandardCharsets.UTF_8);
        byte[] shared = "in a and b".getBytes(StandardCharsets.UTF_8);
        byte[] replaced = "old version in b".getBytes(StandardCharsets.UTF_8);
        byte[] pendingUpload = "uploaded to b, not committed yet".getBytes(StandardCharsets.UTF_8);
        store.commit(a, "main", null, "alice", "a", "", List.of(put(store, "x.bin", onlyA), put(store, "s.bin", shared)));
        store.commit(b, "main", null, "alice", "b1", "", List.of(put(store, "s.bin", shared), put(store, "r.txt", replaced)));
        // Replaced on main, but the old commit stays addressable by its id: its object must stay.
        store.commit(b, "main", null, "alice", "b2", "", List.of(put(store, "r.txt", "new".getBytes(StandardCharsets.UTF_8))));
        String pendingSha = store.blobs().put(pendingUpload);
        store.markLfsObject(b, pendingSha);

        store.delete(a);
        ageAllObjects();
        RepoStore.GcResult r = store.collectGarbage(GRACE);
        assertEquals(1, r.deleted(), r.toString());
        assertEquals(onlyA.length, r.bytesFreed());
        assertFalse(store.blobs().exists(Hashes.sha256(onlyA)));
        for (byte[] kept : List.of(shared, replaced, pendingUpload)) {
            assertTrue(store.blobs().exists(Hashes.sha256(kept)));
        }
        assertEquals("in a and b", new String(store.blobs().read(Hashes.sha256(shared)), StandardCharsets.UTF_8));
        // A second run finds nothing more.
        assertEquals(0, store.collectGarbage(GRACE).deleted());
    }

    @Test
    void youngObjectsAndReuploadedObjectsAreSpared() throws Exception {
        RepoStore store = new FileRepoStore(dir);
        byte[] orphan = "uploaded, commit still on its way".getBytes(StandardCharsets.UTF_8);
        String sha = store.blobs().put(orphan);
        RepoStore.GcResult r = store.collectGarbage(GRACE);
        assertEquals(1, r.spared(), r.toString());
        assertTrue(store.blobs().exists(sha), "an object younger than the grace period stays");

        // An old unreferenced object that someone uploads again is young again: the coming commit finds it.
        ageAllObjects();
        store.blobs().put(orphan);
        assertEquals(0, store.collectGarbage(GRACE).deleted());
        assertTrue(store.blobs().exists(sha));

        ageAllObjects();
        assertEquals(1, store.collectGarbage(GRACE).deleted());
        assertFalse(store.blobs().exists(sha));
    }

    @Test
    void aCommitWaitsWhileGarbageIsCollected() throws Exception {
        RepoStore store = new FileRepoStore(dir);
        RepoId id = RepoId.of(RepoType.MODEL, "alice/c");
        store.create(id, false, "alice");
        byte[] content = "referenced by the waiting commit".getBytes(StandardCharsets.UTF_8);
        CommitOp op = put(store, "f.txt", content);
        ageAllObjects();
        CompletableFuture<?> commit;
        try (StoreLock.Held exclusive = StoreLock.of(dir).exclusive()) {
            commit = CompletableFuture.runAsync(() -> {
                try {
                    store.commit(id, "main", null, "alice", "late", "", List.of(op));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // The commit cannot pass the store lock while a collection holds it.
            Thread.sleep(200);
            assertFalse(commit.isDone());
        }
        commit.get();
        assertEquals(0, store.collectGarbage(GRACE).deleted(), "the committed object is referenced now");
        assertArrayEquals(content, store.blobs().read(Hashes.sha256(content)));
    }

    @Test
    void deletingARepositoryThroughTheApiCollectsItsObjects() throws Exception {
        try (TestHub hub = TestHub.start(dir)) {
            String token = hub.token("alice", true);
            hub.createRepo(token, "alice/gone", "model", false);
            byte[] weights = new byte[200_000];
            new Random(3).nextBytes(weights);
            String sha = hub.uploadLfs(token, "alice/gone", weights);
            HttpResponse<byte[]> c = hub.commit(token, "models/alice/gone", "main", TestHub.header("w", null),
                    TestHub.lfsFile("model.safetensors", sha, weights.length));
            assertEquals(200, c.statusCode(), text(c));
            Path blob = dir.resolve("objects").resolve(sha.substring(0, 2)).resolve(sha);
            assertTrue(Files.exists(blob));
            ageAllObjects();
            HttpResponse<byte[]> delete = hub.postJson("/api/repos/delete", token, Map.of("type", "model", "name", "alice/gone"));
            assertEquals(200, delete.statusCode(), text(delete));
            RepoStore.GcResult r = hub.server.hub().latestGarbageCollection().get();
            assertTrue(r.deleted() >= 1, r.toString());
            assertFalse(Files.exists(blob), "the deleted repository's weights left the store");
        }
    }
}
