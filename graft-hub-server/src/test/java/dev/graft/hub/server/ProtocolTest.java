package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.hub.server.store.Hashes;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Hugging Face Hub read protocol: resolve headers, ranges, revisions, tree, paths-info, refs, commits, whoami. */
class ProtocolTest {
    @RegisterExtension
    static final TestHub hub = TestHub.perClass();
    static String token;
    static byte[] weights;
    static String weightsSha;
    static String secondCommit;

    @BeforeAll
    static void setUp() throws Exception {
        token = hub.token("alice", true);
        hub.createRepo(token, "alice/proto", "model", false);
        weights = new byte[300_000];
        new Random(1).nextBytes(weights);
        weightsSha = hub.uploadLfs(token, "alice/proto", weights);
        HttpResponse<byte[]> c1 = hub.commit(token, "models/alice/proto", "main", TestHub.header("first", null),
                TestHub.file("config.json", "{\"num_classes\": 10}"), TestHub.lfsFile("weights/model.safetensors", weightsSha, weights.length));
        assertEquals(200, c1.statusCode(), text(c1));
        assertEquals(200, hub.postJson("/api/models/alice/proto/tag/main", token, Map.of("tag", "v1.0")).statusCode());
        HttpResponse<byte[]> c2 = hub.commit(token, "models/alice/proto", "main", TestHub.header("second", null),
                TestHub.file("config.json", "{\"num_classes\": 5}"), TestHub.file("docs/notes/a.txt", "notes"));
        assertEquals(200, c2.statusCode(), text(c2));
        secondCommit = json(c2).get("commitOid").asText();
    }

    @Test
    void resolveAnswersEtagCommitAndLength() throws Exception {
        HttpResponse<byte[]> r = hub.get("/alice/proto/resolve/main/config.json", null);
        assertEquals(200, r.statusCode());
        byte[] body = "{\"num_classes\": 5}".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(body, r.body());
        assertEquals("\"" + Hashes.gitBlobSha1(body) + "\"", r.headers().firstValue("ETag").orElseThrow());
        assertEquals(secondCommit, r.headers().firstValue("X-Repo-Commit").orElseThrow());
        assertEquals("bytes", r.headers().firstValue("Accept-Ranges").orElseThrow());
        assertEquals(String.valueOf(body.length), r.headers().firstValue("Content-Length").orElseThrow());
    }

    @Test
    void lfsFilesAnswerSha256EtagAndLinkedHeaders() throws Exception {
        HttpResponse<byte[]> head = hub.send("HEAD", "/alice/proto/resolve/main/weights/model.safetensors", null, null, null);
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals("\"" + weightsSha + "\"", head.headers().firstValue("ETag").orElseThrow());
        assertEquals("\"" + weightsSha + "\"", head.headers().firstValue("X-Linked-Etag").orElseThrow());
        assertEquals(String.valueOf(weights.length), head.headers().firstValue("X-Linked-Size").orElseThrow());
        assertEquals(String.valueOf(weights.length), head.headers().firstValue("Content-Length").orElseThrow());
        HttpResponse<byte[]> get = hub.get("/alice/proto/resolve/main/weights/model.safetensors", null);
        assertArrayEquals(weights, get.body());
        // raw/ answers the git view: the LFS pointer.
        HttpResponse<byte[]> raw = hub.get("/alice/proto/raw/main/weights/model.safetensors", null);
        assertTrue(text(raw).contains("oid sha256:" + weightsSha), text(raw));
    }

    @Test
    void rangesAnswer206And416() throws Exception {
        String path = "/alice/proto/resolve/main/weights/model.safetensors";
        HttpResponse<byte[]> part = hub.get(path, null, "Range", "bytes=100-199");
        assertEquals(206, part.statusCode());
        assertArrayEquals(Arrays.copyOfRange(weights, 100, 200), part.body());
        assertEquals("bytes 100-199/" + weights.length, part.headers().firstValue("Content-Range").orElseThrow());
        HttpResponse<byte[]> open = hub.get(path, null, "Range", "bytes=299990-");
        assertArrayEquals(Arrays.copyOfRange(weights, 299_990, 300_000), open.body());
        HttpResponse<byte[]> suffix = hub.get(path, null, "Range", "bytes=-5");
        assertArrayEquals(Arrays.copyOfRange(weights, 299_995, 300_000), suffix.body());
        HttpResponse<byte[]> first = hub.get(path, null, "Range", "bytes=0-0");
        assertEquals("bytes 0-0/" + weights.length, first.headers().firstValue("Content-Range").orElseThrow());
        HttpResponse<byte[]> beyond = hub.get(path, null, "Range", "bytes=300000-");
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */" + weights.length, beyond.headers().firstValue("Content-Range").orElseThrow());
    }

    @Test
    void ifNoneMatchAnswers304() throws Exception {
        HttpResponse<byte[]> r = hub.get("/alice/proto/resolve/main/weights/model.safetensors", null, "If-None-Match", "\"" + weightsSha + "\"");
        assertEquals(304, r.statusCode());
        assertEquals(0, r.body().length);
        HttpResponse<byte[]> other = hub.get("/alice/proto/resolve/main/weights/model.safetensors", null, "If-None-Match", "\"nope\"");
        assertEquals(200, other.statusCode());
    }

    @Test
    void revisionsResolveByBranchTagCommitAndEncodedNames() throws Exception {
        assertEquals("{\"num_classes\": 10}", text(hub.get("/alice/proto/resolve/v1.0/config.json", null)));
        assertEquals("{\"num_classes\": 5}", text(hub.get("/alice/proto/resolve/" + secondCommit + "/config.json", null)));
        assertEquals(200, hub.postJson("/api/models/alice/proto/branch/feature%2Fx", token, Map.of("startingPoint", "v1.0")).statusCode());
        assertEquals("{\"num_classes\": 10}", text(hub.get("/alice/proto/resolve/feature%2Fx/config.json", null)));
        assertEquals("{\"num_classes\": 10}", text(hub.get("/alice/proto/resolve/refs%2Fheads%2Ffeature%2Fx/config.json", null)));
        HttpResponse<byte[]> missing = hub.get("/alice/proto/resolve/nope/config.json", null);
        assertEquals(404, missing.statusCode());
        assertEquals("RevisionNotFound", missing.headers().firstValue("X-Error-Code").orElseThrow());
        HttpResponse<byte[]> noFile = hub.get("/alice/proto/resolve/main/absent.txt", null);
        assertEquals(404, noFile.statusCode());
        assertEquals("EntryNotFound", noFile.headers().firstValue("X-Error-Code").orElseThrow());
        assertEquals(secondCommit, noFile.headers().firstValue("X-Repo-Commit").orElse(null),
                "a missing file still names the commit it was looked up in");
        HttpResponse<byte[]> noFileAtTag = hub.send("HEAD", "/alice/proto/resolve/v1.0/absent.txt", null, null, null);
        assertEquals(404, noFileAtTag.statusCode());
        assertTrue(noFileAtTag.headers().firstValue("X-Repo-Commit").isPresent());
        assertTrue(missing.headers().firstValue("X-Repo-Commit").isEmpty(), "no commit for a revision that does not exist");
        JsonNode refs = json(hub.get("/api/models/alice/proto/refs", null));
        assertEquals(List.of("feature/x", "main"), TestHub.names(refs.get("branches"), "name"));
        assertEquals(List.of("v1.0"), TestHub.names(refs.get("tags"), "name"));
    }

    @Test
    void infoListsSiblingsAndRevision() throws Exception {
        JsonNode info = json(hub.get("/api/models/alice/proto", null));
        assertEquals("alice/proto", info.get("id").asText());
        assertEquals(secondCommit, info.get("sha").asText());
        assertEquals(List.of(".gitattributes", "config.json", "docs/notes/a.txt", "weights/model.safetensors"),
                TestHub.names(info.get("siblings"), "rfilename"));
        JsonNode lfs = info.get("siblings").get(3).get("lfs");
        assertEquals(weightsSha, lfs.get("sha256").asText());
        JsonNode old = json(hub.get("/api/models/alice/proto/revision/v1.0", null));
        assertEquals(3, old.get("siblings").size());
        assertFalse(old.get("sha").asText().equals(secondCommit));
        assertEquals(json(hub.get("/api/models/alice/proto/revision/HEAD", null)).get("sha").asText(), secondCommit);
    }

    @Test
    void treeAndPathsInfo() throws Exception {
        JsonNode top = json(hub.get("/api/models/alice/proto/tree/main", null));
        assertEquals(List.of(".gitattributes", "config.json", "docs", "weights"), TestHub.names(top, "path"));
        assertEquals("directory", top.get(2).get("type").asText());
        JsonNode deep = json(hub.get("/api/models/alice/proto/tree/main/docs?recursive=true", null));
        assertEquals(List.of("docs/notes", "docs/notes/a.txt"), TestHub.names(deep, "path"));
        assertEquals(404, hub.get("/api/models/alice/proto/tree/main/nothere", null).statusCode());
        JsonNode info = json(hub.postJson("/api/models/alice/proto/paths-info/main", null,
                Map.of("paths", List.of("config.json", "weights/model.safetensors", "missing.txt", "docs"))));
        assertEquals(List.of("config.json", "weights/model.safetensors", "docs"), TestHub.names(info, "path"));
        assertEquals(weightsSha, info.get(1).get("lfs").get("oid").asText());
        JsonNode form = json(hub.send("POST", "/api/models/alice/proto/paths-info/v1.0", null, "application/x-www-form-urlencoded",
                "paths=config.json&expand=false".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Hashes.gitBlobSha1("{\"num_classes\": 10}".getBytes(StandardCharsets.UTF_8)), form.get(0).get("oid").asText());
        assertFalse(info.get(0).has("lastCommit"), "lastCommit only with expand");
    }

    @Test
    void pathsInfoExpandNamesTheCommitThatLastChangedEachPath() throws Exception {
        JsonNode history = json(hub.get("/api/models/alice/proto/commits/main", null));
        JsonNode first = history.get(1);
        JsonNode info = json(hub.postJson("/api/models/alice/proto/paths-info/main", null, Map.of("expand", true,
                "paths", List.of("config.json", "weights/model.safetensors", ".gitattributes", "docs", "weights"))));
        assertEquals(List.of("config.json", "weights/model.safetensors", ".gitattributes", "docs", "weights"), TestHub.names(info, "path"));
        List<String> titles = new java.util.ArrayList<>();
        info.forEach(n -> titles.add(n.get("lastCommit").get("title").asText()));
        assertEquals(List.of("second", "first", "initial commit", "second", "first"), titles);
        assertEquals(secondCommit, info.get(0).get("lastCommit").get("id").asText());
        assertEquals(first.get("id").asText(), info.get(1).get("lastCommit").get("id").asText());
        assertEquals(first.get("date").asText(), info.get(1).get("lastCommit").get("date").asText());
        // Python's client sends a form with expand=True; at the tag, config.json was last changed by "first".
        JsonNode form = json(hub.send("POST", "/api/models/alice/proto/paths-info/v1.0", null, "application/x-www-form-urlencoded",
                "paths=config.json&expand=True".getBytes(StandardCharsets.UTF_8)));
        assertEquals(first.get("id").asText(), form.get(0).get("lastCommit").get("id").asText());
    }

    @Test
    void commitsListHistoryNewestFirstWithPaging() throws Exception {
        JsonNode all = json(hub.get("/api/models/alice/proto/commits/main", null));
        assertEquals(List.of("second", "first", "initial commit"), TestHub.names(all, "title"));
        assertEquals("alice", all.get(0).get("authors").get(0).get("user").asText());
        HttpResponse<byte[]> page = hub.get("/api/models/alice/proto/commits/main?limit=2", null);
        assertEquals(2, json(page).size());
        String link = page.headers().firstValue("Link").orElseThrow();
        String next = link.substring(1, link.indexOf('>'));
        assertEquals(List.of("initial commit"), TestHub.names(json(hub.get(next, null)), "title"));
    }

    @Test
    void whoamiNamesTheTokenUser() throws Exception {
        JsonNode me = json(hub.get("/api/whoami-v2", token));
        assertEquals("alice", me.get("name").asText());
        assertEquals("write", me.get("auth").get("accessToken").get("role").asText());
        assertEquals(401, hub.get("/api/whoami-v2", null).statusCode());
        assertEquals(401, hub.get("/api/whoami-v2", "hf_not_a_token").statusCode());
    }

    @Test
    void preuploadSendsLargeAndBinaryFilesToLfs() throws Exception {
        JsonNode r = json(hub.postJson("/api/models/alice/proto/preupload/main", token, Map.of("files", List.of(
                Map.of("path", "a.txt", "size", 10, "sample", java.util.Base64.getEncoder().encodeToString("hello".getBytes())),
                Map.of("path", "b.dat", "size", 10, "sample", java.util.Base64.getEncoder().encodeToString(new byte[] {1, 0, 2})),
                Map.of("path", "c.txt", "size", 20_000_000, "sample", ""),
                Map.of("path", "d.safetensors", "size", 100, "sample", "")))));
        assertEquals(List.of("regular", "lfs", "lfs", "lfs"), TestHub.names(r.get("files"), "uploadMode"));
        assertEquals(secondCommit, r.get("commitOid").asText());
    }

    @Test
    void bigFilesStreamWholeAndInRanges() throws Exception {
        byte[] big = new byte[20 << 20];
        new Random(3).nextBytes(big);
        hub.createRepo(token, "alice/big", "model", false);
        String sha = hub.uploadLfs(token, "alice/big", big);
        assertEquals(200, hub.commit(token, "models/alice/big", "main", TestHub.header("big", null),
                TestHub.lfsFile("big.bin", sha, big.length)).statusCode());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(big, hub.get("/alice/big/resolve/main/big.bin", null).body());
        }
        HttpResponse<byte[]> tail = hub.get("/alice/big/resolve/main/big.bin", null, "Range", "bytes=" + (9 << 20) + "-");
        assertArrayEquals(Arrays.copyOfRange(big, 9 << 20, big.length), tail.body());
    }

    @Test
    void malformedUrlsAnswer400() throws Exception {
        // The JDK client refuses to send such a URL, so speak HTTP on a socket.
        java.net.URI base = java.net.URI.create(hub.url);
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            s.getOutputStream().write(("GET /alice/proto/resolve/main/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
    }
}
