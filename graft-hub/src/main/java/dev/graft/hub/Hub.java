package dev.graft.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import dev.graft.zoo.ResolvedWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    /**
     * What {@link #snapshotModel(String)} fetches: config (and a sharded checkpoint's
     * {@code model.safetensors.index.json}), weights (every shard too) and the card.
     */
    public static final List<String> MODEL_FILES = List.of("*.json", "*.safetensors", "README.md");

    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final HubConfig config;
    private final HubCache cache;
    private final HubHttp http;
    private final CommitUploader uploader;
    private final HubDownloader downloader;
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
        this.downloader = new HubDownloader(this, http, retries);
        this.retries = retries;
    }

    /**
     * The same client with another number of retries of a failed transfer (default 2): a cut
     * connection or a 5xx answer is retried after a short pause, resuming with Range. (A 429 is
     * retried apart from these, up to 5 tries in all, after the wait the hub advertises.)
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
        return downloader.download(type, repo, file, revision, null, false);
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
        return downloader.snapshot(type, repo, revision, allowPatterns, false);
    }

    /**
     * What {@code graft hub pull} does: {@link #snapshot(RepoType, String, String, List)}, but every
     * file already in the cache is hashed again and checked against its ETag. Online a damaged or
     * missing one is downloaded again (with a warning); offline it is an error naming the file.
     */
    public Path pull(RepoType type, String repo, String revision, List<String> allowPatterns) {
        return downloader.snapshot(type, repo, revision, allowPatterns, true);
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
        String[] rr = repoAndRevision(hfHubSpec);
        String repo = rr[0];
        String rev = rr[1];
        Path dir = snapshot(RepoType.MODEL, repo, rev, MODEL_FILES);
        if (!Files.exists(dir.resolve("config.json"))) {
            throw noConfig(repo);
        }
        try (Stream<Path> files = Files.list(dir)) {
            if (files.noneMatch(p -> p.getFileName().toString().endsWith(".safetensors"))) {
                throw noSafetensors(repo, publishesPickle(repo, rev));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checkShards(repo, rev, dir);
        return dir;
    }

    /** {@code hf-hub:owner/name[@revision]} (the prefix optional) as {repo, revision or null}. */
    private static String[] repoAndRevision(String hfHubSpec) {
        String spec = hfHubSpec.startsWith("hf-hub:") ? hfHubSpec.substring("hf-hub:".length()) : hfHubSpec;
        int at = spec.indexOf('@');
        String repo = at < 0 ? spec : spec.substring(0, at);
        String rev = at < 0 ? null : spec.substring(at + 1);
        if (rev != null && rev.isEmpty()) {
            throw new GraftException("empty revision in '" + hfHubSpec + "'", "write hf-hub:owner/name or hf-hub:owner/name@revision");
        }
        return new String[] {repo, rev};
    }

    private static GraftException noConfig(String repo) {
        return new GraftException("model repository " + repo + " has no config.json",
                "push the model with its config.json (graft exports it next to model.safetensors)");
    }

    private static GraftException noSafetensors(String repo, boolean pickle) {
        if (pickle) {
            return new GraftException("model repository " + repo + " publishes its weights only as "
                    + ResolvedWeights.PICKLE_FILE + ", a PyTorch pickle, which Graft never loads (unpickling can run code)",
                    "use a revision with model.safetensors, or download it, " + ResolvedWeights.convertPickle(ResolvedWeights.PICKLE_FILE)
                            + " and load the folder with local-dir:");
        }
        return new GraftException("model repository " + repo + " has no .safetensors weights", "push model.safetensors with the config");
    }

    /**
     * What a model repository's weights hold, without downloading them: {@code config.json} (and a
     * sharded checkpoint's index) come into the cache, and each safetensors file gives its header to
     * a HEAD and at most two ranged GETs. What {@code graft models info hf-hub:...} shows.
     *
     * <pre>{@code
     * RemoteCheckpoint ck = new Hub().remoteCheckpoint("hf-hub:alice/mnist-resnet");
     * ck.tensors().forEach((name, t) -> System.out.println(name + " " + t.dtype() + " " + Arrays.toString(t.shape())));
     * }</pre>
     */
    public RemoteCheckpoint remoteCheckpoint(String hfHubSpec) {
        String[] rr = repoAndRevision(hfHubSpec);
        String repo = rr[0];
        http.requireOnline("reading the weights' headers of " + repo);
        RepoInfo info = info(RepoType.MODEL, repo, rr[1]);
        if (!RepoPaths.isCommitSha(info.sha())) {
            throw HubHttp.protocolError("the hub sent no commit sha for " + repo);
        }
        String commit = info.sha();
        List<String> files = info.files();
        if (!files.contains(ResolvedWeights.CONFIG_FILE)) {
            throw noConfig(repo);
        }
        Path config = download(RepoType.MODEL, repo, ResolvedWeights.CONFIG_FILE, commit);
        List<String> weights;
        boolean sharded = false;
        if (files.contains(ResolvedWeights.WEIGHTS_FILE)) {
            weights = List.of(ResolvedWeights.WEIGHTS_FILE);
        } else if (files.contains(ResolvedWeights.INDEX_FILE)) {
            weights = shardsOf(repo, download(RepoType.MODEL, repo, ResolvedWeights.INDEX_FILE, commit), files);
            sharded = true;
        } else {
            throw noSafetensors(repo, files.contains(ResolvedWeights.PICKLE_FILE));
        }
        java.util.Map<String, Long> sizes = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> sha256 = new java.util.LinkedHashMap<>();
        java.util.Map<String, dev.graft.weights.TensorInfo> tensors = new java.util.LinkedHashMap<>();
        for (String f : weights) {
            FileMetadata meta = fileMetadata(RepoType.MODEL, repo, f, commit);
            sizes.put(f, meta.size());
            if (meta.isSha256()) {
                sha256.put(f, meta.etag());
            }
            dev.graft.weights.SafeTensors.Header h = downloader.safetensorsHeader(meta, repo + "@" + commit.substring(0, 12) + ": " + f);
            for (var e : h.tensors().entrySet()) {
                if (tensors.putIfAbsent(e.getKey(), e.getValue()) != null) {
                    throw new GraftException("model repository " + repo + ": tensor '" + e.getKey() + "' is in more than one shard",
                            "re-save the checkpoint (save_pretrained writes each tensor once)");
                }
            }
        }
        return new RemoteCheckpoint(repo, commit, config, java.util.Collections.unmodifiableMap(sizes),
                java.util.Collections.unmodifiableMap(sha256), java.util.Collections.unmodifiableMap(tensors), sharded);
    }

    /** The shards {@code index} names (each once, in order), each one the repository holds. */
    private static List<String> shardsOf(String repo, Path index, List<String> files) {
        JsonNode map;
        try {
            map = Json.MAPPER.readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new GraftException("model repository " + repo + ": " + ResolvedWeights.INDEX_FILE + " is not JSON: " + e.getMessage(),
                    "re-save the checkpoint (save_pretrained writes the index with its shards)");
        }
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new GraftException("model repository " + repo + ": " + ResolvedWeights.INDEX_FILE + " has no weight_map",
                    "re-save the checkpoint (save_pretrained writes the index with its shards)");
        }
        java.util.Set<String> shards = new java.util.LinkedHashSet<>();
        java.util.Set<String> missing = new java.util.TreeSet<>();
        for (JsonNode v : map) {
            String shard = v.asText();
            if (!v.isTextual() || shard.contains("/") || !shard.endsWith(".safetensors")) {
                throw new GraftException("model repository " + repo + ": " + ResolvedWeights.INDEX_FILE + " names '" + shard
                        + "', not a .safetensors file beside it", "re-save the checkpoint (save_pretrained writes the index with its shards)");
            }
            (files.contains(shard) ? shards : missing).add(shard);
        }
        if (!missing.isEmpty()) {
            throw new GraftException("model repository " + repo + ": " + ResolvedWeights.INDEX_FILE + " names shard"
                    + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing) + ", which the repository does not hold",
                    "push every shard the index names (save_pretrained writes them together), or a single model.safetensors");
        }
        return List.copyOf(shards);
    }

    /**
     * A repository without {@code model.safetensors} but with {@code model.safetensors.index.json}
     * (transformers' sharded checkpoint): every shard the index names came with the snapshot
     * ({@link #MODEL_FILES} match them); one the repository lacks is named here, with the repository.
     */
    private void checkShards(String repo, String rev, Path dir) {
        if (Files.exists(dir.resolve(ResolvedWeights.WEIGHTS_FILE)) || !Files.exists(dir.resolve(ResolvedWeights.INDEX_FILE))) {
            return;
        }
        JsonNode map;
        try {
            map = Json.MAPPER.readTree(dir.resolve(ResolvedWeights.INDEX_FILE).toFile()).get("weight_map");
        } catch (IOException e) {
            return;  // the checkpoint reader says what is wrong with the index, naming it
        }
        if (map == null || !map.isObject()) {
            return;
        }
        java.util.Set<String> missing = new java.util.TreeSet<>();
        for (JsonNode v : map) {
            if (v.isTextual() && !v.asText().contains("/") && !Files.exists(dir.resolve(v.asText()))) {
                missing.add(v.asText());
            }
        }
        if (!missing.isEmpty()) {
            String shards = " names shard" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing);
            String where = "model repository " + repo + (rev == null ? "" : "@" + rev) + ": " + ResolvedWeights.INDEX_FILE;
            if (config.offline()) {
                throw new GraftException(where + shards + ", which the cache does not hold (offline mode is on)",
                        "download the repository once online (graft hub pull " + repo + "), then work offline");
            }
            throw new GraftException(where + shards + ", which the repository does not hold",
                    "push every shard the index names (save_pretrained writes them together), or a single model.safetensors");
        }
    }

    /** Whether the repository holds a {@code pytorch_model.bin}; false where that cannot be asked (offline). */
    private boolean publishesPickle(String repo, String rev) {
        try {
            return info(RepoType.MODEL, repo, rev).files().contains(ResolvedWeights.PICKLE_FILE);
        } catch (GraftException e) {
            return false;
        }
    }

    /**
     * Reads a file's metadata with {@code HEAD .../resolve/...} (following the hub's relative
     * redirects, e.g. after a rename; an absolute redirect is where LFS bytes live).
     */
    public FileMetadata fileMetadata(RepoType type, String repo, String file, String revision) {
        return downloader.fileMetadata(type, repo, file, revision);
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
            HttpResponse<String> resp = http.sendFollowingRedirects(http.request(next).GET().header("Accept", "application/json").build(),
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
        ObjectNode body = repoBody(type, repo);
        body.put("private", isPrivate);
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
        HttpResponse<String> resp = http.send(http.jsonRequest(config.endpoint() + "/api/repos/delete", "DELETE", repoBody(type, repo)),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() == 404 && missingOk) {
            return;
        }
        http.raiseForStatus(resp, resp.body(), repo, null, null);
    }

    /** The body naming a repository in create and delete: {@code name}, {@code organization} and, unless a model, {@code type}. */
    private static ObjectNode repoBody(RepoType type, String repo) {
        String[] parts = repo.split("/");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", parts[1]);
        body.put("organization", parts[0]);
        if (type != RepoType.MODEL) {
            body.put("type", type.singular());
        }
        return body;
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
