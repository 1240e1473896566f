package dev.graft.hub;

import dev.graft.GraftException;
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

    /** The cached file of a repository at a commit, if present. */
    public Optional<Path> cachedFile(RepoType type, String repo, String commit, String path) {
        Path p = snapshotFile(type, repo, commit, path);
        return Files.exists(p) ? Optional.of(p) : Optional.empty();
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
