package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** JSON bodies are small and bounded before they are read, tighter without a token. */
class BodyLimitsTest {
    @RegisterExtension
    static final TestHub hub = TestHub.perClass("alice/limits");

    /** A paths-info body of about {@code bytes} bytes. */
    private static byte[] pathsInfo(int bytes) throws Exception {
        List<String> paths = new ArrayList<>();
        int size = 0;
        while (size < bytes) {
            String p = "dir/file-" + paths.size() + ".txt";
            paths.add(p);
            size += p.length() + 3;
        }
        return TestHub.JSON.writeValueAsBytes(Map.of("paths", paths));
    }

    private HttpResponse<byte[]> chunked(String path, String token, byte[] body) throws Exception {
        // A stream of unknown length goes out chunked: no Content-Length to refuse up front.
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return hub.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void anonymousBodiesAreBoundedTighter() throws Exception {
        String route = "/api/models/alice/limits/paths-info/main";
        byte[] small = pathsInfo(100_000);
        byte[] medium = pathsInfo((int) HubLimits.DEFAULT_ANONYMOUS_BYTES + 10_000);
        assertEquals(200, hub.send("POST", route, null, "application/json", small).statusCode());
        HttpResponse<byte[]> anonymous = hub.send("POST", route, null, "application/json", medium);
        assertEquals(413, anonymous.statusCode(), text(anonymous));
        assertTrue(json(anonymous).get("error").asText().contains("without a token"), text(anonymous));
        assertEquals(413, chunked(route, null, medium).statusCode(), "a body without a length is cut off at the limit");
        // With a token the same body is fine.
        assertEquals(200, hub.send("POST", route, hub.alice(), "application/json", medium).statusCode());
        assertEquals(200, chunked(route, hub.alice(), medium).statusCode());
    }

    @Test
    void inlineCommitFilesAreDecodedAsTheyArrive() throws Exception {
        byte[] data = new byte[3_000_001];
        new java.util.Random(11).nextBytes(data);
        String utf8 = TestHub.line(Map.of("key", "file", "value", new java.util.TreeMap<>(Map.of("encoding", "utf-8", "content", "h\u00e9llo",
                "path", "hello.txt")).descendingMap()));
        HttpResponse<byte[]> r = hub.commit(hub.alice(), "models/alice/limits", "main", TestHub.header("inline", null),
                TestHub.file("blob.bin", data), utf8);
        assertEquals(200, r.statusCode(), text(r));
        org.junit.jupiter.api.Assertions.assertArrayEquals(data, hub.get("/alice/limits/resolve/main/blob.bin", null).body());
        assertEquals("h\u00e9llo", text(hub.get("/alice/limits/resolve/main/hello.txt", null)));
        com.fasterxml.jackson.databind.JsonNode tree = json(hub.get("/api/models/alice/limits/tree/main", null));
        for (com.fasterxml.jackson.databind.JsonNode f : tree) {
            if (f.get("path").asText().equals("blob.bin")) {
                assertEquals(dev.graft.hub.server.store.Hashes.gitBlobSha1(data), f.get("oid").asText());
                assertEquals(data.length, f.get("size").asLong());
            }
        }
        // utf-8 is only known before the content is read: after it, the content was base64.
        String late = TestHub.line(Map.of("key", "file", "value", new java.util.TreeMap<>(Map.of("content", "aGk=", "path", "late.txt",
                "encoding", "utf-8"))));
        assertEquals(400, hub.commit(hub.alice(), "models/alice/limits", "main", TestHub.header("late", null), late).statusCode());
    }

    @Test
    void jsonBodiesAreSmallEvenWithAToken() throws Exception {
        byte[] big = pathsInfo((int) HubLimits.DEFAULT_JSON_BYTES + 1000);
        assertEquals(413, refusal("POST", "/api/models/alice/limits/paths-info/main", big));
        assertEquals(413, chunked("/api/models/alice/limits/paths-info/main", hub.alice(), big).statusCode());
        for (String route : List.of("/api/repos/create", "/api/models/alice/limits/preupload/main", "/alice/limits.git/info/lfs/objects/batch")) {
            assertEquals(413, refusal("POST", route, big), route);
        }
        assertEquals(413, refusal("PUT", "/api/models/alice/limits/settings", big));
        // An anonymous LFS batch is bounded like any anonymous body.
        byte[] batch = ("{\"operation\":\"download\",\"objects\":[" + "{\"oid\":\"x\",\"size\":1},".repeat(20_000) + "{}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(413, hub.send("POST", "/alice/limits.git/info/lfs/objects/batch", null, "application/json", batch).statusCode());
        assertEquals(200, hub.send("POST", "/api/models/alice/limits/paths-info/main", hub.alice(), "application/json", pathsInfo(10)).statusCode());
    }

    /**
     * The status of an oversized body: the server answers 413 without reading it and closes the
     * connection, which a client still sending may see as the connection closing instead; 413 then.
     */
    private int refusal(String method, String route, byte[] body) throws Exception {
        try {
            return hub.send(method, route, hub.alice(), "application/json", body).statusCode();
        } catch (java.io.IOException closedWhileSending) {
            return 413;
        }
    }
}
