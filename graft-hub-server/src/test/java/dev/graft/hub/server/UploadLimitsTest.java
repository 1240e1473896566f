package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.hub.server.store.FileBlobStore;
import dev.graft.hub.server.store.Hashes;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Truncated, corrupt and oversized uploads store nothing and answer clearly. */
class UploadLimitsTest {
    @RegisterExtension
    static final TestHub hub = TestHub.perClass(new HubLimits(64 * 1024, 1 << 20));
    static String token;

    @BeforeAll
    static void setUp() throws Exception {
        token = hub.token("alice", true);
        hub.createRepo(token, "alice/up", "model", false);
    }

    private JsonNode batch(String sha, long size) throws Exception {
        HttpResponse<byte[]> r = hub.send("POST", "/alice/up.git/info/lfs/objects/batch", token, "application/vnd.git-lfs+json",
                TestHub.JSON.writeValueAsBytes(Map.of("operation", "upload", "objects", List.of(Map.of("oid", sha, "size", size)))));
        assertEquals(200, r.statusCode(), text(r));
        return json(r).get("objects").get(0);
    }

    @Test
    void truncatedUploadStoresNothingAndCannotBeCommitted() throws Exception {
        byte[] data = new byte[200_000];
        new Random(7).nextBytes(data);
        String sha = Hashes.sha256(data);
        URI href = URI.create(batch(sha, data.length).get("actions").get("upload").get("href").asText());
        // Announce the full length, send half, then hang up: what a killed client does.
        try (Socket s = new Socket(href.getHost(), href.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT " + href.getRawPath() + "?" + href.getRawQuery() + " HTTP/1.1\r\nHost: " + href.getHost() + ":" + href.getPort()
                    + "\r\nContent-Length: " + data.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, 0, data.length / 2);
            out.flush();
        }
        Thread.sleep(300);
        assertTrue(batch(sha, data.length).has("actions"), "a truncated object must still be missing");
        HttpResponse<byte[]> commit = hub.commit(token, "models/alice/up", "main", TestHub.header("half", null),
                TestHub.lfsFile("w.bin", sha, data.length));
        assertEquals(400, commit.statusCode());
        assertTrue(text(commit).contains("was not uploaded"), text(commit));
        try (Stream<Path> tmp = Files.list(hub.dir.resolve("tmp"))) {
            assertEquals(0, tmp.count(), "the partial upload's temporary file is removed");
        }
    }

    @Test
    void uploadWithWrongContentIsRefused() throws Exception {
        byte[] data = "real content".getBytes(StandardCharsets.UTF_8);
        String claimed = Hashes.sha256("other content");
        String href = batch(claimed, data.length).get("actions").get("upload").get("href").asText();
        HttpResponse<byte[]> put = hub.send("PUT", href, null, null, data);
        assertEquals(400, put.statusCode());
        assertTrue(text(put).contains("sha256"), text(put));
        assertFalse(Files.exists(((FileBlobStore) hub.server.hub().store().blobs()).path(claimed)));
    }

    @Test
    void tamperedUploadUrlIsRefused() throws Exception {
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        String href = batch(Hashes.sha256(data), 1).get("actions").get("upload").get("href").asText();
        assertEquals(403, hub.send("PUT", href.replace("size=1", "size=2"), null, null, data).statusCode());
    }

    @Test
    void oversizedRequestsAnswer413() throws Exception {
        JsonNode obj = batch(Hashes.sha256("big"), 2 << 20);
        assertEquals(413, obj.get("error").get("code").asInt());
        byte[] big = new byte[100_000];
        HttpResponse<byte[]> commit = hub.commit(token, "models/alice/up", "main", TestHub.header("big", null), TestHub.file("big.bin", big));
        assertEquals(413, commit.statusCode());
        assertTrue(text(commit).contains("limit"), text(commit));
        assertEquals(1, json(hub.get("/api/models/alice/up", null)).get("siblings").size());
    }

    @Test
    void commitNeedsAHeaderFirstAndKnownOperations() throws Exception {
        assertEquals(400, hub.commit(token, "models/alice/up", "main", TestHub.file("a.txt", "a")).statusCode());
        assertEquals(400, hub.commit(token, "models/alice/up", "main", TestHub.header("x", null), "{\"key\":\"copy\",\"value\":{}}").statusCode());
        assertEquals(400, hub.commit(token, "models/alice/up", "main", TestHub.header("x", null), "not json").statusCode());
        assertEquals(404, hub.commit(token, "models/alice/up", "main", TestHub.header("x", null), TestHub.deletedFile("absent.txt")).statusCode());
        assertEquals(404, hub.commit(token, "models/alice/up", "nobranch", TestHub.header("x", null), TestHub.file("a.txt", "a")).statusCode());
    }
}
