package dev.graft.hub.server.index;

import dev.graft.hub.server.HubError;
import dev.graft.hub.server.HubServerException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The hub's index: repositories, their tags and card metadata, download counts, users and token
 * hashes, in an SQL database reached by plain JDBC. The same SQL runs on the embedded H2 file
 * database (the default, {@code GRAFT_HOME/hub/index}) and on PostgreSQL for shared deployments.
 * The repository store stays the source of truth (on disk, or in this database's {@code hub_store_*}
 * tables when several servers share it, see {@code SqlRepoStore}): the server rebuilds repository rows
 * from it at start, so the index can never hold a commit the store lacks.
 *
 * <pre>{@code
 * try (IndexDb db = IndexDb.open(IndexDb.h2Url(dataDir.resolve("index")))) {
 *     List<RepoRecord> page = db.list(new RepoQuery("model", "bert", null, List.of(), "downloads", true, null, 0, 20));
 * }
 * }</pre>
 */
public final class IndexDb implements AutoCloseable {
    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS hub_repos (repo_type VARCHAR(16) NOT NULL, repo_id VARCHAR(200) NOT NULL,"
                + " owner VARCHAR(100) NOT NULL, is_private BOOLEAN NOT NULL, sha VARCHAR(40), last_modified BIGINT NOT NULL,"
                + " created_at BIGINT NOT NULL, downloads BIGINT NOT NULL, card_json VARCHAR(1000000),"
                + " library_name VARCHAR(200), pipeline_tag VARCHAR(200), license VARCHAR(200), PRIMARY KEY (repo_type, repo_id))",
        "CREATE TABLE IF NOT EXISTS hub_repo_tags (repo_type VARCHAR(16) NOT NULL, repo_id VARCHAR(200) NOT NULL,"
                + " tag VARCHAR(300) NOT NULL, PRIMARY KEY (repo_type, repo_id, tag))",
        "CREATE INDEX IF NOT EXISTS hub_repo_tags_by_tag ON hub_repo_tags (tag)",
        "CREATE TABLE IF NOT EXISTS hub_users (name VARCHAR(100) PRIMARY KEY, created_at BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS hub_tokens (token_hash VARCHAR(64) PRIMARY KEY, user_name VARCHAR(100) NOT NULL,"
                + " token_name VARCHAR(100) NOT NULL, can_write BOOLEAN NOT NULL, created_at BIGINT NOT NULL)",
    };
    private static final Map<String, String> SORT_COLUMNS = Map.of(
            "downloads", "downloads", "lastModified", "last_modified", "last_modified", "last_modified",
            "createdAt", "created_at", "id", "repo_id", "modelId", "repo_id");

    private final String url;
    /** Connections of one process in use at once, at most: requests beyond wait for one. */
    public static final int MAX_CONNECTIONS = 32;

    private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(16);
    private final java.util.concurrent.Semaphore inUse = new java.util.concurrent.Semaphore(MAX_CONNECTIONS);
    /** The connection of the {@link #transaction} this thread is in, if any. */
    private final ThreadLocal<Connection> ambient = new ThreadLocal<>();

    private IndexDb(String url) {
        this.url = url;
    }

    /** JDBC URL of the embedded H2 database at {@code base} ({@code base.mv.db} on disk). */
    public static String h2Url(Path base) {
        // AUTO_SERVER lets `graft hub token create` open the index while the server runs.
        return "jdbc:h2:file:" + base.toAbsolutePath() + ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000";
    }

    /** Opens (and creates the tables of) the database at a JDBC URL: {@code jdbc:h2:...} or {@code jdbc:postgresql:...}. */
    public static IndexDb open(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new HubServerException("unsupported index database URL '" + jdbcUrl + "'",
                    "use jdbc:postgresql://host:port/db?user=..&password=.. or leave --db-url out for the embedded database");
        }
        IndexDb db = new IndexDb(jdbcUrl);
        try (Connection c = db.borrow(); Statement s = c.createStatement()) {
            for (String sql : SCHEMA) {
                s.execute(sql);
            }
            c.commit();
            db.release(c);
        } catch (SQLException e) {
            throw new HubServerException("cannot open the hub index database at " + redact(jdbcUrl) + ": " + e.getMessage(),
                    "check --db-url, that the database server runs and that the user may create tables", e);
        }
        return db;
    }

    private static String redact(String url) {
        return url.replaceAll("password=[^&;]*", "password=***");
    }

    /** Whether this is a PostgreSQL database (else the embedded H2). */
    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    /** Work on the connection of a transaction that other work may join ({@link #transaction}). */
    @FunctionalInterface
    public interface Unit<T> {
        T run(Connection c) throws java.io.IOException, SQLException;
    }

    /**
     * Runs {@code work} in one transaction that every {@link #tx} of this thread joins until it ends, so
     * what they all change becomes visible together when it is committed, at its end; if it throws, all of
     * it is rolled back. Re-entrant: nested work joins the outer transaction. A process killed in the
     * middle leaves nothing: the database rolls back the transaction of a connection that went away.
     */
    public <T> T transaction(Unit<T> work) throws java.io.IOException {
        Connection joined = ambient.get();
        if (joined != null) {
            try {
                return work.run(joined);
            } catch (SQLException e) {
                throw new IndexFailure("index database error: " + e.getMessage(), e);
            }
        }
        Connection c;
        try {
            c = borrow();
        } catch (SQLException e) {
            throw new IndexFailure("index database error: " + e.getMessage(), e);
        }
        ambient.set(c);
        boolean committed = false;
        try {
            T result = work.run(c);
            c.commit();
            committed = true;
            return result;
        } catch (SQLException e) {
            throw new IndexFailure("index database error: " + e.getMessage(), e);
        } finally {
            ambient.remove();
            if (committed) {
                releaseQuietly(c);
            } else {
                try {
                    c.rollback();
                    releaseQuietly(c);
                } catch (SQLException e) {
                    discard(c); // broken (the database went away): not back to the pool
                }
            }
        }
    }

    private void releaseQuietly(Connection c) {
        try {
            release(c);
        } catch (SQLException e) {
            closeQuietly(c);
        }
    }

    /** Closes a borrowed connection that broke, instead of returning it. */
    private void discard(Connection c) {
        closeQuietly(c);
        inUse.release();
    }

    /**
     * A connection, one of at most {@link #MAX_CONNECTIONS} in use at once (a request waits for one rather
     * than open more: several servers on one PostgreSQL stay within its connection limit).
     */
    private Connection borrow() throws SQLException {
        try {
            if (!inUse.tryAcquire(60, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new SQLException("all " + MAX_CONNECTIONS + " connections to the index database stayed busy for 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for an index database connection", e);
        }
        try {
            Connection c = idle.poll();
            if (c != null && !c.isClosed()) {
                return c;
            }
            c = DriverManager.getConnection(url);
            c.setAutoCommit(false);
            return c;
        } catch (SQLException | RuntimeException e) {
            inUse.release();
            throw e;
        }
    }

    /** Returns a borrowed connection to the pool (closing it when the pool is full). */
    private void release(Connection c) throws SQLException {
        try {
            if (!idle.offer(c)) {
                c.close();
            }
        } finally {
            inUse.release();
        }
    }

    /** Work on one connection inside one transaction. */
    @FunctionalInterface
    public interface Tx<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction of its own, committed at its end (or in the {@link #transaction}
     * this thread is in); an {@link IndexFailure} if the database refuses.
     */
    public <T> T tx(Tx<T> work) {
        try {
            return transaction(work::run);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // not thrown: SQL work throws SQLException only
        }
    }

    /** A failed index operation (the database refused or is unreachable); its message is for the server log only. */
    public static final class IndexFailure extends RuntimeException {
        /** A failure of the database with what was being done. */
        public IndexFailure(String message, SQLException cause) {
            super(message, cause);
        }
    }

    /** {@code sql} with its {@code ?} parameters bound to {@code args}, in order. */
    public static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    /** Runs an INSERT, UPDATE or DELETE with {@code args}; how many rows it changed. */
    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    // ---- repositories ----

    /** Inserts or replaces a repository row and its tags; the download count is kept. */
    public void upsert(RepoRecord r) {
        tx(c -> {
            int updated = update(c, "UPDATE hub_repos SET owner=?, is_private=?, sha=?, last_modified=?, created_at=?, card_json=?,"
                    + " library_name=?, pipeline_tag=?, license=? WHERE repo_type=? AND repo_id=?",
                    r.owner(), r.isPrivate(), r.sha(), r.lastModified(), r.createdAt(), r.cardJson(), r.libraryName(), r.pipelineTag(),
                    r.license(), r.type(), r.id());
            if (updated == 0) {
                update(c, "INSERT INTO hub_repos (repo_type, repo_id, owner, is_private, sha, last_modified, created_at, downloads,"
                        + " card_json, library_name, pipeline_tag, license) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                        r.type(), r.id(), r.owner(), r.isPrivate(), r.sha(), r.lastModified(), r.createdAt(), r.downloads(), r.cardJson(),
                        r.libraryName(), r.pipelineTag(), r.license());
            }
            update(c, "DELETE FROM hub_repo_tags WHERE repo_type=? AND repo_id=?", r.type(), r.id());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_repo_tags (repo_type, repo_id, tag) VALUES (?,?,?)")) {
                for (String tag : new java.util.LinkedHashSet<>(r.tags())) {
                    ps.setString(1, r.type());
                    ps.setString(2, r.id());
                    ps.setString(3, tag);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Removes a repository row and its tags. */
    public void delete(String type, String id) {
        tx(c -> {
            for (String table : new String[] {"hub_repo_tags", "hub_repos"}) {
                update(c, "DELETE FROM " + table + " WHERE repo_type=? AND repo_id=?", type, id);
            }
            return null;
        });
    }

    /** Every indexed repository of a type (ids only). */
    public List<String> ids(String type) {
        return tx(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT repo_id FROM hub_repos WHERE repo_type=? ORDER BY repo_id", type);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** One repository, or {@code null}. */
    public RepoRecord get(String type, String id) {
        return tx(c -> {
            try (PreparedStatement ps = prepare(c, "SELECT * FROM hub_repos WHERE repo_type=? AND repo_id=?", type, id);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(c, rs) : null;
            }
        });
    }

    /** One page of a listing. */
    public List<RepoRecord> list(RepoQuery q) {
        String column = SORT_COLUMNS.get(q.sort() == null ? "id" : q.sort());
        if (column == null) {
            throw HubError.badRequest("unknown sort '" + q.sort() + "': use downloads, lastModified, createdAt or id");
        }
        StringBuilder sql = new StringBuilder("SELECT * FROM hub_repos r WHERE repo_type=? AND (is_private=FALSE OR owner=?)");
        List<Object> args = new ArrayList<>(List.of(q.type(), q.viewer() == null ? "" : q.viewer()));
        if (q.search() != null && !q.search().isBlank()) {
            sql.append(" AND LOWER(repo_id) LIKE ? ESCAPE '\\'");
            args.add("%" + q.search().toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (q.author() != null && !q.author().isBlank()) {
            sql.append(" AND owner=?");
            args.add(q.author());
        }
        for (String tag : q.filters()) {
            sql.append(" AND EXISTS (SELECT 1 FROM hub_repo_tags t WHERE t.repo_type=r.repo_type AND t.repo_id=r.repo_id AND t.tag=?)");
            args.add(tag);
        }
        sql.append(" ORDER BY ").append(column).append(q.descending() ? " DESC" : " ASC").append(", repo_id ASC LIMIT ? OFFSET ?");
        args.add(q.limit());
        args.add(q.offset());
        return tx(c -> {
            List<RepoRecord> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, sql.toString(), args.toArray()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(c, rs));
                }
            }
            return out;
        });
    }

    private static RepoRecord read(Connection c, ResultSet rs) throws SQLException {
        String type = rs.getString("repo_type");
        String id = rs.getString("repo_id");
        List<String> tags = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT tag FROM hub_repo_tags WHERE repo_type=? AND repo_id=? ORDER BY tag", type, id);
                ResultSet t = ps.executeQuery()) {
            while (t.next()) {
                tags.add(t.getString(1));
            }
        }
        return new RepoRecord(type, id, rs.getString("owner"), rs.getBoolean("is_private"), rs.getString("sha"),
                rs.getLong("last_modified"), rs.getLong("created_at"), rs.getLong("downloads"), rs.getString("card_json"),
                rs.getString("library_name"), rs.getString("pipeline_tag"), rs.getString("license"), tags);
    }

    /** Counts one download. */
    public void countDownload(String type, String id) {
        addDownloads(type, id, 1);
    }

    /** Adds {@code n} downloads to a repository's count (the server counts in memory and adds in batches). */
    public void addDownloads(String type, String id, long n) {
        tx(c -> update(c, "UPDATE hub_repos SET downloads = downloads + ? WHERE repo_type=? AND repo_id=?", n, type, id));
    }

    // ---- users and tokens ----

    /** The stored name of the user whose name equals {@code name} ignoring case, or {@code null}. */
    public String userIgnoringCase(String name) {
        return tx(c -> {
            try (PreparedStatement ps = prepare(c, "SELECT name FROM hub_users WHERE LOWER(name)=LOWER(?) ORDER BY name", name);
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
    }

    /** Creates the user if missing. */
    public void ensureUser(String name) {
        tx(c -> {
            try (PreparedStatement ps = prepare(c, "SELECT 1 FROM hub_users WHERE name=?", name); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return null;
                }
            }
            return update(c, "INSERT INTO hub_users (name, created_at) VALUES (?,?)", name, System.currentTimeMillis());
        });
    }

    /** Stores a token's hash. */
    public void addToken(String tokenHash, String user, String name, boolean canWrite) {
        tx(c -> update(c, "INSERT INTO hub_tokens (token_hash, user_name, token_name, can_write, created_at) VALUES (?,?,?,?,?)",
                tokenHash, user, name, canWrite, System.currentTimeMillis()));
    }

    /** The token with this hash, or {@code null}. */
    public TokenInfo token(String tokenHash) {
        return tx(c -> {
            try (PreparedStatement ps = prepare(c, "SELECT user_name, token_name, can_write, created_at FROM hub_tokens WHERE token_hash=?",
                    tokenHash); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new TokenInfo(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4)) : null;
            }
        });
    }

    /** Deletes every token of a user with this name; returns how many. */
    public int revokeTokens(String user, String name) {
        return tx(c -> update(c, "DELETE FROM hub_tokens WHERE user_name=? AND token_name=?", user, name));
    }

    @Override
    public void close() {
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }
}
