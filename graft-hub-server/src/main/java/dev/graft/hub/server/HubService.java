package dev.graft.hub.server;

import dev.graft.hub.protocol.HubProtocolException;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.card.ModelCard;
import dev.graft.hub.server.index.IndexDb;
import dev.graft.hub.server.index.RepoRecord;
import dev.graft.hub.server.index.TokenInfo;
import dev.graft.hub.server.store.Commit;
import dev.graft.hub.server.store.CommitOp;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.Hashes;
import dev.graft.hub.server.store.RepoMeta;
import dev.graft.hub.server.store.RepoStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hub without HTTP: repositories on disk, the index, cards and access rules. The HTTP server
 * and the CLI call it; tests may too.
 *
 * <pre>{@code
 * try (HubService hub = HubService.open(dataDir, null)) {
 *     String token = hub.createToken("alice", "laptop", true);
 * }
 * }</pre>
 */
public final class HubService implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How old an unreferenced object must be before garbage collection deletes it. */
    public static final Duration GC_GRACE = Duration.ofHours(1);

    private final RepoStore store;
    private final IndexDb index;
    /** One background thread for garbage collection after deletes; runs never overlap. */
    private final ExecutorService collector = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hub-gc");
        t.setDaemon(true);
        return t;
    });
    private Future<RepoStore.GcResult> queuedGc;
    private boolean queuedGcStarted = true;
    private Future<RepoStore.GcResult> latestGc;
    private final Map<RepoId, AtomicLong> pendingDownloads = new ConcurrentHashMap<>();
    private final AtomicBoolean flusherStarted = new AtomicBoolean();
    private final AtomicBoolean downloadsPending = new AtomicBoolean();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hub-download-counts");
        t.setDaemon(true);
        return t;
    });

    private final byte[] signingKey;
    private volatile boolean presign;

    private HubService(RepoStore store, IndexDb index, byte[] signingKey) {
        this.store = store;
        this.index = index;
        this.signingKey = signingKey;
    }

    /**
     * Opens the hub at {@code dataDir}: repairs what a kill may have left, then brings the index in
     * line with the store. {@code dbUrl} {@code null} means the embedded H2 index at {@code dataDir/index}.
     */
    public static HubService open(Path dataDir, String dbUrl) throws IOException {
        return open(dataDir, dbUrl, null);
    }

    /**
     * As {@link #open(Path, String)} with the file contents in {@code blobStore} ({@code s3://bucket[/prefix]};
     * {@code null} for the data folder). With a shared blob store the repositories, refs and commits live in
     * the index database too ({@link dev.graft.hub.server.store.SqlRepoStore}), so any number of servers
     * on one PostgreSQL database and one bucket serve the same hub. The database and the bucket are both
     * checked here: a wrong setting fails at start-up with one line, not at the first request.
     */
    public static HubService open(Path dataDir, String dbUrl, String blobStore) throws IOException {
        IndexDb index = IndexDb.open(indexUrl(dataDir, dbUrl));
        RepoStore store;
        try {
            store = RepoStore.open(dataDir, blobStore, index);
            store.recover();
        } catch (IOException | RuntimeException | Error e) {
            index.close();
            throw e;
        }
        HubService hub = new HubService(store, index, store.signingKey());
        hub.reindexAll();
        return hub;
    }

    /** The index database's JDBC URL: {@code dbUrl}, or the embedded H2 database in {@code dataDir} when none is given. */
    public static String indexUrl(Path dataDir, String dbUrl) {
        return dbUrl == null || dbUrl.isBlank() ? IndexDb.h2Url(dataDir.resolve("index")) : dbUrl;
    }

    /**
     * Whether downloads of stored files answer with a redirect to a presigned URL of the blob store (where
     * it has them: S3) rather than with the bytes.
     */
    public void presignDownloads(boolean on) {
        this.presign = on;
    }

    /** A presigned URL that serves this object's bytes, or {@code null} when downloads go through the server. */
    java.net.URI presignedDownload(String sha256, String fileName) {
        return presign ? store.blobs().presignedUrl(sha256, fileName) : null;
    }

    /** The key LFS transfer URLs are signed with (HMAC-SHA256). */
    byte[] signingKey() {
        return signingKey.clone();
    }

    public RepoStore store() {
        return store;
    }

    /** The index, with the downloads counted so far written to it (so what it answers is current). */
    public IndexDb index() {
        flushDownloadCounts();
        return index;
    }

    /** Rebuilds every repository row from the store and drops rows of repositories that are gone. */
    public void reindexAll() throws IOException {
        Set<String> present = new HashSet<>();
        for (RepoId id : store.list()) {
            present.add(id.type().singular() + " " + id.id());
            try {
                reindex(id);
            } catch (HubError | IndexDb.IndexFailure e) {
                // A card that no longer validates (rules changed) or a damaged repository must not stop the server.
                try {
                    reindexWithCard(id, ModelCard.empty());
                } catch (HubError | IndexDb.IndexFailure again) {
                    org.slf4j.LoggerFactory.getLogger(HubService.class).warn("repository {} is not indexed: {}", id, again.getMessage());
                    present.remove(id.type().singular() + " " + id.id());
                }
            }
        }
        for (RepoType t : RepoType.values()) {
            for (String id : index.ids(t.singular())) {
                if (!present.contains(t.singular() + " " + id)) {
                    index.delete(t.singular(), id);
                }
            }
        }
    }

    /**
     * Commits to a branch and updates the index with it, as one step: if the index cannot be updated the
     * commit is undone and the failure thrown (the client gets a 500 and the branch is where it was).
     * Before anything moves it checks what the request claims: every LFS file is an object this
     * repository received, with that size; the title is not blank; the README.md it leaves is a valid card.
     */
    public Commit commit(RepoId id, String branch, String expectedParent, String author, String title, String message,
            List<CommitOp> ops) throws IOException {
        for (CommitOp op : ops) {
            if (op instanceof CommitOp.Put put && put.file().lfs()) {
                checkLfsObject(id, put.file());
            }
        }
        if (title == null || title.isBlank()) {
            throw HubError.badRequest("the commit header needs a 'summary'");
        }
        checkCard(ops);
        return store.commit(id, branch, expectedParent, author, title, message, ops, c -> {
            if (branch.equals("main")) {
                reindex(id);
            }
        });
    }

    /** A repository may commit only LFS objects it was sent itself (blobs are shared between repositories). */
    private void checkLfsObject(RepoId id, FileEntry f) {
        long stored = store.blobs().size(f.sha256());
        if (stored < 0 || !store.hasLfsObject(id, f.sha256(), stored)) {
            throw HubError.badRequest("lfsFile " + f.path() + ": object " + f.sha256()
                    + " was not uploaded to " + id + "; upload it through the LFS batch API before committing");
        }
        if (stored != f.size()) {
            throw HubError.badRequest("lfsFile " + f.path() + ": size " + f.size() + " does not match the uploaded object ("
                    + stored + " bytes)");
        }
    }

    /** 400 if the README.md the operations leave (the last one written, unless deleted after) is not a valid card. */
    private void checkCard(List<CommitOp> ops) throws IOException {
        FileEntry readme = null;
        for (CommitOp op : ops) {
            if (op instanceof CommitOp.Put put && put.file().path().equals("README.md")) {
                readme = put.file();
            } else if (op instanceof CommitOp.Delete delete && delete.path().equals("README.md")) {
                readme = null;
            }
        }
        if (readme != null && readme.size() <= MAX_CARD_FILE) {
            ModelCard.parse(new String(store.blobs().read(readme.sha256()), StandardCharsets.UTF_8));
        }
    }

    /**
     * Creates a repository, commits its initial files (if any) and indexes it, as one step: if a later
     * part fails the repository is deleted again. Names are unique regardless of case.
     */
    public void createRepo(RepoId id, boolean isPrivate, String author, List<CommitOp> initialFiles)
            throws IOException {
        store.create(id, isPrivate, author);
        try {
            if (!initialFiles.isEmpty()) {
                store.commit(id, "main", null, author, "initial files", "", initialFiles);
            }
            reindex(id);
        } catch (IOException | RuntimeException | Error e) {
            try {
                store.delete(id);
                index.delete(id.type().singular(), id.id());
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Changes a repository's visibility in the store and the index together; on an index failure neither changes. */
    public void setPrivate(RepoId id, boolean isPrivate) throws IOException {
        store.locked(id, () -> {
            RepoMeta before = store.meta(id);
            store.setPrivate(id, isPrivate);
            try {
                reindex(id);
            } catch (IOException | RuntimeException | Error e) {
                store.setPrivate(id, before.isPrivate());
                throw e;
            }
            return null;
        });
    }

    /** Updates the index row of one repository from its main branch. */
    public void reindex(RepoId id) throws IOException {
        reindexWithCard(id, card(id, store.commitAt(id, "main")));
    }

    private void reindexWithCard(RepoId id, ModelCard card) throws IOException {
        // Under the repository's lock: two updates of one row (and its tags) never interleave.
        store.locked(id, () -> {
            RepoMeta meta = store.meta(id);
            if (meta == null) {
                index.delete(id.type().singular(), id.id());
                return null;
            }
            Commit head = store.commitAt(id, "main");
            RepoRecord old = index.get(id.type().singular(), id.id());
            index.upsert(new RepoRecord(id.type().singular(), id.id(), id.owner(), meta.isPrivate(), head.id(), head.time(),
                    meta.createdAt(), old == null ? 0 : old.downloads(), card.dataJson(), card.string("library_name"),
                    card.string("pipeline_tag"), card.string("license"), card.tags()));
            return null;
        });
    }

    /**
     * Deletes a repository and its index row, then collects garbage in the background (objects only it
     * referenced go once older than {@link #GC_GRACE}). Returns the collection's future.
     */
    public Future<RepoStore.GcResult> deleteRepo(RepoId id) throws IOException {
        // Index row first: if the database refuses, nothing changed; if the store then fails, the row comes back.
        store.locked(id, () -> {
            index.delete(id.type().singular(), id.id());
            try {
                store.delete(id);
            } catch (IOException | RuntimeException | Error e) {
                try {
                    reindex(id);
                } catch (IOException | RuntimeException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            return null;
        });
        return collectGarbageSoon();
    }

    /**
     * Queues a garbage collection with {@link #GC_GRACE} on the background thread; a run that is queued
     * and not started yet is shared, so a burst of deletes costs one run.
     */
    public synchronized Future<RepoStore.GcResult> collectGarbageSoon() {
        if (queuedGc == null || queuedGcStarted) {
            queuedGcStarted = false;
            queuedGc = collector.submit(() -> {
                synchronized (this) {
                    queuedGcStarted = true;
                }
                try {
                    RepoStore.GcResult r = store.collectGarbage(GC_GRACE);
                    if (r.deleted() > 0) {
                        org.slf4j.LoggerFactory.getLogger(HubService.class).info("garbage collection deleted {} objects ({} bytes)",
                                r.deleted(), r.bytesFreed());
                    }
                    return r;
                } catch (IOException | RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(HubService.class).warn("garbage collection failed: {}", e.toString());
                    throw e;
                }
            });
        }
        latestGc = queuedGc;
        return queuedGc;
    }

    /** The garbage collection queued last (by a delete), or {@code null} if none was. */
    public synchronized Future<RepoStore.GcResult> latestGarbageCollection() {
        return latestGc;
    }

    /**
     * Counts a download. Counts are gathered in memory and written to the index in batches (every few
     * seconds, before the index is read through {@link #index()}, and at close), so downloads, the hot
     * path, never wait for a database write.
     */
    public void countDownload(RepoId id) {
        pendingDownloads.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
        downloadsPending.set(true);
        if (flusherStarted.compareAndSet(false, true)) {
            flusher.scheduleWithFixedDelay(this::flushDownloadCounts, 2, 2, TimeUnit.SECONDS);
        }
    }

    /** Writes the downloads counted in memory to the index; a failed write keeps them for the next flush. */
    public void flushDownloadCounts() {
        // Under the lock: a reader that calls this while the background flush runs waits for its writes.
        synchronized (pendingDownloads) {
            if (!downloadsPending.getAndSet(false)) {
                return;
            }
            // Counters stay in the map (one per downloaded repository): removing one could lose an increment
            // made through it concurrently.
            for (Map.Entry<RepoId, AtomicLong> e : pendingDownloads.entrySet()) {
                RepoId id = e.getKey();
                long n = e.getValue().getAndSet(0);
                if (n == 0) {
                    continue;
                }
                try {
                    index.addDownloads(id.type().singular(), id.id(), n);
                } catch (RuntimeException failure) {
                    // Kept for the next flush (a database that is briefly away loses no counts).
                    e.getValue().addAndGet(n);
                    downloadsPending.set(true);
                    org.slf4j.LoggerFactory.getLogger(HubService.class).warn("{} downloads of {} not counted yet: {}", n, id, failure.getMessage());
                }
            }
        }
    }

    /** Largest README.md read as a card; a larger one is a file like any other (no card data). */
    public static final long MAX_CARD_FILE = 4L << 20;

    /** The card of a commit (empty when it has no README.md, or one over {@link #MAX_CARD_FILE}). */
    public ModelCard card(RepoId id, Commit commit) throws IOException {
        FileEntry readme = commit.file("README.md");
        if (readme == null || readme.size() > MAX_CARD_FILE) {
            return ModelCard.empty();
        }
        return ModelCard.parse(new String(store.blobs().read(readme.sha256()), StandardCharsets.UTF_8));
    }

    // ---- access ----

    /** The principal of an {@code Authorization} header; {@code null} when there is none; 401 for a bad token. */
    public Principal authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return null;
        }
        String value = authorization.trim();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw HubError.unauthorized("unsupported Authorization header: send 'Authorization: Bearer <token>'");
        }
        TokenInfo t = index.token(Hashes.sha256(value.substring(7).trim()));
        if (t == null) {
            throw HubError.unauthorized("Invalid credentials in Authorization header: the token is unknown or revoked");
        }
        return new Principal(t.user(), t.name(), t.canWrite());
    }

    /** Settings of a repository the principal may read; 404 for missing and for private ones of others. */
    public RepoMeta readable(RepoId id, Principal who) {
        RepoMeta meta = store.meta(id);
        if (meta == null || (meta.isPrivate() && (who == null || !who.user().equals(id.owner())))) {
            throw HubError.notFound("RepoNotFound", "Repository not found: " + id
                    + " (check the name; private repositories need a token of their owner)");
        }
        return meta;
    }

    /** Checks that the principal may write into this namespace (owner with a write token). */
    public void requireWriteNamespace(String owner, Principal who) {
        if (who == null) {
            throw HubError.unauthorized("writing needs a token: send 'Authorization: Bearer <token>' (create one with graft hub token create --user "
                    + owner + " --write)");
        }
        if (!who.user().equals(owner)) {
            throw HubError.forbidden("user " + who.user() + " may not write to the namespace " + owner);
        }
        if (!who.canWrite()) {
            throw HubError.forbidden("this token is read-only: create one with graft hub token create --user " + owner + " --write");
        }
    }

    /** Checks the principal may write to an existing repository (404 first if they may not even see it). */
    public RepoMeta requireWrite(RepoId id, Principal who) {
        RepoMeta meta = readable(id, who);
        requireWriteNamespace(id.owner(), who);
        return meta;
    }

    // ---- tokens ----

    /** Creates a token for a user (creating the user if needed); the token is returned once and only its hash is kept. */
    public String createToken(String user, String name, boolean canWrite) {
        return createToken(index, user, name, canWrite);
    }

    /**
     * {@link #createToken(String, String, boolean)} in an index without a running hub (what {@code graft hub
     * token create --db-url} does to the index that several servers share).
     */
    public static String createToken(IndexDb index, String user, String name, boolean canWrite) {
        try {
            RepoId.checkNewOwner(user);
        } catch (HubProtocolException e) {
            throw HubError.of(e);
        }
        String existing = index.userIgnoringCase(user);
        if (existing != null && !existing.equals(user)) {
            throw new HubServerException("the user " + existing + " exists; user names are unique regardless of case",
                    "use --user " + existing + " or choose another name");
        }
        index.ensureUser(user);
        // The "hf_" prefix is what Hugging Face clients check before sending a token.
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder token = new StringBuilder("hf_");
        for (int i = 0; i < 40; i++) {
            token.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        index.addToken(Hashes.sha256(token.toString()), user, name == null || name.isBlank() ? "token" : name, canWrite);
        return token.toString();
    }

    /** Revokes a user's tokens of this name; returns how many were revoked. */
    public int revokeTokens(String user, String name) {
        return index.revokeTokens(user, name);
    }

    /** Visible repositories' ids, for tests and the CLI. */
    public List<RepoId> repos() throws IOException {
        return store.list();
    }

    @Override
    public void close() {
        // A collection cut off midway is harmless (it deletes one unreferenced file at a time), but let it end.
        flusher.shutdown();
        flushDownloadCounts();
        collector.shutdown();
        try {
            collector.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
        index.close();
    }
}
