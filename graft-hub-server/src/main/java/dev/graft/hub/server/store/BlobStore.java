package dev.graft.hub.server.store;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.server.HubError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Content-addressed file contents: {@code objects/<first two hex>/<sha256>}. Uploads stream to a
 * temporary file under {@code tmp/}, are hashed on the way, fsynced and renamed into place only when
 * the size and hash are right, so a killed upload leaves at most a stray temporary file (removed at
 * the next start) and never a wrong object.
 */
public final class BlobStore {
    private final Path objects;
    private final Path tmp;
    private final StoreLock lock;
    private final MappedBlobs mappings = new MappedBlobs();

    public BlobStore(Path dataDir) throws IOException {
        this.objects = Files.createDirectories(dataDir.resolve("objects"));
        this.tmp = Files.createDirectories(dataDir.resolve("tmp"));
        this.lock = StoreLock.of(dataDir);
    }

    /** The lock that garbage collection takes exclusive; hold it shared while making an object live. */
    public StoreLock lock() {
        return lock;
    }

    /** The folder of all objects ({@code objects/<first two hex>/<sha256>}). */
    Path objectsDir() {
        return objects;
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

    /** Deletes temporary files left by uploads that were cut off (call at start, before serving). */
    public void removeLeftovers() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Where the object with this sha256 lives (it may not exist). */
    public Path path(String sha256) {
        if (!Hashes.isSha256(sha256)) {
            throw HubError.badRequest("invalid sha256 '" + RepoId.printable(sha256) + "': expected 64 lower-case hex digits");
        }
        return objects.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    public boolean exists(String sha256) {
        return Files.isRegularFile(path(sha256));
    }

    /** Size of a stored object, or -1 when absent. */
    public long size(String sha256) {
        try {
            return Files.size(path(sha256));
        } catch (IOException e) {
            return -1;
        }
    }

    /** Stores bytes; returns their sha256. */
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

    /**
     * Streams an upload into the store, checking it has exactly {@code expectedSize} bytes with sha256
     * {@code expectedSha256}; otherwise nothing is stored and a 400 explains the mismatch.
     */
    public void put(InputStream in, String expectedSha256, long expectedSize) throws IOException {
        Path target = path(expectedSha256);
        Path t = tmp.resolve(UUID.randomUUID().toString());
        MessageDigest sha = Hashes.digest("SHA-256");
        long total = 0;
        try {
            try (FileChannel ch = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[1 << 20];
                int n;
                while ((n = in.read(buf)) > 0) {
                    total += n;
                    if (total > expectedSize) {
                        throw HubError.badRequest("upload of " + expectedSha256 + " is larger than the announced "
                                + expectedSize + " bytes");
                    }
                    sha.update(buf, 0, n);
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
                if (total != expectedSize) {
                    throw HubError.badRequest("upload of " + expectedSha256 + " is truncated: got " + total
                            + " of " + expectedSize + " bytes; upload it again");
                }
                String got = Hashes.hex(sha.digest());
                if (!got.equals(expectedSha256)) {
                    throw HubError.badRequest("upload content has sha256 " + got + ", not the announced "
                            + expectedSha256 + "; upload it again");
                }
                ch.force(true);
            }
            install(t, target);
        } finally {
            Files.deleteIfExists(t);
        }
    }

    /** Writes content to a stream (a decoder that produces it piece by piece). */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(java.io.OutputStream out) throws IOException;
    }

    /**
     * What {@link #putStreamed} stored.
     *
     * @param sha256 where the bytes are
     * @param size their length
     * @param gitOid the git blob sha1 of the bytes (as the Hub reports a regular file)
     */
    public record Stored(String sha256, long size, String gitOid) {}

    /**
     * Stores content produced piece by piece (a file decoded from a commit body as it arrives), without
     * holding it in memory: streamed to a temporary file and hashed on the way, then moved into place.
     * If {@code writer} fails nothing is stored.
     */
    public Stored putStreamed(ContentWriter writer) throws IOException {
        Path t = tmp.resolve(UUID.randomUUID().toString());
        try {
            MessageDigest sha = Hashes.digest("SHA-256");
            long size;
            try (FileChannel ch = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    java.io.OutputStream file = java.nio.channels.Channels.newOutputStream(ch);
                    java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(file, 1 << 16);
                    java.security.DigestOutputStream out = new java.security.DigestOutputStream(buffered, sha)) {
                writer.writeTo(out);
                out.flush();
                size = ch.size();
                ch.force(true);
            }
            // The git id hashes a header with the size before the bytes, so it takes a second (page-cached) read.
            MessageDigest sha1 = Hashes.digest("SHA-1");
            sha1.update(("blob " + size + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            try (InputStream in = Files.newInputStream(t)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    sha1.update(buf, 0, n);
                }
            }
            String sha256 = Hashes.hex(sha.digest());
            install(t, path(sha256));
            return new Stored(sha256, size, Hashes.hex(sha1.digest()));
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

    /** Deletes an object (garbage collection, under the exclusive store lock); true if it was there. */
    boolean delete(String sha256) throws IOException {
        mappings.forget(sha256);
        return Files.deleteIfExists(path(sha256));
    }

    /** Reads a whole (small) object. */
    public byte[] read(String sha256) throws IOException {
        return Files.readAllBytes(path(sha256));
    }
}
