package dev.graft.hub;

import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The download cache, in the Hugging Face layout so other tools can share it:
 * <pre>
 * cache/
 *   models--owner--name/
 *     blobs/&lt;etag&gt;                  file contents, named by ETag (sha256 for LFS files, git sha1 otherwise)
 *     blobs/&lt;etag&gt;.incomplete       a download in progress, resumed with Range
 *     refs/&lt;revision&gt;               the commit a branch or tag pointed to when last resolved
 *     snapshots/&lt;commit&gt;/&lt;path&gt;    symlink into blobs (a copy where the file system has no links)
 *     .no_exist/&lt;commit&gt;/&lt;path&gt;    marker: the file does not exist at that commit
 *   .locks/models--owner--name/&lt;etag&gt;.lock   one lock per blob, shared by threads and processes
 * </pre>
 */
public final class HubCache {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path root;

    public HubCache(Path root) {
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    /** {@code root/models--owner--name}. */
    public Path repoDir(RepoType type, String repo) {
        return root.resolve(RepoPaths.cacheFolderName(type, repo));
    }

    public Path blobPath(RepoType type, String repo, String etag) {
        return repoDir(type, repo).resolve("blobs").resolve(checkEtag(etag));
    }

    public Path snapshotDir(RepoType type, String repo, String commit) {
        return repoDir(type, repo).resolve("snapshots").resolve(commit);
    }

    public Path snapshotFile(RepoType type, String repo, String commit, String path) {
        return snapshotDir(type, repo, commit).resolve(path);
    }

    Path noExistMarker(RepoType type, String repo, String commit, String path) {
        return repoDir(type, repo).resolve(".no_exist").resolve(commit).resolve(path);
    }

    Path refFile(RepoType type, String repo, String revision) {
        // refs/pr/1 lands in refs/refs/pr/1, as in huggingface_hub.
        return repoDir(type, repo).resolve("refs").resolve(revision);
    }

    /** The commit a revision resolves to in the cache: itself for a sha, else what refs/ recorded. */
    public Optional<String> resolveCached(RepoType type, String repo, String revision) {
        if (RepoPaths.isCommitSha(revision)) {
            return Optional.of(revision);
        }
        Path ref = refFile(type, repo, revision);
        try {
            if (Files.isRegularFile(ref)) {
                String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
                return RepoPaths.isCommitSha(commit) ? Optional.of(commit) : Optional.empty();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.empty();
    }

    /** Records that {@code revision} points to {@code commit} (atomically; nothing for a sha). */
    public void writeRef(RepoType type, String repo, String revision, String commit) {
        if (revision.equals(commit) || RepoPaths.isCommitSha(revision)) {
            return;
        }
        Path ref = refFile(type, repo, revision);
        try {
            if (Files.isRegularFile(ref) && Files.readString(ref, StandardCharsets.UTF_8).trim().equals(commit)) {
                return;
            }
            Files.createDirectories(ref.getParent());
            Path tmp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw cacheError(ref, e);
        }
    }

    /** The cached file of a repository at a commit, if present (possibly a link to a missing blob; check it before use). */
    public Optional<Path> cachedFile(RepoType type, String repo, String commit, String path) {
        Path p = snapshotFile(type, repo, commit, path);
        // a link whose blob is gone counts: the caller reports it missing (or fetches it) instead of "not cached"
        return Files.exists(p) || Files.isSymbolicLink(p) ? Optional.of(p) : Optional.empty();
    }

    /** True when an earlier lookup found that {@code path} does not exist at {@code commit}. */
    public boolean knownMissing(RepoType type, String repo, String commit, String path) {
        return Files.exists(noExistMarker(type, repo, commit, path));
    }

    /** Remembers that {@code path} does not exist at {@code commit} (an empty marker file). */
    public void markMissing(RepoType type, String repo, String commit, String path) {
        Path marker = noExistMarker(type, repo, commit, path);
        try {
            Files.createDirectories(marker.getParent());
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // another thread wrote it first: same meaning
        } catch (IOException e) {
            throw cacheError(marker, e);
        }
    }

    /**
     * Points {@code snapshots/<commit>/<path>} at the blob: a relative symlink, or a copy where
     * the file system refuses links. Replaces whatever was there atomically.
     */
    public Path linkSnapshot(RepoType type, String repo, String commit, String path, Path blob) {
        Path target = snapshotFile(type, repo, commit, path);
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid()
                    + "." + Thread.currentThread().getId() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createSymbolicLink(tmp, target.getParent().relativize(blob));
            } catch (UnsupportedOperationException | FileSystemException e) {
                Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw cacheError(target, e);
        }
        return target;
    }

    /**
     * Holds the lock of one blob: a {@link ReentrantLock} for threads of this process plus an
     * exclusive {@link FileLock} on {@code .locks/<repo>/<etag>.lock} for other processes (a
     * JVM cannot hold two file locks on one file, hence both).
     */
    public BlobLock lock(RepoType type, String repo, String etag) {
        Path lockFile = root.resolve(".locks").resolve(RepoPaths.cacheFolderName(type, repo))
                .resolve(checkEtag(etag) + ".lock");
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(lockFile.getParent());
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock fl = ch.lock();
                return new BlobLock(local, ch, fl);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            local.unlock();
            throw cacheError(lockFile, e);
        } catch (RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    /** A held blob lock; close to release. */
    public static final class BlobLock implements AutoCloseable {
        private final ReentrantLock local;
        private final FileChannel channel;
        private final FileLock fileLock;

        BlobLock(ReentrantLock local, FileChannel channel, FileLock fileLock) {
            this.local = local;
            this.channel = channel;
            this.fileLock = fileLock;
        }

        @Override
        public void close() {
            try {
                fileLock.release();
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                local.unlock();
            }
        }
    }

    // ---------------------------------------------------------------- integrity

    /** What a check of one cached file found. */
    public enum BlobState {
        /** The bytes hash to the blob's name (its ETag). */
        OK,
        /** The blob is gone (e.g. deleted by hand): the snapshot entry points at nothing. */
        MISSING,
        /** The bytes do not hash to the blob's name: overwritten, truncated or replaced. */
        DAMAGED,
        /** The blob's name is not a sha256 or git sha1 (or the snapshot entry is a copy), so it cannot be checked. */
        UNCHECKABLE
    }

    /**
     * The outcome of checking one blob.
     *
     * @param state what was found
     * @param blob the blob's path (null when the snapshot entry is not a link into {@code blobs/})
     * @param algorithm {@code sha256} or {@code git sha1}
     * @param expected the blob's name
     * @param actual the hash of its bytes (null unless hashed)
     */
    public record BlobCheck(BlobState state, Path blob, String algorithm, String expected, String actual) {
        /** The finding in words, e.g. {@code "damaged: sha256 is 9f..., expected 4c..."}. */
        public String describe() {
            return switch (state) {
                case OK -> "ok";
                case MISSING -> "missing (" + (blob == null ? "no blob" : blob.getFileName() + " is not in blobs/") + ")";
                case DAMAGED -> "damaged: its " + algorithm + " is " + actual + ", expected " + expected;
                case UNCHECKABLE -> "not checkable (no " + (blob == null ? "link into blobs/" : "hash in its name") + ")";
            };
        }
    }

    /** The blob a snapshot entry links to, or null when the entry is a plain copy (or absent). */
    public Path blobOf(Path snapshotFile) {
        if (!Files.isSymbolicLink(snapshotFile)) {
            return null;
        }
        try {
            return snapshotFile.getParent().resolve(Files.readSymbolicLink(snapshotFile)).normalize();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Checks a blob against its name: sha256 for 64 hex digits (LFS files), the git blob sha1
     * ({@code sha1("blob <size>\0" + bytes)}) for 40. With {@code rehash} false a blob whose size and
     * modification time match the record of its last good check is taken as good without reading it.
     */
    public BlobCheck checkBlob(Path blob, boolean rehash) {
        String name = blob.getFileName().toString();
        String algorithm = name.matches("[0-9a-f]{64}") ? "sha256" : name.matches("[0-9a-f]{40}") ? "git sha1" : null;
        if (!Files.isRegularFile(blob)) {
            return new BlobCheck(BlobState.MISSING, blob, algorithm, name, null);
        }
        if (algorithm == null) {
            return new BlobCheck(BlobState.UNCHECKABLE, blob, null, name, null);
        }
        Path marker = verifiedMarker(blob);
        String stamp;
        try {
            stamp = Files.size(blob) + " " + Files.getLastModifiedTime(blob).toMillis();
            if (!rehash && Files.isRegularFile(marker) && Files.readString(marker, StandardCharsets.UTF_8).trim().equals(stamp)) {
                return new BlobCheck(BlobState.OK, blob, algorithm, name, null);
            }
            String actual = hash(blob, algorithm);
            if (!actual.equals(name)) {
                Files.deleteIfExists(marker);
                return new BlobCheck(BlobState.DAMAGED, blob, algorithm, name, actual);
            }
            Files.createDirectories(marker.getParent());
            Files.writeString(marker, stamp, StandardCharsets.UTF_8);
            return new BlobCheck(BlobState.OK, blob, algorithm, name, actual);
        } catch (java.nio.file.NoSuchFileException e) {
            return new BlobCheck(BlobState.MISSING, blob, algorithm, name, null);
        } catch (IOException e) {
            throw new GraftException("cannot read the cached blob " + blob + ": " + e.getMessage(),
                    "check the cache's permissions (GRAFT_HUB_CACHE)", e);
        }
    }

    /** Records that a blob just written was checked (its download hashed it), so its first use need not read it again. */
    void markVerified(Path blob) {
        Path marker = verifiedMarker(blob);
        try {
            Files.createDirectories(marker.getParent());
            Files.writeString(marker, Files.size(blob) + " " + Files.getLastModifiedTime(blob).toMillis(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // only a later re-check is lost
        }
    }

    /**
     * {@code .locks/<repo folder>/<etag>.verified}: size and mtime of the blob at its last good check.
     * Kept under {@code .locks/}, which other tools' cache scans skip, so the layout stays theirs.
     */
    Path verifiedMarker(Path blob) {
        Path repoFolder = blob.getParent().getParent().getFileName();
        return root.resolve(".locks").resolve(repoFolder.toString()).resolve(blob.getFileName() + ".verified");
    }

    /** The hex hash of a file: {@code sha256} or {@code git sha1}. */
    static String hash(Path file, String algorithm) throws IOException {
        java.security.MessageDigest d = etagDigest(algorithm.equals("sha256"), Files.size(file));
        feed(d, file);
        return java.util.HexFormat.of().formatHex(d.digest());
    }

    /**
     * The digest an ETag of a file of {@code size} bytes is: sha256 of the bytes (LFS files), else git's
     * blob sha1, which hashes {@code "blob <size>\0"} before them (regular files).
     */
    static java.security.MessageDigest etagDigest(boolean sha256, long size) {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance(sha256 ? "SHA-256" : "SHA-1");
            if (!sha256) {
                d.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
            }
            return d;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds the bytes of {@code file} to {@code d}. */
    static void feed(java.security.MessageDigest d, Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
    }

    /** ETags name files: only hex digits, letters, '-' and '_' are accepted. */
    static String checkEtag(String etag) {
        if (etag == null || etag.isEmpty() || etag.length() > 128 || !etag.matches("[A-Za-z0-9_\\-]+")) {
            throw new GraftException("the hub sent an unusable ETag '" + etag + "'",
                    "check GRAFT_ENDPOINT points at a Hugging Face-compatible hub");
        }
        return etag;
    }

    static GraftException cacheError(Path p, IOException e) {
        return new GraftException("cannot write the hub cache at " + p + ": " + e.getMessage(),
                "check free space and permissions, or set GRAFT_HUB_CACHE to a writable folder", e);
    }
}
