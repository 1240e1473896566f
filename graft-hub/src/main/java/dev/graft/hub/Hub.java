package dev.graft.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import dev.graft.progress.Output;
import dev.graft.progress.Progress;
import dev.graft.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A client for the Hugging Face Hub HTTP protocol (Graft's own hub or any compatible one), with a
 * local cache in the Hugging Face layout (see {@link HubCache}).
 *
 * <pre>{@code
 * Hub hub = new Hub();                                           // endpoint, token, offline from the environment
 * Path cfg = hub.download("alice/mnist-resnet", "config.json", "main");
 * Path dir = hub.snapshot("alice/mnist-resnet", "v1.0", List.of("*.json", "*.safetensors"));
 * hub.createRepo(RepoType.MODEL, "alice/new-model", false, true);
 * hub.uploadFolder(RepoType.MODEL, "alice/new-model", Path.of("run/export"), "main", "First version");
 * }</pre>
 *
 * <p>Downloads resume from {@code .incomplete} files with {@code Range}, are checked against the
 * ETag (sha256 for LFS files, git blob sha1 for regular files) and the size, and take a lock per
 * file so threads and processes sharing a cache do not corrupt each other. In offline mode every
 * call is served from the cache or fails with an error that says what is missing.
 */
public final class Hub {
    /** What {@link #snapshotModel(String)} fetches: config, weights and the card. */
    public static final List<String> MODEL_FILES = List.of("*.json", "*.safetensors", "README.md");

    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_WORKERS = 8;
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final HubConfig config;
    private final HubCache cache;
    private final HubHttp http;
    private final CommitUploader uploader;
    private final int retries;

    /** A client configured from the environment ({@link HubConfig#fromEnvironment()}). */
    public Hub() {
        this(HubConfig.fromEnvironment());
    }

    public Hub(HubConfig config) {
        this(config, 2);
    }

    private Hub(HubConfig config, int retries) {
        this.config = config;
        this.cache = new HubCache(config.cacheDir());
        this.http = new HubHttp(config);
        this.uploader = new CommitUploader(http);
        this.retries = retries;
    }

    /**
     * The same client with another number of retries of a failed transfer (default 2): a cut
     * connection, a 5xx or a 429 answer is retried after a short pause, resuming with Range.
     */
    public Hub withRetries(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("retries must be >= 0");
        }
        return new Hub(config, n);
    }

    public HubConfig config() {
        return config;
    }

    public HubCache cache() {
        return cache;
    }

    // ---------------------------------------------------------------- downloads

    /** Downloads one file of a model repository; see {@link #download(RepoType, String, String, String)}. */
    public Path download(String repo, String file, String revision) {
        return download(RepoType.MODEL, repo, file, revision);
    }

    /**
     * Downloads one file into the cache (or finds it there) and returns its path under
     * {@code snapshots/<commit>/}. {@code revision} is a branch, tag or commit sha ({@code null}: main).
     */
    public Path download(RepoType type, String repo, String file, String revision) {
        return download(type, repo, file, revision, null);
    }

    private Path download(RepoType type, String repo, String file, String revision, Progress shared) {
        return download(type, repo, file, revision, shared, false);
    }

    /**
     * @param rehash read every cached file again to check it (what {@code graft hub pull} does); else a
     *     cached file is hashed on its first use and again only when its size or modification time changed
     */
    private Path download(RepoType type, String repo, String file, String revision, Progress shared, boolean rehash) {
        RepoPaths.checkReadableRepoId(repo);
        RepoPaths.checkPathInRepo(file);
        String rev = revisionOrMain(revision);
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
            meta = fileMetadata(type, repo, file, rev);
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
                fetchWithRetries(meta, blob, file, shared);
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
        HubCache.BlobCheck c;
        try (HubCache.BlobLock lock = cache.lock(type, repo, blob.getFileName().toString())) {
            c = cache.checkBlob(blob, rehash);
            if (c.state() == HubCache.BlobState.DAMAGED) {
                deleteQuietly(blob);
            }
        }
        if (c.state() == HubCache.BlobState.OK || c.state() == HubCache.BlobState.UNCHECKABLE) {
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
        HubCache.BlobCheck c;
        try (HubCache.BlobLock lock = cache.lock(type, repo, blob.getFileName().toString())) {
            c = cache.checkBlob(blob, rehash);
            if (c.state() == HubCache.BlobState.DAMAGED) {
                deleteQuietly(blob); // so the next online pull fetches it instead of trusting it
            }
        }
        if (c.state() == HubCache.BlobState.OK || c.state() == HubCache.BlobState.UNCHECKABLE) {
            return cached;
        }
        throw new GraftException("the cached " + file + " of " + repo + "@" + rev + " is " + c.describe()
                + (c.state() == HubCache.BlobState.DAMAGED ? "; the damaged copy was deleted" : "") + " (" + why + ")",
                "pull again online: graft hub pull " + repo + ("main".equals(rev) ? "" : " --revision " + rev));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // the next check finds it damaged again
        }
    }

    private void fetchWithRetries(FileMetadata meta, Path blob, String file, Progress shared) {
        Progress own = shared == null ? Progress.start("download " + file, meta.size(), "B") : null;
        FileProgress progress = new FileProgress(shared != null ? shared : own);
        try {
            for (int attempt = 0; !Files.exists(blob); attempt++) {
                try {
                    fetchBlob(meta, blob, file, progress);
                } catch (HubException e) {
                    boolean transientFailure = e.status() == 0 || e.status() == 429 || e.status() >= 500;
                    if (!transientFailure || attempt >= retries) {
                        throw e;
                    }
                    Output.warn(e.getMessage() + "; retrying (" + (attempt + 1) + " of " + retries + ")");
                    pause(500L << attempt);
                }
            }
        } finally {
            if (own != null) {
                own.close();
            }
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

    /**
     * Downloads the files of a repository at one commit: the revision is resolved once, then the
     * files matching {@code allowPatterns} (fnmatch; all when empty) are fetched in parallel.
     * Returns {@code snapshots/<commit>}.
     */
    public Path snapshot(String repo, String revision, List<String> allowPatterns) {
        return snapshot(RepoType.MODEL, repo, revision, allowPatterns);
    }

    /** {@link #snapshot(String, String, List)} for any repository type. */
    public Path snapshot(RepoType type, String repo, String revision, List<String> allowPatterns) {
        return snapshot(type, repo, revision, allowPatterns, false);
    }

    /**
     * What {@code graft hub pull} does: {@link #snapshot(RepoType, String, String, List)}, but every
     * file already in the cache is hashed again and checked against its ETag. Online a damaged or
     * missing one is downloaded again (with a warning); offline it is an error naming the file.
     */
    public Path pull(RepoType type, String repo, String revision, List<String> allowPatterns) {
        return snapshot(type, repo, revision, allowPatterns, true);
    }

    private Path snapshot(RepoType type, String repo, String revision, List<String> allowPatterns, boolean rehash) {
        RepoPaths.checkReadableRepoId(repo);
        String rev = revisionOrMain(revision);
        if (config.offline()) {
            return checkedSnapshot(type, repo, rev, allowPatterns, rehash,
                    cachedSnapshot(type, repo, rev, "offline mode is on (GRAFT_HUB_OFFLINE / HF_HUB_OFFLINE)"), "offline mode is on");
        }
        RepoInfo info;
        try {
            info = info(type, repo, rev);
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

    /**
     * Resolves a timm-style {@code hf-hub:owner/name[@revision]} to a local folder holding its
     * {@code config.json} and weights ({@link #MODEL_FILES}); the zoo builds the model from there.
     *
     * <pre>{@code
     * Path dir = new Hub().snapshotModel("hf-hub:alice/mnist-resnet@v1");
     * PretrainedCfg cfg = ...read(dir.resolve("config.json"));
     * }</pre>
     */
    public Path snapshotModel(String hfHubSpec) {
        String spec = hfHubSpec.startsWith("hf-hub:") ? hfHubSpec.substring("hf-hub:".length()) : hfHubSpec;
        int at = spec.indexOf('@');
        String repo = at < 0 ? spec : spec.substring(0, at);
        String rev = at < 0 ? null : spec.substring(at + 1);
        if (rev != null && rev.isEmpty()) {
            throw new GraftException("empty revision in '" + hfHubSpec + "'", "write hf-hub:owner/name or hf-hub:owner/name@revision");
        }
        Path dir = snapshot(RepoType.MODEL, repo, rev, MODEL_FILES);
        if (!Files.exists(dir.resolve("config.json"))) {
            throw new GraftException("model repository " + repo + " has no config.json",
                    "push the model with its config.json (graft exports it next to model.safetensors)");
        }
        try (Stream<Path> files = Files.list(dir)) {
            if (files.noneMatch(p -> p.getFileName().toString().endsWith(".safetensors"))) {
                throw new GraftException("model repository " + repo + " has no .safetensors weights",
                        "push model.safetensors with the config");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * Reads a file's metadata with {@code HEAD .../resolve/...} (following the hub's relative
     * redirects, e.g. after a rename; an absolute redirect is where LFS bytes live).
     */
    public FileMetadata fileMetadata(RepoType type, String repo, String file, String revision) {
        String rev = revisionOrMain(revision);
        String url = resolveUrl(type, repo, file, rev);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest req = http.request(url).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity").build();
            HttpResponse<Void> resp = http.send(req, HttpResponse.BodyHandlers.discarding());
            int code = resp.statusCode();
            if (code >= 300 && code < 400) {
                String location = resp.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    throw HubHttp.protocolError("redirect without Location for " + url);
                }
                URI target = URI.create(url).resolve(location);
                if (location.startsWith("/") || HubHttp.sameOrigin(target.toString(), url)) {
                    if (resp.headers().firstValue("X-Linked-Etag").isEmpty()) {
                        url = target.toString();
                        continue;
                    }
                }
                return metadataFrom(resp, target.toString(), repo, file);
            }
            if (code == 404 && "EntryNotFound".equals(resp.headers().firstValue("X-Error-Code").orElse(null))) {
                resp.headers().firstValue("X-Repo-Commit").filter(RepoPaths::isCommitSha)
                        .ifPresent(c -> cache.markMissing(type, repo, c, file));
            }
            http.raiseForStatus(resp, null, repo, rev, file);
            return metadataFrom(resp, url, repo, file);
        }
        throw HubHttp.protocolError("too many redirects for " + url);
    }

    private FileMetadata metadataFrom(HttpResponse<?> resp, String downloadUrl, String repo, String file) {
        String commit = resp.headers().firstValue("X-Repo-Commit").orElse(null);
        String etag = resp.headers().firstValue("X-Linked-Etag").or(() -> resp.headers().firstValue("ETag"))
                .map(Hub::unquoteEtag).orElse(null);
        String size = resp.headers().firstValue("X-Linked-Size")
                .or(() -> resp.headers().firstValue("Content-Length")).orElse(null);
        if (commit == null || etag == null || size == null) {
            throw HubHttp.protocolError("the answer for " + repo + "/" + file + " lacks "
                    + (commit == null ? "X-Repo-Commit" : etag == null ? "ETag" : "Content-Length"));
        }
        try {
            return new FileMetadata(commit, HubCache.checkEtag(etag), Long.parseLong(size.trim()), downloadUrl);
        } catch (NumberFormatException e) {
            throw HubHttp.protocolError("invalid size '" + size + "' for " + repo + "/" + file);
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
                feedDigest(digest, incomplete);
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
        String url = meta.downloadUrl();
        HttpResponse<InputStream> resp = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HubHttp.sameOrigin(url, config.endpoint()) ? http.request(url) : http.bareRequest(url);
            b.header("Accept-Encoding", "identity");
            if (have > 0) {
                b.header("Range", "bytes=" + have + "-");
            }
            resp = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            int code = resp.statusCode();
            if (code >= 300 && code < 400 && resp.headers().firstValue("Location").isPresent()) {
                resp.body().close();
                url = URI.create(url).resolve(resp.headers().firstValue("Location").get()).toString();
                continue;
            }
            break;
        }
        int code = resp.statusCode();
        boolean append;
        if (code == 206 && have > 0) {
            long start = contentRangeStart(resp.headers().firstValue("Content-Range").orElse(""));
            if (start != have) {
                resp.body().close();
                Files.deleteIfExists(incomplete);
                progress.set(0);
                return transfer(meta, incomplete, 0, newDigest(meta), progress);
            }
            append = true;
        } else if (code == 416 && have > 0) {
            resp.body().close();
            if (have == meta.size()) {
                return digest;
            }
            Files.deleteIfExists(incomplete);
            progress.set(0);
            return transfer(meta, incomplete, 0, newDigest(meta), progress);
        } else if (code == 200) {
            append = false;
            if (have > 0) {
                // The server ignored Range: start over.
                digest = newDigest(meta);
                progress.set(0);
            }
        } else {
            String body;
            try (InputStream in = resp.body()) {
                body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            throw http.httpError(code, resp.headers().firstValue("X-Error-Code").orElse(null),
                    HubHttp.errorMessage(resp.headers().firstValue("X-Error-Message").orElse(null), body), url);
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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraftException("interrupted while waiting to retry a download");
        }
    }

    private static long contentRangeStart(String contentRange) {
        Matcher m = Pattern.compile("bytes\\s+(\\d+)-").matcher(contentRange);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static MessageDigest newDigest(FileMetadata meta) {
        try {
            if (meta.isSha256()) {
                return MessageDigest.getInstance("SHA-256");
            }
            if (meta.isGitSha1()) {
                MessageDigest d = MessageDigest.getInstance("SHA-1");
                d.update(("blob " + meta.size() + "\0").getBytes(StandardCharsets.US_ASCII));
                return d;
            }
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void feedDigest(MessageDigest d, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
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

    // ---------------------------------------------------------------- metadata

    /** {@code GET /api/{models|datasets}/{repo}[/revision/{rev}]}: files, sha, tags, card data. */
    public RepoInfo info(RepoType type, String repo, String revision) {
        RepoPaths.checkReadableRepoId(repo);
        http.requireOnline("reading repository info");
        String url = config.endpoint() + "/api/" + type.plural() + "/" + repo
                + (revision == null ? "" : "/revision/" + RepoPaths.quoteSegment(revision)) + "?blobs=true";
        return http.getJson(url, RepoInfo.class, repo, revision);
    }

    /** Info of a model repository at its main branch. */
    public RepoInfo info(String repo) {
        return info(RepoType.MODEL, repo, null);
    }

    /**
     * Lists repositories, following {@code Link: <...>; rel="next"} pages until the query's limit.
     */
    public List<RepoInfo> list(RepoType type, ListQuery query) {
        http.requireOnline("listing repositories");
        StringBuilder url = new StringBuilder(config.endpoint()).append("/api/").append(type.plural());
        List<String> params = new ArrayList<>();
        if (query.search() != null) {
            params.add("search=" + RepoPaths.quoteQuery(query.search()));
        }
        if (query.author() != null) {
            params.add("author=" + RepoPaths.quoteQuery(query.author()));
        }
        for (String f : query.filters()) {
            params.add("filter=" + RepoPaths.quoteQuery(f));
        }
        if (query.sort() != null) {
            params.add("sort=" + RepoPaths.quoteQuery(query.sort()));
        }
        if (query.direction() != null) {
            params.add("direction=" + query.direction());
        }
        if (query.limit() != null) {
            params.add("limit=" + query.limit());
        }
        if (query.full()) {
            params.add("full=true");
        }
        if (!params.isEmpty()) {
            url.append('?').append(String.join("&", params));
        }
        List<RepoInfo> out = new ArrayList<>();
        String next = url.toString();
        int pages = 0;
        while (next != null) {
            if (++pages > 10_000) {
                throw HubHttp.protocolError("more than 10000 pages of results; the hub's Link headers loop");
            }
            HttpResponse<String> resp = http.send(http.request(next).GET().header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            http.raiseForStatus(resp, resp.body(), null, null, null);
            try {
                RepoInfo[] page = Json.MAPPER.readValue(resp.body(), RepoInfo[].class);
                for (RepoInfo r : page) {
                    out.add(r);
                    if (query.limit() != null && out.size() >= query.limit()) {
                        return out;
                    }
                }
            } catch (IOException e) {
                throw HubHttp.protocolError("cannot parse the listing from " + next + ": " + e.getMessage());
            }
            next = nextLink(resp.headers().allValues("Link"), next);
        }
        return out;
    }

    /** {@code search} over model repositories, first {@code limit} results. */
    public List<RepoInfo> search(String text, int limit) {
        return list(RepoType.MODEL, ListQuery.all().search(text).limit(limit));
    }

    static String nextLink(List<String> linkHeaders, String current) {
        for (String h : linkHeaders) {
            Matcher m = LINK_NEXT.matcher(h);
            if (m.find()) {
                return URI.create(current).resolve(m.group(1)).toString();
            }
        }
        return null;
    }

    /** {@code GET /api/whoami-v2}: who the token belongs to. */
    public JsonNode whoami() {
        http.requireOnline("checking the token");
        if (config.token() == null) {
            throw new GraftException("no hub token", "set GRAFT_TOKEN or run graft hub login");
        }
        return http.getJson(config.endpoint() + "/api/whoami-v2", JsonNode.class, null, null);
    }

    // ---------------------------------------------------------------- repositories

    /**
     * {@code POST /api/repos/create}. With {@code existOk} an existing repository is not an error.
     * Returns the repository URL.
     */
    public String createRepo(RepoType type, String repo, boolean isPrivate, boolean existOk) {
        RepoPaths.checkNewRepoId(repo);
        http.requireOnline("creating a repository");
        String[] parts = repo.split("/");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", parts[1]);
        body.put("organization", parts[0]);
        body.put("private", isPrivate);
        if (type != RepoType.MODEL) {
            body.put("type", type.singular());
        }
        HttpResponse<String> resp = http.send(http.jsonRequest(config.endpoint() + "/api/repos/create", "POST", body),
                HttpResponse.BodyHandlers.ofString());
        String url = config.endpoint() + "/" + type.urlPrefix() + repo;
        if (resp.statusCode() == 409 && existOk) {
            return url;
        }
        if (resp.statusCode() == 409) {
            throw new HubException("repository " + repo + " already exists", "pick another name or push to it",
                    409, resp.headers().firstValue("X-Error-Code").orElse(null));
        }
        http.raiseForStatus(resp, resp.body(), repo, null, null);
        try {
            JsonNode n = Json.MAPPER.readTree(resp.body());
            return n.hasNonNull("url") ? n.get("url").asText() : url;
        } catch (IOException e) {
            return url;
        }
    }

    /** {@code DELETE /api/repos/delete}. With {@code missingOk} a missing repository is not an error. */
    public void deleteRepo(RepoType type, String repo, boolean missingOk) {
        RepoPaths.checkRepoId(repo);
        http.requireOnline("deleting a repository");
        String[] parts = repo.split("/");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", parts[1]);
        body.put("organization", parts[0]);
        if (type != RepoType.MODEL) {
            body.put("type", type.singular());
        }
        HttpResponse<String> resp = http.send(http.jsonRequest(config.endpoint() + "/api/repos/delete", "DELETE", body),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() == 404 && missingOk) {
            return;
        }
        http.raiseForStatus(resp, resp.body(), repo, null, null);
    }

    /** {@code POST /api/{type}s/{repo}/branch/{branch}} from {@code startingPoint} ({@code null}: main). */
    public void createBranch(RepoType type, String repo, String branch, String startingPoint) {
        RepoPaths.checkRepoId(repo);
        http.requireOnline("creating a branch");
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (startingPoint != null) {
            body.put("startingPoint", startingPoint);
        }
        String url = config.endpoint() + "/api/" + type.plural() + "/" + repo + "/branch/" + RepoPaths.quoteSegment(branch);
        HttpResponse<String> resp = http.send(http.jsonRequest(url, "POST", body), HttpResponse.BodyHandlers.ofString());
        http.raiseForStatus(resp, resp.body(), repo, startingPoint, null);
    }

    /** {@code POST /api/{type}s/{repo}/tag/{revision}} with {@code {"tag": tag}}: names a commit, e.g. v1.0. */
    public void createTag(RepoType type, String repo, String tag, String revision, String message) {
        RepoPaths.checkRepoId(repo);
        http.requireOnline("creating a tag");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("tag", tag);
        if (message != null) {
            body.put("message", message);
        }
        String rev = revisionOrMain(revision);
        String url = config.endpoint() + "/api/" + type.plural() + "/" + repo + "/tag/" + RepoPaths.quoteSegment(rev);
        HttpResponse<String> resp = http.send(http.jsonRequest(url, "POST", body), HttpResponse.BodyHandlers.ofString());
        http.raiseForStatus(resp, resp.body(), repo, rev, null);
    }

    // ---------------------------------------------------------------- uploads

    /**
     * Publishes a folder the way {@code graft hub push} does: checks its {@code README.md} card
     * (if any), creates the repository when missing, and uploads every file as one commit.
     *
     * <pre>{@code
     * CommitInfo c = new Hub().push(RepoType.MODEL, "alice/mnist-resnet", runDir.resolve("export"), null,
     *         "Fine-tuned on MNIST", false);
     * }</pre>
     */
    public CommitInfo push(RepoType type, String repo, Path dir, String revision, String message, boolean isPrivate) {
        return push(type, repo, dir, revision, message, isPrivate, false);
    }

    /**
     * {@link #push(RepoType, String, Path, String, String, boolean)}; with {@code followSymlinks} links
     * that lead out of {@code dir} are uploaded as the files they point to instead of refused.
     */
    public CommitInfo push(RepoType type, String repo, Path dir, String revision, String message, boolean isPrivate,
                           boolean followSymlinks) {
        RepoPaths.checkNewRepoId(repo); // push creates the repository when it is missing
        if (!Files.isDirectory(dir)) {
            throw new GraftException("not a folder: " + dir, "give the folder to upload, e.g. a run's export folder");
        }
        Path readme = dir.resolve("README.md");
        if (Files.isRegularFile(readme)) {
            ModelCard.read(readme).validate();
        } else {
            Output.warn("no README.md card in " + dir + "; the hub page will have no description or tags");
        }
        if (config.token() == null) {
            throw new GraftException("uploading needs a hub token", "set GRAFT_TOKEN or run graft hub login");
        }
        List<CommitOperation> ops = folderOperations(dir, followSymlinks); // before anything is created on the hub
        createRepo(type, repo, isPrivate, true);
        return commit(type, repo, revision, message, null, ops, null);
    }

    /** Uploads one local file as {@code pathInRepo} in a commit of its own. */
    public CommitInfo uploadFile(RepoType type, String repo, Path local, String pathInRepo, String revision,
                                 String message) {
        return commit(type, repo, revision, message, null, List.of(CommitOperation.add(pathInRepo, local)), null);
    }

    /**
     * Uploads every file under {@code dir} (paths relative to it, {@code .git} skipped) as one commit.
     */
    public CommitInfo uploadFolder(RepoType type, String repo, Path dir, String revision, String message) {
        return commit(type, repo, revision, message, null, folderOperations(dir, false), null);
    }

    /**
     * The files of a folder as commit operations ({@code .git} skipped). A symbolic link whose target
     * lies outside the folder is refused unless {@code followSymlinks}: a link to a home folder or a
     * key must not be published by accident. Links inside the folder are uploaded as their targets.
     */
    static List<CommitOperation> folderOperations(Path dir, boolean followSymlinks) {
        if (!Files.isDirectory(dir)) {
            throw new GraftException("not a folder: " + dir, "give the folder to upload");
        }
        List<CommitOperation> ops = new ArrayList<>();
        List<String> outside = new ArrayList<>();
        try {
            Path realRoot = dir.toRealPath();
            List<Path> files;
            java.nio.file.FileVisitOption[] opts = followSymlinks
                    ? new java.nio.file.FileVisitOption[] {java.nio.file.FileVisitOption.FOLLOW_LINKS} : new java.nio.file.FileVisitOption[0];
            try (Stream<Path> walk = Files.walk(dir, opts)) {
                files = walk.filter(p -> Files.isRegularFile(p) || Files.isSymbolicLink(p)).sorted().toList();
            }
            for (Path p : files) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (rel.startsWith(".git/") || rel.equals(".git") || rel.startsWith(".cache/huggingface/")) {
                    continue;
                }
                if (!followSymlinks) {
                    Path real = Files.exists(p) ? p.toRealPath() : null;
                    if (real == null || !real.startsWith(realRoot)) {
                        outside.add(rel);
                        continue;
                    }
                }
                // a link to a folder inside is not descended: its files are walked on their own path
                if (Files.isRegularFile(p)) {
                    ops.add(CommitOperation.add(rel, p));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new GraftException("cannot read " + dir + ": " + e.getMessage(), "check the folder's permissions", e);
        }
        if (!outside.isEmpty()) {
            throw new GraftException("symbolic link" + (outside.size() == 1 ? " " : "s ") + String.join(", ", outside.subList(0, Math.min(5, outside.size())))
                    + (outside.size() > 5 ? ", ..." : "") + " in " + dir + " lead" + (outside.size() == 1 ? "s" : "") + " out of the folder (or nowhere)",
                    "copy the files into the folder, or pass --follow-symlinks to upload what they point to");
        }
        if (ops.isEmpty()) {
            throw new GraftException("nothing to upload in " + dir, "put the model files in the folder first");
        }
        return ops;
    }

    /**
     * Makes one commit: asks the hub which files go through LFS ({@code preupload}), uploads those
     * with the Git LFS batch API, then posts the NDJSON commit (regular files inline, base64).
     *
     * @param parentCommit when set, the hub rejects the commit if the branch moved (optimistic lock)
     */
    public CommitInfo commit(RepoType type, String repo, String revision, String message, String description,
                             List<CommitOperation> operations, String parentCommit) {
        return uploader.commit(type, repo, revision, message, description, operations, parentCommit);
    }

    // ---------------------------------------------------------------- HTTP plumbing

    /** {@code {endpoint}/{datasets/}{repo}/resolve/{quoted revision}/{quoted path}}. */
    public String resolveUrl(RepoType type, String repo, String file, String revision) {
        return config.endpoint() + "/" + type.urlPrefix() + repo + "/resolve/"
                + RepoPaths.quoteSegment(revisionOrMain(revision)) + "/" + RepoPaths.quotePath(file);
    }

    static String unquoteEtag(String etag) {
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    static String revisionOrMain(String revision) {
        return revision == null || revision.isBlank() ? "main" : revision;
    }
}
