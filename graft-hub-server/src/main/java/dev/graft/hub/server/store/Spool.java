package dev.graft.hub.server.store;

import dev.graft.hub.server.HubError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** Incoming content written to a local temporary file and hashed on the way, before a store makes it an object. */
final class Spool {
    private Spool() {}

    /**
     * Copies an upload to {@code file} (created new, fsynced), checking it has exactly {@code expectedSize}
     * bytes with sha256 {@code expectedSha256}; a 400 explains a mismatch.
     */
    static void verified(InputStream in, Path file, String expectedSha256, long expectedSize) throws IOException {
        MessageDigest sha = Hashes.digest("SHA-256");
        long total = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
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
    }

    /** Writes what {@code writer} produces to {@code file} (created new, fsynced); its sha256, size and git id. */
    static BlobStore.Stored written(BlobStore.ContentWriter writer, Path file) throws IOException {
        MessageDigest sha = Hashes.digest("SHA-256");
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                java.io.OutputStream out0 = java.nio.channels.Channels.newOutputStream(ch);
                java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out0, 1 << 16);
                java.security.DigestOutputStream out = new java.security.DigestOutputStream(buffered, sha)) {
            writer.writeTo(out);
            out.flush();
            size = ch.size();
            ch.force(true);
        }
        // The git id hashes a header with the size before the bytes, so it takes a second (page-cached) read.
        MessageDigest sha1 = Hashes.digest("SHA-1");
        sha1.update(("blob " + size + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha1.update(buf, 0, n);
            }
        }
        return new BlobStore.Stored(Hashes.hex(sha.digest()), size, Hashes.hex(sha1.digest()));
    }

    /** Deletes what a cut-off upload left in the temporary folder {@code tmp}. */
    static void clear(Path tmp) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
