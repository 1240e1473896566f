package dev.graft.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.progress.Output;
import dev.graft.progress.Progress;
import dev.graft.util.Json;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    private static final int SAMPLE_BYTES = 512;
    private static final int PREUPLOAD_CHUNK = 100;
    private static final int MAX_WORKERS = 8;
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final String USER_AGENT = "graft-hub/" + version();
    private static final java.util.Set<String> RESTRICTED_HEADERS =
            java.util.Set.of("content-length", "host", "connection", "expect", "upgrade", "transfer-encoding");

    private final HubConfig config;
    private final HubCache cache;
    private final HttpClient http;
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
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
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
        RepoPaths.checkReadableRepoId(repo);
        RepoPaths.checkPathInRepo(file);
        String rev = revisionOrMain(revision);
        if (config.offline()) {
            return fromCache(type, repo, file, rev, "offline mode is on (GRAFT_HUB_OFFLINE / HF_HUB_OFFLINE)");
        }
        if (RepoPaths.isCommitSha(rev)) {
            // A commit never changes: a cached copy is final, no request needed.
            Optional<Path> hit = cache.cachedFile(type, repo, rev, file);
            if (hit.isPresent()) {
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
                    Output.warn("cannot reach " + config.endpoint() + "; using the cached " + file + " of " + repo);
                    return cached.get();
                }
            }
            throw e;
        }
        cache.writeRef(type, repo, rev, meta.commit());
        Path snap = cache.snapshotFile(type, repo, meta.commit(), file);
        Path blob = cache.blobPath(type, repo, meta.etag());
        if (Files.exists(snap) && Files.exists(blob)) {
            return snap;
        }
        try (HubCache.BlobLock lock = cache.lock(type, repo, meta.etag())) {
            for (int attempt = 0; !Files.exists(blob); attempt++) {
                try {
                    fetchBlob(meta, blob, file, shared);
                } catch (HubException e) {
                    boolean transientFailure = e.status() == 0 || e.status() == 429 || e.status() >= 500;
                    if (!transientFailure || attempt >= retries) {
                        throw e;
                    }
                    Output.warn(e.getMessage() + "; retrying (" + (attempt + 1) + " of " + retries + ")");
                    pause(500L << attempt);
                }
            }
        }
        return cache.linkSnapshot(type, repo, meta.commit(), file, blob);
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
        RepoPaths.checkReadableRepoId(repo);
        String rev = revisionOrMain(revision);
        if (config.offline()) {
            return cachedSnapshot(type, repo, rev, "offline mode is on (GRAFT_HUB_OFFLINE / HF_HUB_OFFLINE)");
        }
        RepoInfo info;
        try {
            info = info(type, repo, rev);
        } catch (HubException e) {
            if (e.status() == 0 && cache.resolveCached(type, repo, rev)
                    .map(c -> Files.isDirectory(cache.snapshotDir(type, repo, c))).orElse(false)) {
                Output.warn("cannot reach " + config.endpoint() + "; using the cached snapshot of " + repo);
                return cachedSnapshot(type, repo, rev, "the hub is unreachable");
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
                futures.add(pool.submit(() -> download(type, repo, s.path(), commit, progress)));
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
            HttpRequest req = request(url).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity").build();
            HttpResponse<Void> resp = send(req, HttpResponse.BodyHandlers.discarding());
            int code = resp.statusCode();
            if (code >= 300 && code < 400) {
                String location = resp.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    throw protocolError("redirect without Location for " + url);
                }
                URI target = URI.create(url).resolve(location);
                if (location.startsWith("/") || sameOrigin(target.toString(), url)) {
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
            raiseForStatus(resp, null, repo, rev, file);
            return metadataFrom(resp, url, repo, file);
        }
        throw protocolError("too many redirects for " + url);
    }

    private FileMetadata metadataFrom(HttpResponse<?> resp, String downloadUrl, String repo, String file) {
        String commit = resp.headers().firstValue("X-Repo-Commit").orElse(null);
        String etag = resp.headers().firstValue("X-Linked-Etag").or(() -> resp.headers().firstValue("ETag"))
                .map(Hub::unquoteEtag).orElse(null);
        String size = resp.headers().firstValue("X-Linked-Size")
                .or(() -> resp.headers().firstValue("Content-Length")).orElse(null);
        if (commit == null || etag == null || size == null) {
            throw protocolError("the answer for " + repo + "/" + file + " lacks "
                    + (commit == null ? "X-Repo-Commit" : etag == null ? "ETag" : "Content-Length"));
        }
        try {
            return new FileMetadata(commit, HubCache.checkEtag(etag), Long.parseLong(size.trim()), downloadUrl);
        } catch (NumberFormatException e) {
            throw protocolError("invalid size '" + size + "' for " + repo + "/" + file);
        }
    }

    private void fetchBlob(FileMetadata meta, Path blob, String file, Progress shared) {
        Path incomplete = blob.resolveSibling(blob.getFileName() + ".incomplete");
        try {
            Files.createDirectories(blob.getParent());
            long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
            if (have > meta.size()) {
                Files.delete(incomplete);
                have = 0;
            }
            Progress own = shared == null ? Progress.start("download " + file, meta.size(), "B") : null;
            Progress progress = shared != null ? shared : own;
            try {
                MessageDigest digest = newDigest(meta);
                if (have > 0 && digest != null) {
                    feedDigest(digest, incomplete);
                }
                progress.step(have);
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
            } finally {
                if (own != null) {
                    own.close();
                }
            }
            Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw HubCache.cacheError(blob, e);
        }
    }

    /** GET with {@code Range} when part of the file is here; appends to {@code incomplete}. */
    private MessageDigest transfer(FileMetadata meta, Path incomplete, long have, MessageDigest digest,
                                   Progress progress) throws IOException {
        String url = meta.downloadUrl();
        HttpResponse<InputStream> resp = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = sameOrigin(url, config.endpoint()) ? request(url) : bareRequest(url);
            b.header("Accept-Encoding", "identity");
            if (have > 0) {
                b.header("Range", "bytes=" + have + "-");
            }
            resp = send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
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
                return transfer(meta, incomplete, 0, newDigest(meta), progress);
            }
            append = true;
        } else if (code == 416 && have > 0) {
            resp.body().close();
            if (have == meta.size()) {
                return digest;
            }
            Files.deleteIfExists(incomplete);
            return transfer(meta, incomplete, 0, newDigest(meta), progress);
        } else if (code == 200) {
            append = false;
            if (have > 0) {
                // The server ignored Range: start over.
                digest = newDigest(meta);
                progress.step(-have);
            }
        } else {
            String body;
            try (InputStream in = resp.body()) {
                body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            throw httpError(code, resp.headers().firstValue("X-Error-Code").orElse(null),
                    errorMessage(resp.headers().firstValue("X-Error-Message").orElse(null), body), url);
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
                progress.step(n);
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
        requireOnline("reading repository info");
        String url = config.endpoint() + "/api/" + type.plural() + "/" + repo
                + (revision == null ? "" : "/revision/" + RepoPaths.quoteSegment(revision)) + "?blobs=true";
        return getJson(url, RepoInfo.class, repo, revision);
    }

    /** Info of a model repository at its main branch. */
    public RepoInfo info(String repo) {
        return info(RepoType.MODEL, repo, null);
    }

    /**
     * Lists repositories, following {@code Link: <...>; rel="next"} pages until the query's limit.
     */
    public List<RepoInfo> list(RepoType type, ListQuery query) {
        requireOnline("listing repositories");
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
                throw protocolError("more than 10000 pages of results; the hub's Link headers loop");
            }
            HttpResponse<String> resp = send(request(next).GET().header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            raiseForStatus(resp, resp.body(), null, null, null);
            try {
                RepoInfo[] page = Json.MAPPER.readValue(resp.body(), RepoInfo[].class);
                for (RepoInfo r : page) {
                    out.add(r);
                    if (query.limit() != null && out.size() >= query.limit()) {
                        return out;
                    }
                }
            } catch (IOException e) {
                throw protocolError("cannot parse the listing from " + next + ": " + e.getMessage());
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
        requireOnline("checking the token");
        if (config.token() == null) {
            throw new GraftException("no hub token", "set GRAFT_TOKEN or run graft hub login");
        }
        return getJson(config.endpoint() + "/api/whoami-v2", JsonNode.class, null, null);
    }

    // ---------------------------------------------------------------- repositories

    /**
     * {@code POST /api/repos/create}. With {@code existOk} an existing repository is not an error.
     * Returns the repository URL.
     */
    public String createRepo(RepoType type, String repo, boolean isPrivate, boolean existOk) {
        RepoPaths.checkRepoId(repo);
        requireOnline("creating a repository");
        String[] parts = repo.split("/");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", parts[1]);
        body.put("organization", parts[0]);
        body.put("private", isPrivate);
        if (type != RepoType.MODEL) {
            body.put("type", type.wireName());
        }
        HttpResponse<String> resp = send(jsonRequest(config.endpoint() + "/api/repos/create", "POST", body),
                HttpResponse.BodyHandlers.ofString());
        String url = config.endpoint() + "/" + type.urlPrefix() + repo;
        if (resp.statusCode() == 409 && existOk) {
            return url;
        }
        if (resp.statusCode() == 409) {
            throw new HubException("repository " + repo + " already exists", "pick another name or push to it",
                    409, resp.headers().firstValue("X-Error-Code").orElse(null));
        }
        raiseForStatus(resp, resp.body(), repo, null, null);
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
        requireOnline("deleting a repository");
        String[] parts = repo.split("/");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", parts[1]);
        body.put("organization", parts[0]);
        if (type != RepoType.MODEL) {
            body.put("type", type.wireName());
        }
        HttpResponse<String> resp = send(jsonRequest(config.endpoint() + "/api/repos/delete", "DELETE", body),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() == 404 && missingOk) {
            return;
        }
        raiseForStatus(resp, resp.body(), repo, null, null);
    }

    /** {@code POST /api/{type}s/{repo}/branch/{branch}} from {@code startingPoint} ({@code null}: main). */
    public void createBranch(RepoType type, String repo, String branch, String startingPoint) {
        RepoPaths.checkRepoId(repo);
        requireOnline("creating a branch");
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (startingPoint != null) {
            body.put("startingPoint", startingPoint);
        }
        String url = config.endpoint() + "/api/" + type.plural() + "/" + repo + "/branch/" + RepoPaths.quoteSegment(branch);
        HttpResponse<String> resp = send(jsonRequest(url, "POST", body), HttpResponse.BodyHandlers.ofString());
        raiseForStatus(resp, resp.body(), repo, startingPoint, null);
    }

    /** {@code POST /api/{type}s/{repo}/tag/{revision}} with {@code {"tag": tag}}: names a commit, e.g. v1.0. */
    public void createTag(RepoType type, String repo, String tag, String revision, String message) {
        RepoPaths.checkRepoId(repo);
        requireOnline("creating a tag");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("tag", tag);
        if (message != null) {
            body.put("message", message);
        }
        String rev = revisionOrMain(revision);
        String url = config.endpoint() + "/api/" + type.plural() + "/" + repo + "/tag/" + RepoPaths.quoteSegment(rev);
        HttpResponse<String> resp = send(jsonRequest(url, "POST", body), HttpResponse.BodyHandlers.ofString());
        raiseForStatus(resp, resp.body(), repo, rev, null);
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
        RepoPaths.checkRepoId(repo);
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
        createRepo(type, repo, isPrivate, true);
        return uploadFolder(type, repo, dir, revision, message);
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
        if (!Files.isDirectory(dir)) {
            throw new GraftException("not a folder: " + dir, "give the folder to upload");
        }
        List<CommitOperation> ops = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).sorted().forEach(p -> {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (!rel.startsWith(".git/") && !rel.equals(".git") && !rel.startsWith(".cache/huggingface/")) {
                    ops.add(CommitOperation.add(rel, p));
                }
            });
        } catch (IOException e) {
            throw new GraftException("cannot read " + dir + ": " + e.getMessage(), "check the folder's permissions", e);
        }
        if (ops.isEmpty()) {
            throw new GraftException("nothing to upload in " + dir, "put the model files in the folder first");
        }
        return commit(type, repo, revision, message, null, ops, null);
    }

    /**
     * Makes one commit: asks the hub which files go through LFS ({@code preupload}), uploads those
     * with the Git LFS batch API, then posts the NDJSON commit (regular files inline, base64).
     *
     * @param parentCommit when set, the hub rejects the commit if the branch moved (optimistic lock)
     */
    public CommitInfo commit(RepoType type, String repo, String revision, String message, String description,
                             List<CommitOperation> operations, String parentCommit) {
        RepoPaths.checkRepoId(repo);
        requireOnline("uploading");
        if (config.token() == null) {
            throw new GraftException("uploading needs a hub token", "set GRAFT_TOKEN or run graft hub login");
        }
        if (message == null || message.isBlank()) {
            throw new GraftException("empty commit message", "say what changed, e.g. --message \"Add weights\"");
        }
        String rev = revisionOrMain(revision);
        List<PreparedFile> files = new ArrayList<>();
        for (CommitOperation op : operations) {
            if (op instanceof CommitOperation.Add add) {
                files.add(PreparedFile.of(add));
            }
        }
        Map<String, String> modes = preupload(type, repo, rev, files);
        List<PreparedFile> lfs = new ArrayList<>();
        List<PreparedFile> regular = new ArrayList<>();
        for (PreparedFile f : files) {
            String mode = modes.get(f.path);
            if (mode == null) {
                throw protocolError("preupload gave no upload mode for " + f.path);
            }
            if (!mode.equals("ignore")) {
                (mode.equals("lfs") ? lfs : regular).add(f);
            }
        }
        if (!lfs.isEmpty()) {
            uploadLfs(type, repo, rev, lfs);
        }
        String ndjson = commitPayload(message, description, parentCommit, operations, lfs, regular);
        String url = config.endpoint() + "/api/" + type.plural() + "/" + repo + "/commit/" + RepoPaths.quoteSegment(rev);
        HttpResponse<String> resp = send(request(url).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        raiseForStatus(resp, resp.body(), repo, rev, null);
        try {
            JsonNode n = Json.MAPPER.readTree(resp.body());
            return new CommitInfo(n.path("commitOid").asText(null), n.path("commitUrl").asText(null),
                    lfs.size() + regular.size(), lfs.size());
        } catch (IOException e) {
            throw protocolError("cannot parse the commit answer: " + e.getMessage());
        }
    }

    /** The NDJSON body of {@code /commit/{rev}}: a header line, then one line per operation. */
    static String commitPayload(String message, String description, String parentCommit,
                                List<CommitOperation> operations, List<PreparedFile> lfs,
                                List<PreparedFile> regular) {
        Map<String, PreparedFile> lfsByPath = new LinkedHashMap<>();
        lfs.forEach(f -> lfsByPath.put(f.path, f));
        Map<String, PreparedFile> regularByPath = new LinkedHashMap<>();
        regular.forEach(f -> regularByPath.put(f.path, f));
        StringBuilder sb = new StringBuilder();
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("key", "header");
        ObjectNode hv = header.putObject("value");
        hv.put("summary", message);
        hv.put("description", description == null ? "" : description);
        if (parentCommit != null) {
            hv.put("parentCommit", parentCommit);
        }
        sb.append(compact(header)).append('\n');
        for (CommitOperation op : operations) {
            ObjectNode line = Json.MAPPER.createObjectNode();
            ObjectNode v = Json.MAPPER.createObjectNode();
            if (op instanceof CommitOperation.Add) {
                PreparedFile l = lfsByPath.get(op.pathInRepo());
                PreparedFile r = regularByPath.get(op.pathInRepo());
                if (l != null) {
                    line.put("key", "lfsFile");
                    v.put("path", l.path);
                    v.put("algo", "sha256");
                    v.put("oid", l.sha256);
                    v.put("size", l.size);
                } else if (r != null) {
                    line.put("key", "file");
                    v.put("content", r.base64());
                    v.put("path", r.path);
                    v.put("encoding", "base64");
                } else {
                    continue; // the hub said to ignore it
                }
            } else if (op instanceof CommitOperation.Delete) {
                line.put("key", "deletedFile");
                v.put("path", op.pathInRepo());
            } else {
                line.put("key", "deletedFolder");
                v.put("path", op.pathInRepo());
            }
            line.set("value", v);
            sb.append(compact(line)).append('\n');
        }
        return sb.toString();
    }

    private Map<String, String> preupload(RepoType type, String repo, String rev, List<PreparedFile> files) {
        Map<String, String> modes = new LinkedHashMap<>();
        String url = config.endpoint() + "/api/" + type.plural() + "/" + repo + "/preupload/" + RepoPaths.quoteSegment(rev);
        for (int i = 0; i < files.size(); i += PREUPLOAD_CHUNK) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            ArrayNode arr = body.putArray("files");
            for (PreparedFile f : files.subList(i, Math.min(files.size(), i + PREUPLOAD_CHUNK))) {
                ObjectNode o = arr.addObject();
                o.put("path", f.path);
                o.put("sample", Base64.getEncoder().encodeToString(f.sample));
                o.put("size", f.size);
            }
            HttpResponse<String> resp = send(jsonRequest(url, "POST", body), HttpResponse.BodyHandlers.ofString());
            raiseForStatus(resp, resp.body(), repo, rev, null);
            try {
                for (JsonNode f : Json.MAPPER.readTree(resp.body()).path("files")) {
                    String mode = f.path("shouldIgnore").asBoolean(false) ? "ignore" : f.path("uploadMode").asText("");
                    if (!mode.equals("lfs") && !mode.equals("regular") && !mode.equals("ignore")) {
                        throw protocolError("unknown upload mode '" + mode + "' for " + f.path("path").asText());
                    }
                    modes.put(f.path("path").asText(), mode);
                }
            } catch (IOException e) {
                throw protocolError("cannot parse the preupload answer: " + e.getMessage());
            }
        }
        return modes;
    }

    /** Git LFS batch API ({@code basic} transfer): ask where to put each object, PUT it, verify. */
    private void uploadLfs(RepoType type, String repo, String rev, List<PreparedFile> lfs) {
        String batchUrl = config.endpoint() + "/" + type.urlPrefix() + repo + ".git/info/lfs/objects/batch";
        long total = lfs.stream().mapToLong(f -> f.size).sum();
        try (Progress progress = Progress.start("upload " + repo, total, "B")) {
            for (int i = 0; i < lfs.size(); i += PREUPLOAD_CHUNK) {
                List<PreparedFile> chunk = lfs.subList(i, Math.min(lfs.size(), i + PREUPLOAD_CHUNK));
                ObjectNode body = Json.MAPPER.createObjectNode();
                body.put("operation", "upload");
                body.putArray("transfers").add("basic");
                ArrayNode objects = body.putArray("objects");
                for (PreparedFile f : chunk) {
                    objects.addObject().put("oid", f.sha256).put("size", f.size);
                }
                body.put("hash_algo", "sha256");
                body.putObject("ref").put("name", rev);
                HttpRequest req = request(batchUrl).header("Accept", "application/vnd.git-lfs+json")
                        .header("Content-Type", "application/vnd.git-lfs+json")
                        .POST(HttpRequest.BodyPublishers.ofString(compact(body))).build();
                HttpResponse<String> resp = send(req, HttpResponse.BodyHandlers.ofString());
                raiseForStatus(resp, resp.body(), repo, rev, null);
                JsonNode answer;
                try {
                    answer = Json.MAPPER.readTree(resp.body());
                } catch (IOException e) {
                    throw protocolError("cannot parse the LFS batch answer: " + e.getMessage());
                }
                String transfer = answer.path("transfer").asText("basic");
                if (!transfer.equals("basic")) {
                    throw protocolError("the hub chose LFS transfer '" + transfer + "'; only 'basic' is supported");
                }
                Map<String, PreparedFile> byOid = new LinkedHashMap<>();
                chunk.forEach(f -> byOid.put(f.sha256, f));
                for (JsonNode obj : answer.path("objects")) {
                    PreparedFile f = byOid.get(obj.path("oid").asText());
                    if (f == null) {
                        throw protocolError("the LFS batch answer names an object that was not asked for");
                    }
                    if (obj.has("error")) {
                        throw new HubException("LFS upload of " + f.path + " refused: "
                                + obj.path("error").path("message").asText(obj.path("error").toString()),
                                "check the token's write access and the size limits",
                                obj.path("error").path("code").asInt(0), null);
                    }
                    JsonNode upload = obj.path("actions").path("upload");
                    if (upload.isMissingNode()) {
                        progress.step(f.size); // already on the hub
                        continue;
                    }
                    putObject(upload, f, progress);
                    JsonNode verify = obj.path("actions").path("verify");
                    if (!verify.isMissingNode()) {
                        ObjectNode vb = Json.MAPPER.createObjectNode().put("oid", f.sha256).put("size", f.size);
                        HttpRequest.Builder vr = sameOrigin(verify.path("href").asText(), config.endpoint())
                                ? request(verify.path("href").asText()) : bareRequest(verify.path("href").asText());
                        applyActionHeaders(vr, verify.path("header"), "application/vnd.git-lfs+json");
                        HttpResponse<String> vresp = send(vr.header("Accept", "application/vnd.git-lfs+json")
                                .POST(HttpRequest.BodyPublishers.ofString(compact(vb))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        raiseForStatus(vresp, vresp.body(), repo, rev, f.path);
                    }
                }
            }
        }
    }

    private void putObject(JsonNode upload, PreparedFile f, Progress progress) {
        String href = upload.path("href").asText(null);
        if (href == null) {
            throw protocolError("LFS upload action without href for " + f.path);
        }
        if (upload.path("header").has("chunk_size")) {
            throw protocolError("the hub asked for a multipart LFS upload; only 'basic' is supported");
        }
        // Presigned URLs on another host must not see our token; the hub's own URLs may.
        HttpRequest.Builder b = sameOrigin(href, config.endpoint()) ? request(href) : bareRequest(href);
        applyActionHeaders(b, upload.path("header"), "application/octet-stream");
        long[] sent = {0};
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        progress.step(-sent[0]); // a retried body starts over
                        sent[0] = 0;
                        return new FilterInputStream(Files.newInputStream(f.source)) {
                            @Override
                            public int read(byte[] buf, int off, int len) throws IOException {
                                int n = super.read(buf, off, len);
                                if (n > 0) {
                                    sent[0] += n;
                                    progress.step(n);
                                }
                                return n;
                            }
                        };
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }), f.size);
        HttpResponse<String> resp = send(b.PUT(body).build(),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() / 100 != 2) {
            throw httpError(resp.statusCode(), resp.headers().firstValue("X-Error-Code").orElse(null),
                    errorMessage(null, resp.body()), href);
        }
    }

    /** Adds an LFS action's headers (but those the JDK owns) and a Content-Type unless it has one. */
    private static void applyActionHeaders(HttpRequest.Builder b, JsonNode headers, String defaultType) {
        boolean[] typed = {false};
        headers.fields().forEachRemaining(e -> {
            String k = e.getKey().toLowerCase(Locale.ROOT);
            if (!RESTRICTED_HEADERS.contains(k)) {
                b.header(e.getKey(), e.getValue().asText());
                typed[0] |= k.equals("content-type");
            }
        });
        if (!typed[0]) {
            b.header("Content-Type", defaultType);
        }
    }

    /** A file to add, hashed once: size, sha256, the first 512 bytes for the hub's preupload check. */
    static final class PreparedFile {
        final String path;
        final Path source;
        final long size;
        final String sha256;
        final byte[] sample;

        private PreparedFile(String path, Path source, long size, String sha256, byte[] sample) {
            this.path = path;
            this.source = source;
            this.size = size;
            this.sha256 = sha256;
            this.sample = sample;
        }

        static PreparedFile of(CommitOperation.Add add) {
            Path src = add.source();
            if (!Files.isRegularFile(src)) {
                throw new GraftException("cannot upload " + src + ": not a readable file", "check the path");
            }
            try (InputStream in = Files.newInputStream(src)) {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                byte[] sample = in.readNBytes(SAMPLE_BYTES);
                d.update(sample);
                long size = sample.length;
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    d.update(buf, 0, n);
                    size += n;
                }
                return new PreparedFile(add.pathInRepo(), src, size, HexFormat.of().formatHex(d.digest()), sample);
            } catch (IOException e) {
                throw new GraftException("cannot read " + src + ": " + e.getMessage(), "check the file", e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        String base64() {
            try {
                return Base64.getEncoder().encodeToString(Files.readAllBytes(source));
            } catch (IOException e) {
                throw new GraftException("cannot read " + source + ": " + e.getMessage(), "check the file", e);
            }
        }
    }

    // ---------------------------------------------------------------- HTTP plumbing

    /** {@code {endpoint}/{datasets/}{repo}/resolve/{quoted revision}/{quoted path}}. */
    public String resolveUrl(RepoType type, String repo, String file, String revision) {
        return config.endpoint() + "/" + type.urlPrefix() + repo + "/resolve/"
                + RepoPaths.quoteSegment(revisionOrMain(revision)) + "/" + RepoPaths.quotePath(file);
    }

    private <T> T getJson(String url, Class<T> cls, String repo, String revision) {
        HttpResponse<String> resp = send(request(url).GET().header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        raiseForStatus(resp, resp.body(), repo, revision, null);
        try {
            return Json.MAPPER.readValue(resp.body(), cls);
        } catch (IOException e) {
            throw protocolError("cannot parse the answer of " + url + ": " + e.getMessage());
        }
    }

    private HttpRequest jsonRequest(String url, String method, JsonNode body) {
        return request(url).header("Content-Type", "application/json").header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(compact(body))).build();
    }

    /** A request to the hub itself: user agent and, when there is one, the bearer token. */
    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = bareRequest(url);
        if (config.token() != null) {
            b.header("Authorization", "Bearer " + config.token());
        }
        return b;
    }

    private HttpRequest.Builder bareRequest(String url) {
        try {
            return HttpRequest.newBuilder(URI.create(url)).header("User-Agent", USER_AGENT)
                    .timeout(Duration.ofMinutes(10));
        } catch (IllegalArgumentException e) {
            throw protocolError("invalid URL " + url);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(req, handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new HubException("cannot reach the hub at " + config.endpoint() + " (" + e.getClass().getSimpleName() + ")",
                    "start one with 'graft hub serve', set GRAFT_ENDPOINT, or use the cache with GRAFT_HUB_OFFLINE=1",
                    0, null);
        } catch (IOException e) {
            throw new HubException("connection to " + req.uri().getHost() + " failed: " + e.getMessage(),
                    "run again; a download resumes where it stopped", 0, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraftException("interrupted while talking to the hub");
        }
    }

    private void raiseForStatus(HttpResponse<?> resp, String body, String repo, String revision, String file) {
        int code = resp.statusCode();
        if (code / 100 == 2) {
            return;
        }
        String errorCode = resp.headers().firstValue("X-Error-Code").orElse(null);
        String message = errorMessage(resp.headers().firstValue("X-Error-Message").orElse(null), body);
        String tokenHint = config.token() == null ? "set GRAFT_TOKEN or run graft hub login" : "check that your token can read it";
        if (code == 404 && errorCode == null && file != null) {
            throw new HubException(file + " not found in " + repo + " at " + revision + " (or no such repository)",
                    "check the names (graft hub info " + repo + " lists the files)", code, null);
        }
        if ("RepoNotFound".equals(errorCode) || (repo != null && (code == 401 || (code == 404 && errorCode == null)))) {
            throw new HubException("repository " + repo + " not found on " + config.endpoint()
                    + (code == 401 ? " (or it is private)" : ""),
                    "check the name; for a private repository " + tokenHint, code, errorCode);
        }
        if ("RevisionNotFound".equals(errorCode)) {
            throw new HubException("revision '" + revision + "' not found in " + repo,
                    "use a branch, tag or commit sha that exists (main by default)", code, errorCode);
        }
        if ("EntryNotFound".equals(errorCode)) {
            throw new HubException(file + " not found in " + repo + " at " + revision,
                    "check the file name (graft hub info " + repo + " lists the files)", code, errorCode);
        }
        if ("GatedRepo".equals(errorCode)) {
            throw new HubException("repository " + repo + " is gated", "request access on the hub's page", code, errorCode);
        }
        throw httpError(code, errorCode, message, resp.request().uri().toString());
    }

    private HubException httpError(int code, String errorCode, String message, String url) {
        String fix;
        switch (code) {
            case 401: fix = "set GRAFT_TOKEN or run graft hub login"; break;
            case 403: fix = "use a token with write access to this namespace (graft hub login)"; break;
            case 409: fix = "someone else changed it first; run again on the latest state"; break;
            case 413: fix = "the file is over the hub's size limit"; break;
            default: fix = code >= 500 ? "the hub failed; run again or check its log" : null;
        }
        return new HubException("the hub answered HTTP " + code + " for " + url
                + (message == null || message.isBlank() ? "" : ": " + message), fix, code, errorCode);
    }

    private static String errorMessage(String header, String body) {
        if (header != null && !header.isBlank()) {
            return header;
        }
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n.hasNonNull("error")) {
                return n.get("error").isTextual() ? n.get("error").asText() : n.get("error").toString();
            }
        } catch (IOException e) {
            // not JSON: keep the first line
        }
        String first = body.lines().findFirst().orElse("");
        return first.length() > 200 ? first.substring(0, 200) + "..." : first;
    }

    private void requireOnline(String what) {
        if (config.offline()) {
            throw new GraftException(what + " needs the hub, and offline mode is on",
                    "unset GRAFT_HUB_OFFLINE and HF_HUB_OFFLINE");
        }
    }

    private static GraftException protocolError(String problem) {
        return new GraftException(problem, "check GRAFT_ENDPOINT points at a Hugging Face-compatible hub");
    }

    static boolean sameOrigin(String a, String b) {
        try {
            URI x = URI.create(a);
            URI y = URI.create(b);
            return x.getScheme() != null && x.getScheme().equalsIgnoreCase(y.getScheme())
                    && x.getHost() != null && x.getHost().equalsIgnoreCase(y.getHost()) && port(x) == port(y);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
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

    private static String revisionOrMain(String revision) {
        return revision == null || revision.isBlank() ? "main" : revision;
    }

    private static String compact(JsonNode n) {
        try {
            return Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String version() {
        Package p = Hub.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v.toLowerCase(Locale.ROOT);
    }
}
