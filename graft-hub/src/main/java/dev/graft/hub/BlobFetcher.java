package dev.graft.hub;

import dev.graft.GraftException;
import dev.graft.progress.Output;
import dev.graft.progress.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Brings the bytes of one file into its blob in the cache: appends to {@code <blob>.incomplete},
 * resuming with {@code Range}, checks the size and the ETag (sha256 for LFS files, git blob sha1 for
 * regular ones), forces the bytes to disk and only then gives the blob its name, so that after a
 * crash a blob is whole or absent. A cut connection or a 5xx answer is retried after a short pause.
 */
final class BlobFetcher {
    private final HubHttp http;
    private final int retries;

    BlobFetcher(HubHttp http, int retries) {
        this.http = http;
        this.retries = retries;
    }

    /** Fetches {@code meta}'s bytes into {@code blob}, counting them on {@code shared} (or a bar of its own when null). */
    void fetch(FileMetadata meta, Path blob, String file, Progress shared) {
        Progress own = shared == null ? Progress.start("download " + file, meta.size(), "B") : null;
        FileProgress progress = new FileProgress(shared != null ? shared : own);
        try {
            for (int attempt = 0; !Files.exists(blob); attempt++) {
                try {
                    fetchBlob(meta, blob, file, progress);
                } catch (HubException e) {
                    // a 429 was already retried after the advertised waits (HubHttp.send)
                    boolean transientFailure = e.status() == 0 || e.status() >= 500;
                    if (!transientFailure || attempt >= retries) {
                        throw e;
                    }
                    Output.warn(e.getMessage() + "; retrying (" + (attempt + 1) + " of " + retries + ")");
                    HubHttp.pause(500L << attempt, "a retry of the download");
                }
            }
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    /** The bytes of one file on a (possibly shared) progress bar, so retries do not count twice. */
    private static final class FileProgress {
        private final Progress progress;
        private long counted;

        FileProgress(Progress progress) {
            this.progress = progress;
        }

        void set(long bytes) {
            progress.step(bytes - counted);
            counted = bytes;
        }

        void add(long n) {
            progress.step(n);
            counted += n;
        }
    }

    private void fetchBlob(FileMetadata meta, Path blob, String file, FileProgress progress) {
        Path incomplete = blob.resolveSibling(blob.getFileName() + ".incomplete");
        try {
            Files.createDirectories(blob.getParent());
            long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
            if (have > meta.size()) {
                Files.delete(incomplete);
                have = 0;
            }
            MessageDigest digest = newDigest(meta);
            if (have > 0 && digest != null) {
                HubCache.feed(digest, incomplete);
            }
            progress.set(have);
            if (have < meta.size() || meta.size() == 0) {
                digest = transfer(meta, incomplete, have, digest, progress);
            }
            long got = Files.size(incomplete);
            if (got != meta.size()) {
                if (got > meta.size()) {
                    Files.deleteIfExists(incomplete);
                }
                throw new HubException("download of " + file + " ended at " + got + " of " + meta.size() + " bytes",
                        "run again to resume", 0, null);
            }
            if (digest != null) {
                String actual = HexFormat.of().formatHex(digest.digest());
                if (!actual.equals(meta.etag())) {
                    Files.deleteIfExists(incomplete);
                    throw new GraftException("checksum mismatch for " + file + ": expected "
                            + (meta.isSha256() ? "sha256 " : "git sha1 ") + meta.etag() + ", got " + actual,
                            "the copy was deleted; run again, and report it if it repeats");
                }
            }
            // On disk before it gets its final name: after a crash a blob is whole or absent.
            try (FileChannel ch = FileChannel.open(incomplete, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
            Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw HubCache.cacheError(blob, e);
        }
    }

    /** GET with {@code Range} when part of the file is here; appends to {@code incomplete}. */
    private MessageDigest transfer(FileMetadata meta, Path incomplete, long have, MessageDigest digest,
                                   FileProgress progress) throws IOException {
        // the token goes with the request only while it stays on the endpoint's origin (HubHttp.send drops it elsewhere)
        HttpResponse<InputStream> resp = http.sendFollowingRedirects(
                http.byteRequest(meta.downloadUrl(), have > 0 ? "bytes=" + have + "-" : null), HttpResponse.BodyHandlers.ofInputStream());
        int code = resp.statusCode();
        boolean append;
        if (code == 206 && have > 0) {
            long start = HubHttp.contentRangeStart(resp);
            if (start != have) {
                resp.body().close();
                return restart(meta, incomplete, progress);
            }
            append = true;
        } else if (code == 416 && have > 0) {
            resp.body().close();
            if (have == meta.size()) {
                return digest;
            }
            return restart(meta, incomplete, progress);
        } else if (code == 200) {
            append = false;
            if (have > 0) {
                // The server ignored Range: start over.
                digest = newDigest(meta);
                progress.set(0);
            }
        } else {
            try (InputStream in = resp.body()) {
                throw http.streamError(resp, in);
            }
        }
        long written = 0;
        try (InputStream in = resp.body();
             FileChannel out = FileChannel.open(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                if (digest != null) {
                    digest.update(buf, 0, n);
                }
                written += n;
                progress.add(n);
            }
        } catch (IOException e) {
            throw new HubException("download interrupted after " + (have + written) + " of " + meta.size()
                    + " bytes (" + e.getMessage() + ")", "run again: it resumes where it stopped", 0, null);
        }
        return digest;
    }

    /** The partial file does not fit what the server sends: drops it and downloads the whole file. */
    private MessageDigest restart(FileMetadata meta, Path incomplete, FileProgress progress) throws IOException {
        Files.deleteIfExists(incomplete);
        progress.set(0);
        return transfer(meta, incomplete, 0, newDigest(meta), progress);
    }

    /** The digest to check the bytes against {@code meta}'s ETag, or null for an ETag that is no hash Graft knows. */
    private static MessageDigest newDigest(FileMetadata meta) {
        return meta.isSha256() || meta.isGitSha1() ? HubCache.etagDigest(meta.isSha256(), meta.size()) : null;
    }
}
