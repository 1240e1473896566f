package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Visibility changes only on an exact value, and signed links follow the repository's current visibility. */
class VisibilityTest {
    @RegisterExtension
    static final TestHub hub = TestHub.perClass();
    static String alice;
    static String bob;

    @BeforeAll
    static void setUp() throws Exception {
        alice = hub.token("alice", true);
        bob = hub.token("bob", true);
    }

    private HttpResponse<byte[]> settings(String repo, String body) throws Exception {
        return hub.send("PUT", "/api/models/" + repo + "/settings", alice, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void settingsRefuseAnythingButABooleanOrAnExactVisibility() throws Exception {
        hub.createRepo(alice, "alice/hidden", "model", true);
        for (String bad : List.of("{\"private\":\"maybe\"}", "{\"private\":null}", "{\"private\":\"false\"}", "{\"private\":0}",
                "{\"private\":[]}", "{\"visibility\":\"secret\"}", "{\"visibility\":\"Public\"}", "{\"visibility\":null}",
                "{\"visibility\":false}", "{\"private\":true,\"visibility\":\"public\"}")) {
            HttpResponse<byte[]> r = settings("alice/hidden", bad);
            assertEquals(400, r.statusCode(), bad + ": " + text(r));
            assertTrue(text(r).contains("nothing was changed"), text(r));
            assertEquals(404, hub.get("/api/models/alice/hidden", null).statusCode(), bad + " made the repository readable");
            assertTrue(json(hub.get("/api/models/alice/hidden", alice)).get("private").asBoolean(), bad);
            assertFalse(text(hub.get("/api/models", null)).contains("alice/hidden"), bad);
        }
        // A body naming neither field changes nothing and says so.
        assertTrue(json(settings("alice/hidden", "{\"gated\":false}")).get("private").asBoolean());
        assertFalse(json(settings("alice/hidden", "{\"visibility\":\"public\"}")).get("private").asBoolean());
        assertEquals(200, hub.get("/api/models/alice/hidden", null).statusCode());
        assertTrue(json(settings("alice/hidden", "{\"private\":true}")).get("private").asBoolean());
        assertEquals(404, hub.get("/api/models/alice/hidden", null).statusCode());
    }

    @Test
    void createRefusesAVisibilityItCannotReadExactly() throws Exception {
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("private", "yes"), Map.of("visibility", "Private"),
                Map.of("private", 1), Map.of("visibility", "internal"))) {
            Map<String, Object> body = new java.util.HashMap<>(bad);
            body.put("name", "made");
            body.put("type", "model");
            HttpResponse<byte[]> r = hub.postJson("/api/repos/create", alice, body);
            assertEquals(400, r.statusCode(), bad + ": " + text(r));
            assertEquals(404, hub.get("/api/models/alice/made", alice).statusCode(), bad + " created a repository");
        }
        assertEquals(200, hub.postJson("/api/repos/create", alice, Map.of("name", "made", "type", "model", "visibility", "private")).statusCode());
        assertEquals(404, hub.get("/api/models/alice/made", null).statusCode());
        assertTrue(json(hub.get("/api/models/alice/made", alice)).get("private").asBoolean());
    }

    private String downloadHref(String token, String repo, String sha, int size) throws Exception {
        HttpResponse<byte[]> batch = hub.send("POST", "/" + repo + ".git/info/lfs/objects/batch", token, "application/vnd.git-lfs+json",
                TestHub.JSON.writeValueAsBytes(Map.of("operation", "download", "objects", List.of(Map.of("oid", sha, "size", size)))));
        assertEquals(200, batch.statusCode(), text(batch));
        JsonNode href = json(batch).get("objects").get(0).path("actions").path("download").path("href");
        assertTrue(href.isTextual(), text(batch));
        return href.asText();
    }

    @Test
    void signedDownloadLinksStopWhenTheRepositoryTurnsPrivate() throws Exception {
        hub.createRepo(alice, "alice/turning", "model", false);
        byte[] weights = "weights that become private".getBytes(StandardCharsets.UTF_8);
        String sha = hub.uploadLfs(alice, "alice/turning", weights);
        assertEquals(200, hub.commit(alice, "models/alice/turning", "main", TestHub.header("w", null),
                TestHub.lfsFile("w.bin", sha, weights.length)).statusCode());
        String anonymous = downloadHref(null, "alice/turning", sha, weights.length);
        String bobs = downloadHref(bob, "alice/turning", sha, weights.length);
        String owners = downloadHref(alice, "alice/turning", sha, weights.length);
        assertEquals("weights that become private", text(hub.get(anonymous, null)));

        assertEquals(200, settings("alice/turning", "{\"private\":true}").statusCode());
        for (String href : List.of(anonymous, bobs)) {
            HttpResponse<byte[]> r = hub.get(href, null);
            assertEquals(404, r.statusCode(), text(r));
            assertFalse(text(r).contains("weights"));
        }
        // The owner's link stays valid: the owner may read the repository.
        assertEquals("weights that become private", text(hub.get(owners, null)));
        assertEquals(200, settings("alice/turning", "{\"private\":false}").statusCode());
        assertEquals(200, hub.get(anonymous, null).statusCode());
    }
}
