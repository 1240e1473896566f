package dev.graft.hub.server;

import dev.graft.hub.server.card.ModelCard;
import dev.graft.hub.server.index.IndexDb;
import dev.graft.hub.server.index.RepoRecord;
import dev.graft.hub.server.index.TokenInfo;
import dev.graft.hub.server.store.Commit;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.Hashes;
import dev.graft.hub.server.store.RepoId;
import dev.graft.hub.server.store.RepoMeta;
import dev.graft.hub.server.store.RepoStore;
import dev.graft.hub.server.store.RepoType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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

    private HubService(RepoStore store, IndexDb index) {
        this.store = store;
        this.index = index;
    }

    /**
     * Opens the hub at {@code dataDir}: repairs what a kill may have left, then brings the index in
     * line with the store. {@code dbUrl} {@code null} means the embedded H2 index at {@code dataDir/index}.
     */
    public static HubService open(Path dataDir, String dbUrl) throws IOException {
        RepoStore store = new RepoStore(dataDir);
        store.recover();
        IndexDb index = IndexDb.open(dbUrl == null || dbUrl.isBlank() ? IndexDb.h2Url(dataDir.resolve("index")) : dbUrl);
        HubService hub = new HubService(store, index);
        hub.reindexAll();
        return hub;
    }

    public RepoStore store() {
        return store;
    }

    public IndexDb index() {
        return index;
    }

    /** Rebuilds every repository row from the store and drops rows of repositories that are gone. */
    public void reindexAll() throws IOException {
        Set<String> present = new HashSet<>();
        for (RepoId id : store.list()) {
            present.add(id.type().singular() + " " + id.id());
            try {
                reindex(id);
            } catch (HubError e) {
                // A card that no longer validates (rules changed) or a damaged repository must not stop the server.
                try {
                    reindexWithCard(id, ModelCard.empty());
                } catch (HubError again) {
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
        store.delete(id);
        index.delete(id.type().singular(), id.id());
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

    /** Counts a download; a failure to count never fails the download itself. */
    public void countDownload(RepoId id) {
        try {
            index.countDownload(id.type().singular(), id.id());
        } catch (HubError e) {
            org.slf4j.LoggerFactory.getLogger(HubService.class).warn("download of {} not counted: {}", id, e.getMessage());
        }
    }

    /** The card of a commit (empty when it has no README.md). */
    public ModelCard card(RepoId id, Commit commit) throws IOException {
        FileEntry readme = commit.file("README.md");
        if (readme == null || readme.size() > 4 << 20) {
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
        RepoId.checkPart(user, "user name");
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
        collector.shutdown();
        try {
            collector.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        index.close();
    }
}
