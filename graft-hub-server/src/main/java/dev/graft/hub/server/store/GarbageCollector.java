package dev.graft.hub.server.store;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

/** Mark and sweep over a {@link RepoStore}'s shared objects: what no commit or pending LFS upload references goes. */
final class GarbageCollector {
    private GarbageCollector() {}

    /** See {@link RepoStore#collectGarbage(Duration)}. */
    static RepoStore.GcResult collect(RepoStore store, Duration grace) throws IOException {
        BlobStore blobs = store.blobs();
        try (StoreLock.Held exclusive = blobs.lock().exclusive()) {
            Set<String> live = store.referencedObjects();
            long youngest = System.currentTimeMillis() - grace.toMillis();
            int kept = 0;
            int spared = 0;
            int deleted = 0;
            long freed = 0;
            for (BlobStore.StoredObject o : blobs.list()) {
                if (live.contains(o.sha256())) {
                    kept++;
                } else if (o.lastModified() > youngest) {
                    spared++;
                } else if (blobs.deleteIfOlder(o.sha256(), youngest)) {
                    deleted++;
                    freed += o.size();
                }
            }
            return new RepoStore.GcResult(kept, spared, deleted, freed);
        }
    }
}
