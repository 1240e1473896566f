package dev.graft.hub.server.store;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.server.HubError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The blob store on the local file system (the default): {@code objects/<first two hex>/<sha256>}. Uploads stream to a
 * temporary file under {@code tmp/}, are hashed on the way, fsynced and renamed into place only when
 * the size and hash are right, so a killed upload leaves at most a stray temporary file (removed at
 * the next start) and never a wrong object.
 */
public final class FileBlobStore implements BlobStore {
    private final Path objects;
    private final Path tmp;
    private final StoreLock lock;
    private final MappedBlobs mappings = new MappedBlobs();

    public FileBlobStore(Path dataDir) throws IOException {
        this.objects = Files.createDirectories(dataDir.resolve("objects"));
        this.tmp = Files.createDirectories(dataDir.resolve("tmp"));
        this.lock = StoreLock.of(dataDir);
    }

    @Override
    public StoreLock lock() {
        return lock;
    }

    /**
     * Moves a verified temporary file into place, or, when the object is there already, marks it as
     * fresh: garbage collection spares objects younger than its grace period, which covers the time
     * between an upload and the commit that references it.
     */
    private void install(Path verified, Path target) throws IOException {
        try (StoreLock.Held held = lock.shared()) {
            if (!touchIfPresent(target)) {
                AtomicFiles.move(verified, target);
            }
        }
    }

    private boolean touchIfPresent(Path target) throws IOException {
        try (StoreLock.Held held = lock.shared()) {
            Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public void removeLeftovers() throws IOException {
        Spool.clear(tmp);
    }

    @Override
    public Path localFile(String sha256) {
        return path(sha256);
    }

    /** Where the object with this sha256 lives (it may not exist). */
    public Path path(String sha256) {
        if (!Hashes.isSha256(sha256)) {
            throw HubError.badRequest("invalid sha256 '" + RepoId.printable(sha256) + "': expected 64 lower-case hex digits");
        }
        return objects.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    @Override
    public boolean exists(String sha256) {
        return Files.isRegularFile(path(sha256));
    }

    @Override
    public long size(String sha256) {
        try {
            return Files.size(path(sha256));
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public String put(byte[] data) throws IOException {
        String sha = Hashes.sha256(data);
        if (!touchIfPresent(path(sha))) {
            Path t = tmp.resolve(UUID.randomUUID().toString());
            try {
                AtomicFiles.writeNewSynced(t, data);
                install(t, path(sha));
            } finally {
                Files.deleteIfExists(t);
            }
        }
        return sha;
    }

    @Override
    public void put(InputStream in, String expectedSha256, long expectedSize) throws IOException {
        Path target = path(expectedSha256);
        Path t = tmp.resolve(UUID.randomUUID().toString());
        try {
            Spool.verified(in, t, expectedSha256, expectedSize);
            install(t, target);
        } finally {
            Files.deleteIfExists(t);
        }
    }

    @Override
    public Stored putStreamed(ContentWriter writer) throws IOException {
        Path t = tmp.resolve(UUID.randomUUID().toString());
        try {
            Stored stored = Spool.written(writer, t);
            install(t, path(stored.sha256()));
            return stored;
        } finally {
            Files.deleteIfExists(t);
        }
    }

    /**
     * A shared read-only mapping of segment {@code index} (of {@link MappedBlobs#SEGMENT} bytes) of an
     * object, for sending it; close the lease when the bytes are written.
     */
    public MappedBlobs.Lease mapped(String sha256, long index) throws IOException {
        return mappings.lease(sha256, path(sha256), index);
    }

    @Override
    public boolean deleteIfOlder(String sha256, long cutoffMillis) throws IOException {
        try {
            if (Files.getLastModifiedTime(path(sha256)).toMillis() > cutoffMillis) {
                return false;
            }
        } catch (NoSuchFileException e) {
            return false;
        }
        mappings.forget(sha256);
        return Files.deleteIfExists(path(sha256));
    }

    @Override
    public byte[] read(String sha256) throws IOException {
        return Files.readAllBytes(path(sha256));
    }

    @Override
    public InputStream open(String sha256, long offset, long length) throws IOException {
        FileChannel ch = FileChannel.open(path(sha256), StandardOpenOption.READ);
        ch.position(offset);
        return new BoundedInputStream(java.nio.channels.Channels.newInputStream(ch), length);
    }

    @Override
    public List<StoredObject> list() throws IOException {
        List<StoredObject> out = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.walk(objects, 2)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!Hashes.isSha256(p.getFileName().toString())) {
                    continue;
                }
                try {
                    java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
                    out.add(new StoredObject(p.getFileName().toString(), a.size(), a.lastModifiedTime().toMillis()));
                } catch (NoSuchFileException gone) {
                    // deleted meanwhile
                }
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return objects.getParent().toString();
    }
}
