package dev.graft.hub;

import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import dev.graft.progress.Output;
import dev.graft.progress.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Downloads files and snapshots of a repository into the Hugging Face cache layout of a {@link Hub}:
 * asks each file's metadata ({@link RemoteFiles}), locks per blob while {@link BlobFetcher} brings its
 * bytes, checks cached blobs before they are used, and falls back to the cache offline or when the
 * hub is unreachable.
 */
final class HubDownloader {
    private static final int MAX_WORKERS = 8;

    private final Hub hub;
    private final HubConfig config;
    private final HubCache cache;
    private final RemoteFiles remote;
    private final BlobFetcher fetcher;

    /**
     * A downloader into {@code hub}'s cache; {@code hub} also answers the info a snapshot lists its
     * files from, {@code remote} each file's metadata, and {@code fetcher} brings the bytes.
     */
    HubDownloader(Hub hub, RemoteFiles remote, BlobFetcher fetcher) {
        this.hub = hub;
        this.config = hub.config();
        this.cache = hub.cache();
        this.remote = remote;
        this.fetcher = fetcher;
    }

    /**
     * @param rehash read every cached file again to check it (what {@code graft hub pull} does); else a
     *     cached file is hashed on its first use and again only when its size or modification time changed
     */
    Path download(RepoType type, String repo, String file, String revision, Progress shared, boolean rehash) {
        RepoPaths.checkReadableRepoId(repo);
        RepoPaths.checkPathInRepo(file);
        String rev = Hub.revisionOrMain(revision);
        if (config.offline()) {
            return usableOrFail(type, repo, file, rev, fromCache(type, repo, file, rev, "offline mode is on (GRAFT_HUB_OFFLINE / HF_HUB_OFFLINE)"),
                    rehash, "offline mode is on");
        }
        if (RepoPaths.isCommitSha(rev)) {
            // A commit never changes: a cached copy that checks out is final, no request needed.
            Optional<Path> hit = cache.cachedFile(type, repo, rev, file);
            if (hit.isPresent() && usableOrRefetch(type, repo, file, hit.get(), rehash)) {
                countCached(shared, hit.get());
                return hit.get();
            }
        }
        FileMetadata meta;
        try {
            meta = remote.fileMetadata(type, repo, file, rev);
        } catch (HubException e) {
            if (e.status() == 0) {
                Optional<Path> cached = cachedLookup(type, repo, file, rev);
                if (cached.isPresent()) {
                    usableOrFail(type, repo, file, rev, cached.get(), rehash, "the hub at " + config.endpoint() + " is unreachable");
                    Output.warn("cannot reach " + config.endpoint() + "; using the cached " + file + " of " + repo);
                    return cached.get();
                }
            }
            throw e;
        }
        cache.writeRef(type, repo, rev, meta.commit());
        Path snap = cache.snapshotFile(type, repo, meta.commit(), file);
        Path blob = cache.blobPath(type, repo, meta.etag());
        if (Files.exists(snap) && Files.exists(blob) && usableOrRefetch(type, repo, file, blob, rehash)) {
            countCached(shared, blob);
            return snap;
        }
        try (HubCache.BlobLock lock = cache.lock(type, repo, meta.etag())) {
            if (Files.exists(blob)) {
                countCached(shared, blob); // another thread or process fetched it meanwhile
            } else {
                fetcher.fetch(meta, blob, file, shared);
                cache.markVerified(blob);
            }
        }
        return cache.linkSnapshot(type, repo, meta.commit(), file, blob);
    }

    /**
     * Checks a cached file before it is used. A damaged blob is deleted (under its lock) and the
     * caller downloads it again; returns whether the cached copy is good.
     */
    private boolean usableOrRefetch(RepoType type, String repo, String file, Path cached, boolean rehash) {
        Path blob = cached.getParent().getFileName().toString().equals("blobs") ? cached : cache.blobOf(cached);
        if (blob == null) {
            return true; // a copy where the file system has no links: nothing names its hash
        }
        HubCache.BlobCheck c = checkDeletingDamaged(type, repo, blob, rehash);
        if (usable(c)) {
            return true;
        }
        Output.warn("the cached " + file + " of " + repo + " is " + c.describe() + "; downloading it again");
        return false;
    }

    /** Checks a cached file where nothing can be downloaded: a damaged or missing blob is an error that says to pull again. */
    private Path usableOrFail(RepoType type, String repo, String file, String rev, Path cached, boolean rehash, String why) {
        Path blob = cache.blobOf(cached);
        if (blob == null) {
            return cached;
        }
        HubCache.BlobCheck c = checkDeletingDamaged(type, repo, blob, rehash);
        if (usable(c)) {
            return cached;
        }
        throw new GraftException("the cached " + file + " of " + repo + "@" + rev + " is " + c.describe()
                + (c.state() == HubCache.BlobState.DAMAGED ? "; the damaged copy was deleted" : "") + " (" + why + ")",
                "pull again online: graft hub pull " + repo + ("main".equals(rev) ? "" : " --revision " + rev));
    }

    /** Checks a blob under its lock; a damaged one is deleted, so the next online pull fetches it instead of trusting it. */
    private HubCache.BlobCheck checkDeletingDamaged(RepoType type, String repo, Path blob, boolean rehash) {
        try (HubCache.BlobLock lock = cache.lock(type, repo, blob.getFileName().toString())) {
            HubCache.BlobCheck c = cache.checkBlob(blob, rehash);
            if (c.state() == HubCache.BlobState.DAMAGED) {
                deleteQuietly(blob);
            }
            return c;
        }
    }

    private static boolean usable(HubCache.BlobCheck c) {
        return c.state() == HubCache.BlobState.OK || c.state() == HubCache.BlobState.UNCHECKABLE;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // the next check finds it damaged again
        }
    }

    private static void countCached(Progress shared, Path file) {
        if (shared != null) {
            try {
                shared.step(Files.size(file));
            } catch (IOException e) {
                // only the progress count is affected
            }
        }
    }

    Path snapshot(RepoType type, String repo, String revision, List<String> allowPatterns, boolean rehash) {
        RepoPaths.checkReadableRepoId(repo);
        String rev = Hub.revisionOrMain(revision);
        if (config.offline()) {
            return checkedSnapshot(type, repo, rev, allowPatterns, rehash,
                    cachedSnapshot(type, repo, rev, "offline mode is on (GRAFT_HUB_OFFLINE / HF_HUB_OFFLINE)"), "offline mode is on");
        }
        RepoInfo info;
        try {
            info = hub.info(type, repo, rev);
        } catch (HubException e) {
            if (e.status() == 0 && cache.resolveCached(type, repo, rev)
                    .map(c -> Files.isDirectory(cache.snapshotDir(type, repo, c))).orElse(false)) {
                Path dir = checkedSnapshot(type, repo, rev, allowPatterns, rehash, cachedSnapshot(type, repo, rev, "the hub is unreachable"),
                        "the hub at " + config.endpoint() + " is unreachable");
                Output.warn("cannot reach " + config.endpoint() + "; using the cached snapshot of " + repo);
                return dir;
            }
            throw e;
        }
        if (!RepoPaths.isCommitSha(info.sha())) {
            throw new GraftException("the hub sent no commit sha for " + repo + "@" + rev,
                    "check GRAFT_ENDPOINT points at a Hugging Face-compatible hub");
        }
        String commit = info.sha();
        cache.writeRef(type, repo, rev, commit);
        List<RepoInfo.Sibling> wanted = info.siblings() == null ? List.of() : info.siblings().stream()
                .filter(s -> RepoPaths.matchesAny(s.path(), allowPatterns)).toList();
        Path dir = cache.snapshotDir(type, repo, commit);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw HubCache.cacheError(dir, e);
        }
        if (wanted.isEmpty()) {
            if (allowPatterns != null && !allowPatterns.isEmpty()) {
                Output.warn("no file of " + repo + "@" + rev + " matches " + String.join(", ", allowPatterns)
                        + " (files: " + String.join(", ", info.files()) + ")");
            }
            return dir;
        }
        long totalBytes = 0;
        for (RepoInfo.Sibling s : wanted) {
            totalBytes = s.size() == null || totalBytes < 0 ? -1 : totalBytes + s.size();
        }
        int workers = Math.min(MAX_WORKERS, wanted.size());
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "hub-download");
            t.setDaemon(true);
            return t;
        });
        try (Progress progress = Progress.start("pull " + repo, Math.max(0, totalBytes), "B")) {
            List<Future<Path>> futures = new ArrayList<>();
            for (RepoInfo.Sibling s : wanted) {
                futures.add(pool.submit(() -> download(type, repo, s.path(), commit, progress, rehash)));
            }
            for (Future<Path> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new GraftException("download of " + repo + " failed: " + cause, null, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraftException("download of " + repo + " was interrupted");
        } finally {
            pool.shutdownNow();
        }
        return dir;
    }

    private Path fromCache(RepoType type, String repo, String file, String rev, String why) {
        Optional<String> commit = cache.resolveCached(type, repo, rev);
        if (commit.isPresent() && cache.knownMissing(type, repo, commit.get(), file)) {
            throw new GraftException(file + " does not exist in " + repo + " at " + rev
                    + " (remembered in the cache)", "check the file name");
        }
        return cachedLookup(type, repo, file, rev).orElseThrow(() -> new GraftException(
                why + " and " + repo + "/" + file + "@" + rev + " is not in the cache " + cache.root(),
                "download it once online (unset GRAFT_HUB_OFFLINE and HF_HUB_OFFLINE), e.g. graft hub pull "
                        + repo));
    }

    private Optional<Path> cachedLookup(RepoType type, String repo, String file, String rev) {
        return cache.resolveCached(type, repo, rev).flatMap(c -> cache.cachedFile(type, repo, c, file));
    }

    /** Checks the files of a cached snapshot that match the patterns (used where nothing can be downloaded). */
    private Path checkedSnapshot(RepoType type, String repo, String rev, List<String> patterns, boolean rehash, Path dir, String why) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(f -> Files.isSymbolicLink(f) || Files.isRegularFile(f)).sorted().toList()) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (!p.getFileName().toString().endsWith(".tmp") && RepoPaths.matchesAny(rel, patterns)) {
                    usableOrFail(type, repo, rel, rev, p, rehash, why);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private Path cachedSnapshot(RepoType type, String repo, String rev, String why) {
        Optional<Path> dir = cache.resolveCached(type, repo, rev).map(c -> cache.snapshotDir(type, repo, c))
                .filter(Files::isDirectory);
        return dir.orElseThrow(() -> new GraftException(
                why + " and " + repo + "@" + rev + " is not in the cache " + cache.root(),
                "pull it once online (unset GRAFT_HUB_OFFLINE and HF_HUB_OFFLINE): graft hub pull " + repo));
    }
}
