package dev.graft.hub.server.store;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoPaths;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.HubError;
import dev.graft.hub.server.HubServerException;
import dev.graft.hub.server.index.IndexDb;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Repositories in the index database (PostgreSQL, or the embedded H2 for one server): settings, branches
 * and tags, commits and LFS receipts in the {@code hub_store_*} tables, file contents in a shared
 * {@link BlobStore} (S3). Every server that opens the same database and bucket serves the same hub.
 *
 * <p>A repository's lock is its row, taken with {@code SELECT ... FOR UPDATE} in a transaction that
 * lasts as long as the locked work: commits to a repository (so to each of its branches) from any
 * number of servers are serialised by the database, and what the work changed (the new commit, the
 * moved branch, the index row of the repository) becomes visible to everyone at once when it ends. A
 * server killed in the middle holds nothing: the database rolls its transaction back and frees the row.
 *
 * <pre>{@code
 * try (IndexDb db = IndexDb.open("jdbc:postgresql://127.0.0.1:5432/hub?user=hub")) {
 *     RepoStore store = new SqlRepoStore(db, BlobStore.open("s3://models/hub", dataDir));
 * }
 * }</pre>
 */
public final class SqlRepoStore implements RepoStore {
    private final IndexDb db;
    private final BlobStore blobs;
    private final Commits.Cache commitCache = new Commits.Cache();

    /** The store in {@code db}'s tables (created if missing) over {@code blobs}. */
    public SqlRepoStore(IndexDb db, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
        String bytes = db.isPostgres() ? "BYTEA" : "BLOB";
        String[] schema = {
            "CREATE TABLE IF NOT EXISTS hub_store_repos (repo_key VARCHAR(320) PRIMARY KEY, repo_type VARCHAR(16) NOT NULL,"
                    + " repo_id VARCHAR(300) NOT NULL, lower_key VARCHAR(320) NOT NULL UNIQUE, is_private BOOLEAN NOT NULL,"
                    + " created_at BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS hub_store_refs (repo_key VARCHAR(320) NOT NULL, kind VARCHAR(8) NOT NULL,"
                    + " name VARCHAR(300) NOT NULL, commit_id VARCHAR(40) NOT NULL, PRIMARY KEY (repo_key, kind, name))",
            "CREATE TABLE IF NOT EXISTS hub_store_commits (repo_key VARCHAR(320) NOT NULL, commit_id VARCHAR(40) NOT NULL,"
                    + " body " + bytes + " NOT NULL, PRIMARY KEY (repo_key, commit_id))",
            "CREATE TABLE IF NOT EXISTS hub_store_lfs (repo_key VARCHAR(320) NOT NULL, sha256 VARCHAR(64) NOT NULL,"
                    + " PRIMARY KEY (repo_key, sha256))",
            "CREATE TABLE IF NOT EXISTS hub_settings (name VARCHAR(100) PRIMARY KEY, value_hex VARCHAR(200) NOT NULL)",
        };
        db.tx(c -> {
            try (Statement s = c.createStatement()) {
                for (String sql : schema) {
                    s.execute(sql);
                }
            }
            return null;
        });
    }

    private static String key(RepoId id) {
        return id.type().plural() + "/" + id.id();
    }

    /** Runs SQL in the transaction of the lock this thread holds (with the index updates it makes), else in one of its own. */
    private <T> T sql(IndexDb.Tx<T> work) {
        return db.tx(work);
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String one(Connection c, String query, Object... args) throws SQLException {
        try (PreparedStatement ps = IndexDb.prepare(c, query, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public BlobStore blobs() {
        return blobs;
    }

    @Override
    public void recover() throws IOException {
        blobs.removeLeftovers();
    }

    // ---- repositories ----

    @Override
    public RepoMeta create(RepoId id, boolean isPrivate, String author) throws IOException {
        Commit first = Commits.first(blobs, author);
        byte[] body = Commits.JSON.writeValueAsBytes(first);
        RepoMeta meta = new RepoMeta(id.type().singular(), id.id(), isPrivate, System.currentTimeMillis());
        try {
            sql(c -> {
                RepoId lookAlike = sameName(c, id);
                if (lookAlike != null) {
                    throw lookAlike.equals(id) ? exists(id) : lookAlike(id, lookAlike);
                }
                IndexDb.update(c, "INSERT INTO hub_store_repos (repo_key, repo_type, repo_id, lower_key, is_private, created_at)"
                        + " VALUES (?,?,?,?,?,?)", key(id), id.type().singular(), id.id(), key(id).toLowerCase(java.util.Locale.ROOT),
                        isPrivate, meta.createdAt());
                IndexDb.update(c, "INSERT INTO hub_store_commits (repo_key, commit_id, body) VALUES (?,?,?)", key(id), first.id(), body);
                IndexDb.update(c, "INSERT INTO hub_store_refs (repo_key, kind, name, commit_id) VALUES (?,?,?,?)", key(id), "heads", "main",
                        first.id());
                return null;
            });
        } catch (IndexDb.IndexFailure e) {
            if (isUniqueViolation(e)) {
                // Another server created it (or a look-alike) at the same moment.
                RepoId lookAlike = sameNameIgnoringCase(id);
                throw lookAlike == null || lookAlike.equals(id) ? exists(id) : lookAlike(id, lookAlike);
            }
            throw e;
        }
        return meta;
    }

    private static HubError exists(RepoId id) {
        return HubError.conflict("You already created this " + id.type().singular() + " repo: " + id.id());
    }

    private static HubError lookAlike(RepoId id, RepoId other) {
        return HubError.conflict("the " + id.type().singular() + " repository " + other.id() + " exists; names are unique"
                + " regardless of case, so " + id.id() + " cannot be created: choose another name");
    }

    private static RepoId sameName(Connection c, RepoId id) throws SQLException {
        String found = one(c, "SELECT repo_id FROM hub_store_repos WHERE lower_key=?", key(id).toLowerCase(java.util.Locale.ROOT));
        return found == null ? null : RepoId.of(id.type(), found);
    }

    @Override
    public RepoId sameNameIgnoringCase(RepoId id) {
        return sql(c -> sameName(c, id));
    }

    @Override
    public RepoMeta meta(RepoId id) {
        return sql(c -> {
            try (PreparedStatement ps = IndexDb.prepare(c, "SELECT is_private, created_at FROM hub_store_repos WHERE repo_key=?", key(id));
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new RepoMeta(id.type().singular(), id.id(), rs.getBoolean(1), rs.getLong(2)) : null;
            }
        });
    }

    RepoMeta requireMeta(RepoId id) {
        RepoMeta m = meta(id);
        if (m == null) {
            throw HubError.notFound("RepoNotFound", "repository " + id + " not found");
        }
        return m;
    }

    @Override
    public RepoMeta setPrivate(RepoId id, boolean isPrivate) throws IOException {
        return locked(id, () -> {
            RepoMeta old = requireMeta(id);
            sql(c -> IndexDb.update(c, "UPDATE hub_store_repos SET is_private=? WHERE repo_key=?", isPrivate, key(id)));
            return new RepoMeta(old.type(), old.id(), isPrivate, old.createdAt());
        });
    }

    @Override
    public void delete(RepoId id) throws IOException {
        locked(id, () -> {
            requireMeta(id);
            sql(c -> {
                for (String table : new String[] {"hub_store_refs", "hub_store_lfs", "hub_store_commits", "hub_store_repos"}) {
                    IndexDb.update(c, "DELETE FROM " + table + " WHERE repo_key=?", key(id));
                }
                return null;
            });
            return null;
        });
        commitCache.forget(id);
    }

    @Override
    public List<RepoId> list() {
        List<RepoId> out = sql(c -> {
            List<RepoId> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT repo_type, repo_id FROM hub_store_repos"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(RepoId.of(RepoType.parse(rs.getString(1)), rs.getString(2)));
                }
            }
            return ids;
        });
        out.sort(Comparator.comparing(RepoId::urlPath));
        return out;
    }

    // ---- refs ----

    private String readRef(RepoId id, String kind, String name) {
        return sql(c -> one(c, "SELECT commit_id FROM hub_store_refs WHERE repo_key=? AND kind=? AND name=?", key(id), kind, name));
    }

    @Override
    public String resolve(RepoId id, String revision) {
        requireMeta(id);
        return Commits.resolve(id, revision, (kind, name) -> readRef(id, kind, name),
                rev -> sql(c -> one(c, "SELECT commit_id FROM hub_store_commits WHERE repo_key=? AND commit_id=?", key(id), rev)) != null);
    }

    private Map<String, String> refs(RepoId id, String kind) {
        requireMeta(id);
        return sql(c -> {
            Map<String, String> out = new TreeMap<>();
            try (PreparedStatement ps = IndexDb.prepare(c, "SELECT name, commit_id FROM hub_store_refs WHERE repo_key=? AND kind=?", key(id), kind);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    @Override
    public Map<String, String> branches(RepoId id) {
        return refs(id, "heads");
    }

    @Override
    public Map<String, String> tags(RepoId id) {
        return refs(id, "tags");
    }

    @Override
    public void createBranch(RepoId id, String branch, String startingPoint) throws IOException {
        createRef(id, "heads", RepoPaths.checkRef(branch), startingPoint);
    }

    @Override
    public void createTag(RepoId id, String tag, String revision) throws IOException {
        createRef(id, "tags", RepoPaths.checkRef(tag), revision);
    }

    /** As the file store's refs: no duplicate, no name of both kinds, no name that is also a folder of names. */
    private void createRef(RepoId id, String kind, String name, String revision) throws IOException {
        locked(id, () -> {
            String target = resolve(id, revision);
            String what = kind.equals("tags") ? "tag" : "branch";
            if (readRef(id, kind, name) != null) {
                throw HubError.conflict(what + " '" + name + "' already exists in " + id);
            }
            String other = kind.equals("tags") ? "heads" : "tags";
            if (readRef(id, other, name) != null) {
                throw HubError.conflict("a " + (other.equals("tags") ? "tag" : "branch") + " named '" + name + "' exists in " + id
                        + ": a " + what + " of the same name would make the revision ambiguous; choose another name");
            }
            String prefix = "";
            for (String part : name.substring(0, Math.max(0, name.lastIndexOf('/'))).split("/")) {
                prefix = prefix.isEmpty() ? part : prefix + "/" + part;
                if (!prefix.isEmpty() && readRef(id, kind, prefix) != null) {
                    throw HubError.conflict("'" + name + "' cannot be created: '" + prefix + "' is a " + what + " in " + id
                            + ", and a " + what + " name cannot also be a folder of " + what + " names");
                }
            }
            boolean folder = refs(id, kind).keySet().stream().anyMatch(n -> n.startsWith(name + "/"));
            if (folder) {
                throw HubError.conflict("'" + name + "' cannot be created: " + (what.equals("tag") ? "tags" : "branches") + " named '" + name + "/...' exist in "
                        + id + ", and a " + what + " name cannot also be a folder of " + what + " names");
            }
            sql(c -> IndexDb.update(c, "INSERT INTO hub_store_refs (repo_key, kind, name, commit_id) VALUES (?,?,?,?)", key(id), kind, name, target));
            return null;
        });
    }

    @Override
    public void deleteRef(RepoId id, boolean tag, String name) throws IOException {
        locked(id, () -> {
            String kind = tag ? "tags" : "heads";
            if (!tag && name.equals("main")) {
                throw HubError.badRequest("the main branch cannot be deleted");
            }
            requireMeta(id);
            String checked = RepoPaths.checkExistingRef(name);
            int n = sql(c -> IndexDb.update(c, "DELETE FROM hub_store_refs WHERE repo_key=? AND kind=? AND name=?", key(id), kind, checked));
            if (n == 0) {
                throw HubError.notFound("RevisionNotFound", (tag ? "tag '" : "branch '") + name + "' not found in " + id);
            }
            return null;
        });
    }

    // ---- LFS objects of a repository ----

    @Override
    public void markLfsObject(RepoId id, String sha256) throws IOException {
        requireMeta(id);
        try (StoreLock.Held referencing = blobs.lock().shared()) {
            if (!blobs.exists(sha256)) {
                throw HubError.notFound(null, "object " + sha256 + " is not in the store; upload it again");
            }
            try {
                sql(c -> one(c, "SELECT sha256 FROM hub_store_lfs WHERE repo_key=? AND sha256=?", key(id), sha256) != null ? 0
                        : IndexDb.update(c, "INSERT INTO hub_store_lfs (repo_key, sha256) VALUES (?,?)", key(id), sha256));
            } catch (IndexDb.IndexFailure e) {
                if (!isUniqueViolation(e)) {
                    throw e; // else received twice at once: once is recorded
                }
            }
        }
    }

    @Override
    public boolean hasLfsObject(RepoId id, String sha256, long size) {
        return Hashes.isSha256(sha256)
                && sql(c -> one(c, "SELECT sha256 FROM hub_store_lfs WHERE repo_key=? AND sha256=?", key(id), sha256)) != null
                && blobs.size(sha256) == size;
    }

    // ---- commits ----

    @Override
    public Commit readCommit(RepoId id, String commitId) {
        Commit c = commitCache.get(id, commitId);
        if (c != null) {
            return c;
        }
        byte[] body = sql(x -> {
            try (PreparedStatement ps = IndexDb.prepare(x, "SELECT body FROM hub_store_commits WHERE repo_key=? AND commit_id=?", key(id), commitId);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        });
        if (body == null) {
            throw HubError.notFound("RevisionNotFound", "commit " + commitId + " not found in " + id);
        }
        try {
            c = Commits.JSON.readValue(body, Commit.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("commit " + commitId + " of " + id + " is damaged in the store", e);
        }
        commitCache.put(id, c);
        return c;
    }

    @Override
    public Commit commit(RepoId id, String branch, String expectedParent, String author, String title, String message,
            List<CommitOp> ops, Publish publish) throws IOException {
        // The store lock before the database's: garbage collection (which holds it exclusive while it reads the
        // database) never waits for a connection that a commit waiting for the store lock holds.
        try (StoreLock.Held referencing = blobs.lock().shared()) {
            return locked(id, () -> {
                // The branch's row, locked too: the compare-and-swap below is on what no other server can move now.
                String head = sql(c -> one(c, "SELECT commit_id FROM hub_store_refs WHERE repo_key=? AND kind='heads' AND name=? FOR UPDATE",
                        key(id), branch));
                if (head == null) {
                    requireMeta(id);
                }
                Commit next = Commits.next(id, branch, head, readRef(id, "tags", branch) != null, expectedParent,
                        head == null ? null : readCommit(id, head), blobs, author, title, message, ops);
                byte[] body = Commits.JSON.writeValueAsBytes(next);
                sql(c -> {
                    if (one(c, "SELECT commit_id FROM hub_store_commits WHERE repo_key=? AND commit_id=?", key(id), next.id()) == null) {
                        IndexDb.update(c, "INSERT INTO hub_store_commits (repo_key, commit_id, body) VALUES (?,?,?)", key(id), next.id(), body);
                    }
                    return IndexDb.update(c, "UPDATE hub_store_refs SET commit_id=? WHERE repo_key=? AND kind='heads' AND name=?",
                            next.id(), key(id), branch);
                });
                try {
                    publish.run(next);
                } catch (IOException | RuntimeException | Error e) {
                    commitCache.remove(id, next.id());
                    throw e; // the lock's transaction rolls back: the branch never moved
                }
                return next;
            });
        }
    }

    // ---- garbage collection ----

    @Override
    public Set<String> referencedObjects() throws IOException {
        Set<String> live = new HashSet<>();
        List<byte[]> bodies = new ArrayList<>();
        sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM hub_store_commits"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    bodies.add(rs.getBytes(1));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT sha256 FROM hub_store_lfs"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    live.add(rs.getString(1));
                }
            }
            return null;
        });
        for (byte[] body : bodies) {
            Commit c;
            try {
                c = Commits.JSON.readValue(body, Commit.class);
            } catch (IOException e) {
                throw new IOException("cannot read a commit of the store (" + e.getMessage()
                        + "); garbage collection stopped and deleted nothing", e);
            }
            for (FileEntry f : c.files()) {
                live.add(f.sha256());
            }
        }
        return live;
    }

    // ---- locking and the signing key ----

    /**
     * Holds the repository's row with {@code SELECT ... FOR UPDATE} in a transaction around {@code work}
     * ({@link IndexDb#transaction}: re-entrant, and the index updates the work makes join it), committed
     * when the outermost work ends and rolled back if it throws. A repository that does not exist is not
     * locked, as on the file system.
     */
    @Override
    public <T> T locked(RepoId id, Locked<T> work) throws IOException {
        return db.transaction(c -> {
            one(c, "SELECT repo_key FROM hub_store_repos WHERE repo_key=? FOR UPDATE", key(id));
            return work.run();
        });
    }

    @Override
    public byte[] signingKey() {
        String hex = sql(c -> one(c, "SELECT value_hex FROM hub_settings WHERE name='signing_key'"));
        if (hex == null) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try {
                db.tx(c -> IndexDb.update(c, "INSERT INTO hub_settings (name, value_hex) VALUES ('signing_key', ?)", Hashes.hex(key)));
            } catch (IndexDb.IndexFailure e) {
                if (!isUniqueViolation(e)) {
                    throw e; // else another server made it first: that one is used
                }
            }
            hex = sql(c -> one(c, "SELECT value_hex FROM hub_settings WHERE name='signing_key'"));
        }
        if (hex == null || hex.length() < 64) {
            throw new HubServerException("the signing key in the hub_settings table is damaged",
                    "delete its row (name 'signing_key') and restart the servers; LFS transfer URLs handed out before stop working");
        }
        return java.util.HexFormat.of().parseHex(hex);
    }
}
