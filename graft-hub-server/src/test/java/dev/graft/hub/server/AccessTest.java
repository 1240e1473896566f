package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Private repositories stay invisible, tokens are scoped, names and paths are validated. */
class AccessTest {
    @RegisterExtension
    static final TestHub hub = TestHub.perClass();
    static String aliceWrite;
    static String aliceRead;
    static String bobWrite;

    @BeforeAll
    static void setUp() throws Exception {
        aliceWrite = hub.token("alice", true);
        aliceRead = hub.token("alice", false);
        bobWrite = hub.token("bob", true);
        hub.createRepo(aliceWrite, "alice/secret", "model", true);
        hub.createRepo(aliceWrite, "alice/open", "model", false);
        assertEquals(200, hub.commit(aliceWrite, "models/alice/secret", "main", TestHub.header("add", null),
                TestHub.file("a.txt", "classified")).statusCode());
    }

    @Test
    void privateRepositoryAnswers404ToOthers() throws Exception {
        for (String token : new String[] {null, bobWrite}) {
            for (String path : List.of("/api/models/alice/secret", "/api/models/alice/secret/revision/main", "/api/models/alice/secret/tree/main",
                    "/api/models/alice/secret/refs", "/api/models/alice/secret/commits/main", "/alice/secret/resolve/main/a.txt", "/alice/secret")) {
                HttpResponse<byte[]> r = hub.get(path, token);
                assertEquals(404, r.statusCode(), path + " with " + token);
                assertFalse(text(r).contains("classified"));
            }
            assertFalse(text(hub.get("/api/models", token)).contains("alice/secret"));
            assertFalse(text(hub.get("/models", token)).contains("alice/secret"));
            HttpResponse<byte[]> post = hub.postJson("/api/models/alice/secret/paths-info/main", token, Map.of("paths", List.of("a.txt")));
            assertEquals(404, post.statusCode());
        }
        // The owner sees it, even with a read-only token.
        assertEquals("classified", text(hub.get("/alice/secret/resolve/main/a.txt", aliceRead)));
        assertTrue(text(hub.get("/api/models?author=alice", aliceRead)).contains("alice/secret"));
        assertTrue(json(hub.get("/api/models/alice/secret", aliceRead)).get("private").asBoolean());
    }

    @Test
    void writesNeedTheOwnersWriteToken() throws Exception {
        String[] commit = {TestHub.header("x", null), TestHub.file("b.txt", "b")};
        assertEquals(401, hub.commit(null, "models/alice/open", "main", commit).statusCode());
        assertEquals(403, hub.commit(aliceRead, "models/alice/open", "main", commit).statusCode());
        assertEquals(403, hub.commit(bobWrite, "models/alice/open", "main", commit).statusCode());
        assertEquals(401, hub.commit("hf_forged", "models/alice/open", "main", commit).statusCode());
        // Someone who may not see a private repository learns nothing from a write attempt either.
        assertEquals(404, hub.commit(bobWrite, "models/alice/secret", "main", commit).statusCode());
        assertEquals(403, hub.postJson("/api/repos/create", bobWrite, Map.of("name", "x", "organization", "alice", "type", "model")).statusCode());
        assertEquals(403, hub.postJson("/api/repos/create", aliceRead, Map.of("name", "x", "type", "model")).statusCode());
        assertEquals(403, hub.send("DELETE", "/api/repos/delete", bobWrite, "application/json",
                TestHub.JSON.writeValueAsBytes(Map.of("name", "open", "organization", "alice", "type", "model"))).statusCode());
        HttpResponse<byte[]> batch = hub.send("POST", "/alice/open.git/info/lfs/objects/batch", aliceRead, "application/vnd.git-lfs+json",
                TestHub.JSON.writeValueAsBytes(Map.of("operation", "upload", "objects", List.of())));
        assertEquals(403, batch.statusCode());
        assertEquals(200, hub.commit(aliceWrite, "models/alice/open", "main", commit).statusCode());
    }

    @Test
    void repositoryNamesFollowHubRules() throws Exception {
        for (String bad : List.of("a--b", "-lead", "trail.", "dot..dot", "sp ace", "")) {
            HttpResponse<byte[]> r = hub.postJson("/api/repos/create", aliceWrite, Map.of("name", bad, "type", "model"));
            assertEquals(400, r.statusCode(), bad + ": " + text(r));
        }
        HttpResponse<byte[]> r = hub.postJson("/api/repos/create", aliceWrite, Map.of("name", "ok", "organization", "api", "type", "model"));
        assertTrue(r.statusCode() == 400 || r.statusCode() == 403, text(r));
        assertEquals(409, hub.postJson("/api/repos/create", aliceWrite, Map.of("name", "open", "type", "model")).statusCode());
    }

    @Test
    void pathTraversalIsRefused() throws Exception {
        for (String bad : List.of("../escape.txt", "a/../../b", "/etc/passwd", "a\\b.txt", "nul\u0000byte", "a//b", "./x", ".git/config")) {
            HttpResponse<byte[]> r = hub.commit(aliceWrite, "models/alice/open", "main", TestHub.header("evil", null), TestHub.file(bad, "x"));
            assertEquals(400, r.statusCode(), bad + ": " + text(r));
            assertTrue(text(r).contains("invalid file path"), text(r));
        }
        for (String path : List.of("/alice/open/resolve/main/..%2F..%2Frepo.json", "/alice/open/resolve/main/%2E%2E/x",
                "/alice/open/resolve/main/a%5Cb", "/alice/open/resolve/main/..%2Fsecret%2Fcommits")) {
            int status = hub.get(path, aliceWrite).statusCode();
            assertTrue(status == 400 || status == 404, path + " -> " + status);
        }
        assertEquals(400, hub.get("/api/models/alice/..%2Fsecret", null).statusCode());
    }

    @Test
    void knowingAnObjectsHashDoesNotGrantItsContent() throws Exception {
        byte[] secret = "weights of a private model".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String sha = hub.uploadLfs(aliceWrite, "alice/secret", secret);
        assertEquals(200, hub.commit(aliceWrite, "models/alice/secret", "main", TestHub.header("weights", null),
                TestHub.lfsFile("w.bin", sha, secret.length)).statusCode());
        hub.createRepo(bobWrite, "bob/thief", "model", false);
        // Bob's batch still asks for the bytes, and a commit naming the hash alone is refused.
        HttpResponse<byte[]> batch = hub.send("POST", "/bob/thief.git/info/lfs/objects/batch", bobWrite, "application/vnd.git-lfs+json",
                TestHub.JSON.writeValueAsBytes(Map.of("operation", "upload", "objects", List.of(Map.of("oid", sha, "size", secret.length)))));
        assertTrue(json(batch).get("objects").get(0).has("actions"), text(batch));
        HttpResponse<byte[]> commit = hub.commit(bobWrite, "models/bob/thief", "main", TestHub.header("steal", null),
                TestHub.lfsFile("stolen.bin", sha, secret.length));
        assertEquals(400, commit.statusCode(), text(commit));
        HttpResponse<byte[]> download = hub.send("POST", "/bob/thief.git/info/lfs/objects/batch", bobWrite, "application/vnd.git-lfs+json",
                TestHub.JSON.writeValueAsBytes(Map.of("operation", "download", "objects", List.of(Map.of("oid", sha, "size", secret.length)))));
        assertEquals(404, json(download).get("objects").get(0).get("error").get("code").asInt());
        assertEquals(404, hub.get("/bob/thief/resolve/main/stolen.bin", bobWrite).statusCode());
    }

    @Test
    void ownerCanToggleVisibilityAndManageRefs() throws Exception {
        hub.createRepo(aliceWrite, "alice/toggle", "model", false);
        assertEquals(200, hub.get("/api/models/alice/toggle", null).statusCode());
        assertEquals(403, hub.send("PUT", "/api/models/alice/toggle/settings", aliceRead, "application/json",
                "{\"private\": true}".getBytes()).statusCode());
        assertEquals(200, hub.send("PUT", "/api/models/alice/toggle/settings", aliceWrite, "application/json",
                "{\"private\": true}".getBytes()).statusCode());
        assertEquals(404, hub.get("/api/models/alice/toggle", null).statusCode());
        assertFalse(text(hub.get("/api/models", null)).contains("alice/toggle"));
        assertEquals(200, hub.send("PUT", "/api/repos/models/alice/toggle/settings", aliceWrite, "application/json",
                "{\"visibility\": \"public\"}".getBytes()).statusCode());
        assertEquals(200, hub.get("/api/models/alice/toggle", null).statusCode());

        assertEquals(200, hub.postJson("/api/models/alice/toggle/tag/main", aliceWrite, Map.of("tag", "v1")).statusCode());
        assertEquals(409, hub.postJson("/api/models/alice/toggle/tag/main", aliceWrite, Map.of("tag", "v1")).statusCode());
        assertEquals(403, hub.send("DELETE", "/api/models/alice/toggle/tag/v1", bobWrite, null, null).statusCode());
        assertEquals(200, hub.send("DELETE", "/api/models/alice/toggle/tag/v1", aliceWrite, null, null).statusCode());
        assertEquals(404, hub.get("/alice/toggle/resolve/v1/.gitattributes", null).statusCode());
        assertEquals(200, hub.postJson("/api/models/alice/toggle/branch/dev", aliceWrite, Map.of()).statusCode());
        assertEquals(400, hub.send("DELETE", "/api/models/alice/toggle/branch/main", aliceWrite, null, null).statusCode());
        assertEquals(200, hub.send("DELETE", "/api/models/alice/toggle/branch/dev", aliceWrite, null, null).statusCode());
        assertEquals(400, hub.postJson("/api/models/alice/toggle/branch/" + "a".repeat(40).replace('a', 'b'), aliceWrite, Map.of()).statusCode());
    }
}
