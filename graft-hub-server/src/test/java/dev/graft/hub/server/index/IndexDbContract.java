package dev.graft.hub.server.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.hub.server.HubLimits;
import dev.graft.hub.server.HubServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same index tests for every supported database (H2 embedded, PostgreSQL). */
abstract class IndexDbContract {
    /** A fresh, empty database for one test. */
    abstract String freshDatabase(Path dir) throws Exception;

    private static RepoRecord repo(String id, boolean isPrivate, long modified, long downloads, List<String> tags) {
        return new RepoRecord("model", id, id.substring(0, id.indexOf('/')), isPrivate, "0".repeat(40), modified, 1, downloads,
                "{}", null, null, null, tags);
    }

    private static List<String> ids(List<RepoRecord> rs) {
        return rs.stream().map(RepoRecord::id).toList();
    }

    @Test
    void upsertKeepsDownloadsAndReplacesTags(@TempDir Path dir) throws Exception {
        try (IndexDb db = IndexDb.open(freshDatabase(dir))) {
            db.upsert(repo("alice/a", false, 10, 0, List.of("vision", "license:mit")));
            db.countDownload("model", "alice/a");
            db.countDownload("model", "alice/a");
            db.upsert(repo("alice/a", false, 20, 0, List.of("nlp")));
            RepoRecord r = db.get("model", "alice/a");
            assertEquals(2, r.downloads());
            assertEquals(20, r.lastModified());
            assertEquals(List.of("nlp"), r.tags());
            db.delete("model", "alice/a");
            assertNull(db.get("model", "alice/a"));
        }
    }

    @Test
    void listFiltersSortsPagesAndHidesPrivateRepositories(@TempDir Path dir) throws Exception {
        try (IndexDb db = IndexDb.open(freshDatabase(dir))) {
            db.upsert(repo("alice/a_b", false, 3, 5, List.of("vision", "license:mit")));
            db.upsert(repo("alice/axb", false, 2, 9, List.of("vision")));
            db.upsert(repo("bob/secret", true, 1, 100, List.of("vision")));
            db.upsert(repo("bob/nlp", false, 4, 5, List.of("nlp", "license:mit")));
            assertEquals(List.of("alice/a_b"), ids(db.list(new RepoQuery("model", "a_b", null, List.of(), "id", false, null, 0, 10))));
            assertEquals(List.of("alice/axb", "alice/a_b", "bob/nlp"),
                    ids(db.list(new RepoQuery("model", null, null, List.of(), "downloads", true, null, 0, 10))));
            assertEquals(List.of("bob/secret", "alice/axb"),
                    ids(db.list(new RepoQuery("model", null, null, List.of("vision"), "downloads", true, "bob", 0, 2))));
            assertEquals(List.of("alice/a_b", "bob/nlp"),
                    ids(db.list(new RepoQuery("model", null, null, List.of("license:mit"), "id", false, null, 0, 10))));
            assertEquals(List.of("alice/a_b"),
                    ids(db.list(new RepoQuery("model", null, null, List.of("license:mit", "vision"), "id", false, null, 0, 10))));
            assertEquals(List.of("bob/nlp"), ids(db.list(new RepoQuery("model", null, null, List.of(), "lastModified", true, null, 0, 1))));
            assertEquals(List.of("alice/axb"), ids(db.list(new RepoQuery("model", null, "alice", List.of(), "id", false, null, 1, 5))));
            assertEquals(List.of(), ids(db.list(new RepoQuery("dataset", null, null, List.of(), "id", false, null, 0, 5))));
        }
    }

    @Test
    void tokensAreFoundByHashAndRevoked(@TempDir Path dir) throws Exception {
        try (IndexDb db = IndexDb.open(freshDatabase(dir))) {
            db.ensureUser("alice");
            db.ensureUser("alice");
            db.addToken("h1", "alice", "laptop", true);
            assertEquals(new TokenInfo("alice", "laptop", true, db.token("h1").createdAt()), db.token("h1"));
            assertEquals(1, db.revokeTokens("alice", "laptop"));
            assertNull(db.token("h1"));
        }
    }

    @Test
    void serverRunsOnThisDatabase(@TempDir Path dir) throws Exception {
        String url = freshDatabase(dir);
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        try (HubServer server = HubServer.start(new HubServer.Config("127.0.0.1", 0, dir.resolve("data"), url, HubLimits.defaults()))) {
            String token = server.hub().createToken("alice", "t", true);
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/repos/create"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"pg\",\"type\":\"model\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, created.statusCode(), created.body());
            String readme = java.util.Base64.getEncoder().encodeToString("---\ntags: [db-test]\nlicense: mit\n---\n# PG\n".getBytes());
            String body = json.writeValueAsString(Map.of("key", "header", "value", Map.of("summary", "card"))) + "\n"
                    + json.writeValueAsString(Map.of("key", "file", "value", Map.of("path", "README.md", "content", readme, "encoding", "base64")));
            HttpResponse<String> commit = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/models/alice/pg/commit/main"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, commit.statusCode(), commit.body());
            http.send(HttpRequest.newBuilder(URI.create(server.url() + "/alice/pg/resolve/main/README.md")).build(), HttpResponse.BodyHandlers.discarding());
            JsonNode list = json.readTree(http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/models?filter=db-test&filter=license:mit")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(1, list.size());
            assertEquals("alice/pg", list.get(0).get("id").asText());
            assertEquals(1, list.get(0).get("downloads").asInt());
        }
        // A restart rebuilds rows from the store but keeps counts that only the database holds.
        try (HubServer server = HubServer.start(new HubServer.Config("127.0.0.1", 0, dir.resolve("data"), url, HubLimits.defaults()))) {
            RepoRecord r = server.hub().index().get("model", "alice/pg");
            assertEquals(1, r.downloads());
            assertTrue(r.tags().contains("db-test"));
        }
    }
}
