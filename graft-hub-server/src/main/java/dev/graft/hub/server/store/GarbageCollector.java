package dev.graft.hub.server.store;

import dev.graft.hub.protocol.RepoId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Mark and sweep over a {@link RepoStore}'s shared objects: what no commit or pending LFS upload references goes. */
final class GarbageCollector {
    private final RepoStore store;

    GarbageCollector(RepoStore store) {
        this.store = store;
    }

    /** See {@link RepoStore#collectGarbage(Duration)}. */
    RepoStore.GcResult collect(Duration grace) throws IOException {
        try (StoreLock.Held exclusive = store.blobs().lock().exclusive()) {
            Set<String> live = new HashSet<>();
            for (RepoId id : store.list()) {
                Path commits = store.dir(id).resolve("commits");
                if (Files.isDirectory(commits)) {
                    try (Stream<Path> s = Files.list(commits)) {
                        for (Path p : (Iterable<Path>) s::iterator) {
                            String name = p.getFileName().toString();
                            if (name.startsWith(".tmp-") || !name.endsWith(".json")) {
                                continue;
                            }
                            Commit c;
                            try {
                                c = RepoStore.JSON.readValue(p.toFile(), Commit.class);
                            } catch (IOException e) {
                                throw new IOException("cannot read commit " + p + " (" + e.getMessage()
                                        + "); garbage collection stopped and deleted nothing", e);
                            }
                            for (FileEntry f : c.files()) {
                                live.add(f.sha256());
                            }
                        }
                    }
                }
                Path lfs = store.dir(id).resolve("lfs");
                if (Files.isDirectory(lfs)) {
                    try (Stream<Path> s = Files.list(lfs)) {
                        s.map(p -> p.getFileName().toString()).filter(Hashes::isSha256).forEach(live::add);
                    }
                }
            }
            long youngest = System.currentTimeMillis() - grace.toMillis();
            int kept = 0;
            int spared = 0;
            int deleted = 0;
            long freed = 0;
            List<Path> objects;
            try (Stream<Path> s = Files.walk(store.blobs().objectsDir(), 2)) {
                objects = s.filter(p -> Hashes.isSha256(p.getFileName().toString())).toList();
            }
            for (Path p : objects) {
                if (live.contains(p.getFileName().toString())) {
                    kept++;
                    continue;
                }
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (attrs.lastModifiedTime().toMillis() > youngest) {
                    spared++;
                } else if (store.blobs().delete(p.getFileName().toString())) {
                    deleted++;
                    freed += attrs.size();
                }
            }
            return new RepoStore.GcResult(kept, spared, deleted, freed);
        }
    }
}
