package dev.graft.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import dev.graft.progress.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
 *
 * <p>The work is done by package-private parts, one concern each: {@link HubRepos} (the REST API of
 * repositories), {@link RemoteFiles} (a file's metadata and ranged reads), {@link HubDownloader} and
 * {@link BlobFetcher} (files and snapshots into the cache), {@link ModelRepository} ({@code hf-hub:}
 * model repositories), {@link FolderUpload} and {@link CommitUploader} (commits).
 */
public final class Hub {
    /**
     * What {@link #snapshotModel(String)} fetches: config (and a sharded checkpoint's
     * {@code model.safetensors.index.json}), weights (every shard too) and the card.
     */
    public static final List<String> MODEL_FILES = List.of("*.json", "*.safetensors", "README.md");

    private final HubConfig config;
    private final HubCache cache;
    private final HubHttp http;
    private final HubRepos repos;
    private final RemoteFiles remote;
    private final ModelRepository models;
    private final CommitUploader uploader;
    private final HubDownloader downloader;

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
        this.repos = new HubRepos(config, http);
        this.remote = new RemoteFiles(cache, http);
        this.models = new ModelRepository(this);
        this.uploader = new CommitUploader(http);
        this.downloader = new HubDownloader(this, remote, new BlobFetcher(http, retries));
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

    /** Reads of one remote file without downloading it (metadata, ranged bytes). */
    RemoteFiles remote() {
        return remote;
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
        return models.snapshot(hfHubSpec);
    }

    /**
     * The files of {@code hf-hub:owner/name[@revision]} that {@link #MODEL_FILES} match, at one commit,
     * with none required (an adapter's repository has {@code adapter_config.json}, no {@code config.json}).
     */
    public Path snapshotFiles(String hfHubSpec) {
        return models.files(hfHubSpec);
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
        return models.remoteCheckpoint(hfHubSpec);
    }

    /**
     * Reads a file's metadata with {@code HEAD .../resolve/...} (following the hub's relative
     * redirects, e.g. after a rename; an absolute redirect is where LFS bytes live).
     */
    public FileMetadata fileMetadata(RepoType type, String repo, String file, String revision) {
        return remote.fileMetadata(type, repo, file, revision);
    }

    // ---------------------------------------------------------------- metadata

    /** {@code GET /api/{models|datasets}/{repo}[/revision/{rev}]}: files, sha, tags, card data. */
    public RepoInfo info(RepoType type, String repo, String revision) {
        return repos.info(type, repo, revision);
    }

    /** Info of a model repository at its main branch. */
    public RepoInfo info(String repo) {
        return info(RepoType.MODEL, repo, null);
    }

    /**
     * Lists repositories, following {@code Link: <...>; rel="next"} pages until the query's limit.
     */
    public List<RepoInfo> list(RepoType type, ListQuery query) {
        return repos.list(type, query);
    }

    /** {@code search} over model repositories, first {@code limit} results. */
    public List<RepoInfo> search(String text, int limit) {
        return list(RepoType.MODEL, ListQuery.all().search(text).limit(limit));
    }

    /** {@code GET /api/whoami-v2}: who the token belongs to. */
    public JsonNode whoami() {
        return repos.whoami();
    }

    // ---------------------------------------------------------------- repositories

    /**
     * {@code POST /api/repos/create}. With {@code existOk} an existing repository is not an error.
     * Returns the repository URL.
     */
    public String createRepo(RepoType type, String repo, boolean isPrivate, boolean existOk) {
        return repos.createRepo(type, repo, isPrivate, existOk);
    }

    /** {@code DELETE /api/repos/delete}. With {@code missingOk} a missing repository is not an error. */
    public void deleteRepo(RepoType type, String repo, boolean missingOk) {
        repos.deleteRepo(type, repo, missingOk);
    }

    /** {@code POST /api/{type}s/{repo}/branch/{branch}} from {@code startingPoint} ({@code null}: main). */
    public void createBranch(RepoType type, String repo, String branch, String startingPoint) {
        repos.createBranch(type, repo, branch, startingPoint);
    }

    /** {@code POST /api/{type}s/{repo}/tag/{revision}} with {@code {"tag": tag}}: names a commit, e.g. v1.0. */
    public void createTag(RepoType type, String repo, String tag, String revision, String message) {
        repos.createTag(type, repo, tag, revision, message);
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
        List<CommitOperation> ops = FolderUpload.operations(dir, followSymlinks); // before anything is created on the hub
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
        return commit(type, repo, revision, message, null, FolderUpload.operations(dir, false), null);
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
        return remote.resolveUrl(type, repo, file, revision);
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
