package dev.graft.hub.server.store;

import java.io.IOException;
import java.nio.file.Path;
import java.io.InputStream;
import java.util.List;

/**
 * Content-addressed file contents, keyed by sha256: on the local file system ({@link FileBlobStore}, the
 * default) or in an S3 bucket ({@link S3BlobStore}, which several servers share). An object becomes
 * visible only once its size and hash are verified, so a cut-off upload never leaves a wrong object.
 *
 * <pre>{@code
 * BlobStore blobs = BlobStore.open("s3://models/hub", dataDir);   // or null: dataDir/objects
 * String sha = blobs.put("hello".getBytes(StandardCharsets.UTF_8));
 * }</pre>
 */
public interface BlobStore extends AutoCloseable {
    /**
     * Opens the store a {@code --blob-store} value names: {@code null} or empty for the file system under
     * {@code dataDir}, {@code s3://bucket[/prefix]} for S3 (see {@link S3BlobStore#open}). Checks at once
     * that the store is reachable and usable, so a wrong setting fails at start-up.
     */
    static BlobStore open(String spec, java.nio.file.Path dataDir) throws IOException {
        if (spec == null || spec.isBlank()) {
            return new FileBlobStore(dataDir);
        }
        if (spec.startsWith("s3://")) {
            return S3BlobStore.open(spec, dataDir, S3BlobStore.Settings.fromEnvironment());
        }
        throw new dev.graft.hub.server.HubServerException("unsupported blob store '" + spec + "'",
                "leave --blob-store out for the data folder, or use s3://bucket[/prefix]");
    }

    /**
     * The lock that garbage collection takes exclusive; hold it shared while making an object live. It
     * covers this machine (threads and processes on one data folder); servers on other machines rely on
     * the garbage collector's grace period.
     */
    StoreLock lock();

    /** Deletes temporary files left by uploads that were cut off (call at start, before serving). */
    void removeLeftovers() throws IOException;

    /** Whether the object with this sha256 is stored. */
    boolean exists(String sha256);

    /** Size of a stored object, or -1 when absent. */
    long size(String sha256);

    /** Stores bytes; returns their sha256. */
    String put(byte[] data) throws IOException;

    /**
     * Streams an upload into the store, checking it has exactly {@code expectedSize} bytes with sha256
     * {@code expectedSha256}; otherwise nothing is stored and a 400 explains the mismatch.
     */
    void put(InputStream in, String expectedSha256, long expectedSize) throws IOException;

    /**
     * Stores content produced piece by piece (a file decoded from a commit body as it arrives), without
     * holding it in memory. If {@code writer} fails nothing is stored.
     */
    Stored putStreamed(ContentWriter writer) throws IOException;

    /** Reads a whole (small) object. */
    byte[] read(String sha256) throws IOException;

    /**
     * A local file holding the object, for readers that need a path (the data set viewer's DuckDB):
     * the object itself on the file system, a copy downloaded once (content-addressed) elsewhere.
     */
    Path localFile(String sha256) throws IOException;

    /** {@code length} bytes of an object from {@code offset}, streamed. */
    InputStream open(String sha256, long offset, long length) throws IOException;

    /**
     * Deletes an object unless it was stored (or stored again) after {@code cutoffMillis}: garbage
     * collection, under the exclusive store lock. True if it was deleted.
     */
    boolean deleteIfOlder(String sha256, long cutoffMillis) throws IOException;

    /** Every stored object, for garbage collection. */
    List<StoredObject> list() throws IOException;

    /**
     * A URL that serves the object without credentials for a while (S3's presigned URL), or {@code null}
     * where the store has none and the server sends the bytes itself.
     */
    default java.net.URI presignedUrl(String sha256, String fileName) {
        return null;
    }

    /** Releases the connections of the store (a no-op on the file system). */
    @Override
    default void close() {}

    /** Where the store is, for messages ({@code s3://bucket/prefix} or a folder). */
    String describe();

    /** Writes content to a stream (a decoder that produces it piece by piece). */
    @FunctionalInterface
    interface ContentWriter {
        void writeTo(java.io.OutputStream out) throws IOException;
    }

    /**
     * What {@link #putStreamed} stored.
     *
     * @param sha256 where the bytes are
     * @param size their length
     * @param gitOid the git blob sha1 of the bytes (as the Hub reports a regular file)
     */
    record Stored(String sha256, long size, String gitOid) {}

    /**
     * One object as a listing sees it.
     *
     * @param sha256 its name
     * @param size its length
     * @param lastModified epoch milliseconds it was stored (or last stored again)
     */
    record StoredObject(String sha256, long size, long lastModified) {}
}
