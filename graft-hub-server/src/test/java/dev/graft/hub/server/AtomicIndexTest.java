package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.index.IndexDb;
import dev.graft.hub.server.index.RepoRecord;
import dev.graft.hub.server.store.CommitOp;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.FileRepoStore;
import dev.graft.hub.server.store.Hashes;
import dev.graft.hub.server.store.RepoStore;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit lands in the store and the index together or not at all; internal failures answer a generic
 * 500 (no SQL, no server path) with an id; the index is rebuilt from the store at start.
 */
class AtomicIndexTest {
    private static final String CARD = "---\nlicense: mit\ntags: [atomic-test, a-second-tag, a-third-tag]\n---\n# Card\n";

    private static final String CARD_FAULT = "card_json IS NULL OR LENGTH(card_json) < 40";
    private static final String PRIVATE_FAULT = "is_private = FALSE";

    /** A real database fault: a constraint that some index rows now violate (what a full or broken database does). */
    private static void injectFault(Path dir, String check) throws Exception {
        try (Connection c = DriverManager.getConnection(IndexDb.h2Url(dir.resolve("index"))); Statement s = c.createStatement()) {
            s.execute(check == null ? "ALTER TABLE hub_repos DROP CONSTRAINT injected_fault"
                    : "ALTER TABLE hub_repos ADD CONSTRAINT injected_fault CHECK (" + check + ")");
        }
    }

    private static void assertGeneric500(HttpResponse<byte[]> r, Path dir) {
        assertEquals(500, r.statusCode(), text(r));
        String body = text(r) + r.headers().firstValue("X-Error-Message").orElse("");
        assertTrue(body.matches("(?s).*internal server error \\(id [0-9a-f]{12}\\).*"), body);
        for (String leak : List.of("SQL", "sql", "CARD_JSON", "card_json", "INJECTED_FAULT", "jdbc", "Exception", "\tat ",
                dir.toAbsolutePath().toString())) {
            assertFalse(body.contains(leak), "the answer leaks '" + leak + "': " + body);
        }
    }

    @Test
    void aCommitWhoseIndexUpdateFailsDoesNotLand(@TempDir Path dir) throws Exception {
        try (TestHub hub = TestHub.start(dir)) {
            String alice = hub.token("alice", true);
            hub.createRepo(alice, "alice/atomic", "model", false);
            String before = json(hub.get("/api/models/alice/atomic", null)).get("sha").asText();
            injectFault(dir, CARD_FAULT);
            HttpResponse<byte[]> r = hub.commit(alice, "models/alice/atomic", "main", TestHub.header("card", null),
                    TestHub.file("README.md", CARD));
            assertGeneric500(r, dir);
            // Not in history, not on the branch, not addressable, not in the index.
            assertEquals(1, json(hub.get("/api/models/alice/atomic/commits/main", null)).size());
            assertEquals(before, json(hub.get("/api/models/alice/atomic", null)).get("sha").asText());
            assertEquals(404, hub.get("/alice/atomic/resolve/main/README.md", null).statusCode());
            assertEquals(0, json(hub.get("/api/models?filter=atomic-test", null)).size());
            assertEquals(before, hub.server.hub().index().get("model", "alice/atomic").sha());

            // Visibility changes are undone the same way: the repository stays public in the store and the index.
            assertGeneric500(hub.postJson("/api/repos/create", alice, Map.of("name", "born-broken", "type", "model",
                    "files", List.of(Map.of("path", "README.md", "content", java.util.Base64.getEncoder().encodeToString(
                            CARD.getBytes(StandardCharsets.UTF_8)), "encoding", "base64")))), dir);
            assertEquals(404, hub.get("/api/models/alice/born-broken", alice).statusCode(), "a half-created repository is removed");

            injectFault(dir, null);
            HttpResponse<byte[]> again = hub.commit(alice, "models/alice/atomic", "main", TestHub.header("card", null),
                    TestHub.file("README.md", CARD));
            assertEquals(200, again.statusCode(), text(again));
            assertEquals(1, json(hub.get("/api/models?filter=atomic-test", null)).size());
            assertEquals(json(again).get("commitOid").asText(), hub.server.hub().index().get("model", "alice/atomic").sha());

            injectFault(dir, PRIVATE_FAULT);
            HttpResponse<byte[]> hide = hub.send("PUT", "/api/models/alice/atomic/settings", alice, "application/json",
                    "{\"private\":true}".getBytes(StandardCharsets.UTF_8));
            assertGeneric500(hide, dir);
            assertEquals(200, hub.get("/api/models/alice/atomic", null).statusCode());
            assertFalse(hub.server.hub().index().get("model", "alice/atomic").isPrivate());
            injectFault(dir, null);
        }
    }

    @Test
    void anOversizedCardIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        try (TestHub hub = TestHub.start(dir)) {
            String alice = hub.token("alice", true);
            hub.createRepo(alice, "alice/bigcard", "model", false);
            String readme = "---\nlicense: mit\ndescription: " + "x".repeat(3_000_000) + "\n---\n# Big\n";
            HttpResponse<byte[]> r = hub.commit(alice, "models/alice/bigcard", "main", TestHub.header("big card", null),
                    TestHub.file("README.md", readme));
            assertEquals(400, r.statusCode(), text(r));
            assertTrue(text(r).contains("over the limit"), text(r));
            assertEquals(1, json(hub.get("/api/models/alice/bigcard/commits/main", null)).size());
            String longTag = "---\ntags: [" + "t".repeat(400) + "]\n---\n";
            assertEquals(400, hub.commit(alice, "models/alice/bigcard", "main", TestHub.header("long tag", null),
                    TestHub.file("README.md", longTag)).statusCode());
            assertEquals(1, json(hub.get("/api/models/alice/bigcard/commits/main", null)).size());
        }
    }

    @Test
    void theIndexIsRebuiltFromTheStoreAtStart(@TempDir Path dir) throws Exception {
        String sha;
        try (TestHub hub = TestHub.start(dir)) {
            String alice = hub.token("alice", true);
            hub.createRepo(alice, "alice/rebuilt", "model", false);
            hub.createRepo(alice, "alice/gone", "model", false);
        }
        // While the server is down: a commit reaches the store only (as a kill between store and index leaves
        // it), one index row is lost and another names a repository the store does not have.
        RepoStore store = new FileRepoStore(dir);
        RepoId id = RepoId.of(RepoType.MODEL, "alice/rebuilt");
        byte[] card = CARD.getBytes(StandardCharsets.UTF_8);
        String blob = store.blobs().put(card);
        sha = store.commit(id, "main", null, "alice", "card behind the index's back", "",
                List.of(new CommitOp.Put(new FileEntry("README.md", card.length, blob, Hashes.gitBlobSha1(card), false)))).id();
        try (IndexDb db = IndexDb.open(IndexDb.h2Url(dir.resolve("index")))) {
            db.delete("model", "alice/gone");
            db.upsert(new RepoRecord("model", "alice/phantom", "alice", false, "0".repeat(40), 0, 0, 0, "{}", null, null, null, List.of()));
        }
        try (TestHub hub = TestHub.start(dir)) {
            RepoRecord r = hub.server.hub().index().get("model", "alice/rebuilt");
            assertEquals(sha, r.sha());
            assertTrue(r.tags().contains("atomic-test"), r.tags().toString());
            assertEquals(1, json(hub.get("/api/models?filter=atomic-test", null)).size());
            assertTrue(text(hub.get("/api/models?author=alice", null)).contains("alice/gone"));
            assertNull(hub.server.hub().index().get("model", "alice/phantom"));
            assertFalse(text(hub.get("/api/models", null)).contains("phantom"));
        }
    }
}
