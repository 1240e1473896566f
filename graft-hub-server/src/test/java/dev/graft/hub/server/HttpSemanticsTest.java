package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.hub.server.store.Hashes;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conditional and range requests follow RFC 9110; signed LFS URLs stay valid for as long as they say, across restarts. */
class HttpSemanticsTest {
    private static final byte[] DATA = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);

    @Test
    void ifRangeAndInvalidRanges(@TempDir Path dir) throws Exception {
        try (TestHub hub = TestHub.start(dir)) {
            String alice = hub.token("alice", true);
            hub.createRepo(alice, "alice/ranges", "model", false);
            assertEquals(200, hub.commit(alice, "models/alice/ranges", "main", TestHub.header("data", null),
                    TestHub.file("data.txt", DATA)).statusCode());
            String path = "/alice/ranges/resolve/main/data.txt";
            String etag = hub.get(path, null).headers().firstValue("ETag").orElseThrow();

            HttpResponse<byte[]> matching = hub.get(path, null, "Range", "bytes=0-9", "If-Range", etag);
            assertEquals(206, matching.statusCode());
            assertArrayEquals(Arrays.copyOf(DATA, 10), matching.body());
            for (String validator : List.of("\"0000\"", "W/" + etag, "Wed, 21 Oct 2015 07:28:00 GMT", "")) {
                HttpResponse<byte[]> r = hub.get(path, null, "Range", "bytes=0-9", "If-Range", validator);
                assertEquals(200, r.statusCode(), "If-Range " + validator);
                assertArrayEquals(DATA, r.body(), "a mismatched validator gets the whole file");
                assertTrue(r.headers().firstValue("Content-Range").isEmpty());
            }
            for (String invalid : List.of("bytes=--5", "bytes=abc", "bytes=9-2", "bytes=+1-2", "bytes=-", "bytes=1-2-3",
                    "items=0-1", "bytes 0-1", "bytes=0x10-")) {
                HttpResponse<byte[]> r = hub.get(path, null, "Range", invalid);
                assertEquals(200, r.statusCode(), invalid);
                assertArrayEquals(DATA, r.body(), invalid);
            }
            // Valid but unsatisfiable stays a 416; valid ranges stay 206.
            assertEquals(416, hub.get(path, null, "Range", "bytes=36-").statusCode());
            assertEquals(416, hub.get(path, null, "Range", "bytes=-0").statusCode());
            assertEquals(416, hub.get(path, null, "Range", "bytes=99999999999999999999999-").statusCode());
            HttpResponse<byte[]> tail = hub.get(path, null, "Range", "BYTES = 30-99999999999999999999999");
            assertEquals(206, tail.statusCode());
            assertArrayEquals(Arrays.copyOfRange(DATA, 30, 36), tail.body());
        }
    }

    /** The URL as the restarted server (on another port) is reached. */
    private static String onServer(String href, TestHub hub) {
        URI u = URI.create(href);
        return hub.url + u.getRawPath() + "?" + u.getRawQuery();
    }

    @Test
    void lfsTransferUrlsSurviveARestart(@TempDir Path dir) throws Exception {
        byte[] weights = new byte[50_000];
        new java.util.Random(3).nextBytes(weights);
        String sha = Hashes.sha256(weights);
        JsonNode actions;
        String alice;
        try (TestHub hub = TestHub.start(dir)) {
            alice = hub.token("alice", true);
            hub.createRepo(alice, "alice/restart", "model", false);
            HttpResponse<byte[]> batch = hub.send("POST", "/alice/restart.git/info/lfs/objects/batch", alice, "application/vnd.git-lfs+json",
                    TestHub.JSON.writeValueAsBytes(Map.of("operation", "upload", "objects", List.of(Map.of("oid", sha, "size", weights.length)))));
            actions = json(batch).get("objects").get(0).get("actions");
            assertEquals(3600, actions.get("verify").get("expires_in").asInt());
        }
        try (TestHub hub = TestHub.start(dir)) {
            HttpResponse<byte[]> put = hub.send("PUT", onServer(actions.get("upload").get("href").asText(), hub), null, null, weights);
            assertEquals(200, put.statusCode(), text(put));
        }
        try (TestHub hub = TestHub.start(dir)) {
            HttpResponse<byte[]> verify = hub.send("POST", onServer(actions.get("verify").get("href").asText(), hub), null,
                    "application/vnd.git-lfs+json", TestHub.JSON.writeValueAsBytes(Map.of("oid", sha, "size", weights.length)));
            assertEquals(200, verify.statusCode(), text(verify));
            assertEquals(200, hub.commit(alice, "models/alice/restart", "main", TestHub.header("w", null),
                    TestHub.lfsFile("w.bin", sha, weights.length)).statusCode());
            assertArrayEquals(weights, hub.get("/alice/restart/resolve/main/w.bin", null).body());
        }
    }
}
