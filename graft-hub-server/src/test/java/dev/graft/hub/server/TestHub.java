package dev.graft.hub.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.hub.server.store.Hashes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A hub server on a free loopback port over a temporary folder, with small HTTP helpers for tests.
 * Started by {@link #start}, or, for one hub per test class, as a JUnit extension:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestHub hub = TestHub.perClass();
 * }</pre>
 */
final class TestHub implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    static final ObjectMapper JSON = new ObjectMapper();

    HubServer server;
    String url;
    /** The server's data folder. */
    Path dir;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** For {@link #perClass}: the limits the server starts with. */
    private final HubLimits limits;
    /** For {@link #perClass}: alice's public model repositories, made when it starts. */
    private final List<String> aliceModels;
    private String alice;

    private TestHub(HubServer server, Path dir) {
        this.limits = null;
        this.aliceModels = List.of();
        attach(server, dir);
    }

    private TestHub(HubLimits limits, List<String> aliceModels) {
        this.limits = limits;
        this.aliceModels = aliceModels;
    }

    private TestHub(String url) {
        this.limits = null;
        this.aliceModels = List.of();
        this.url = url;
    }

    /** A client of a server this test did not start here (one in a child JVM): its helpers, no server to close. */
    static TestHub remote(String url) {
        return new TestHub(url);
    }

    private void attach(HubServer started, Path dataDir) {
        this.server = started;
        this.url = started.url();
        this.dir = dataDir;
    }

    static TestHub start(Path dir) throws IOException {
        return start(dir, null, HubLimits.defaults());
    }

    static TestHub start(Path dir, String dbUrl, HubLimits limits) throws IOException {
        return new TestHub(HubServer.start(new HubServer.Config("127.0.0.1", 0, dir, dbUrl, limits)), dir);
    }

    /**
     * One hub for a test class, for a static {@code @RegisterExtension} field: it starts over a new
     * temporary folder before the class's {@code @BeforeAll} methods run, and stops and is deleted after its tests.
     */
    static TestHub perClass() {
        return perClass(HubLimits.defaults());
    }

    static TestHub perClass(HubLimits limits) {
        return new TestHub(limits, List.of());
    }

    /** {@link #perClass()} with alice's public model repositories {@code repos} (owner/name) made at the start. */
    static TestHub perClass(String... repos) {
        return new TestHub(HubLimits.defaults(), List.of(repos));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path dataDir = Files.createTempDirectory("graft-test-hub");
        attach(HubServer.start(new HubServer.Config("127.0.0.1", 0, dataDir, null, limits)), dataDir);
        for (String repo : aliceModels) {
            createRepo(alice(), repo, "model", false);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    String token(String user, boolean write) {
        return server.hub().createToken(user, "test", write);
    }

    /** A write token of alice's, the owner most tests act as; made on first use, then the same one. */
    String alice() {
        if (alice == null) {
            alice = token("alice", true);
        }
        return alice;
    }

    HttpResponse<byte[]> send(String method, String path, String token, String contentType, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : url + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String path, String token, String... headers) throws IOException, InterruptedException {
        return send("GET", path, token, null, null, headers);
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    HttpResponse<byte[]> postJson(String path, String token, Object body) throws IOException, InterruptedException {
        return send("POST", path, token, "application/json", JSON.writeValueAsBytes(body));
    }

    void createRepo(String token, String id, String type, boolean isPrivate) throws IOException, InterruptedException {
        String[] parts = id.split("/");
        HttpResponse<byte[]> r = postJson("/api/repos/create", token,
                Map.of("name", parts[1], "organization", parts[0], "type", type, "private", isPrivate));
        assertEquals(200, r.statusCode(), text(r));
    }

    // ---- NDJSON commit lines ----

    static String line(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String header(String summary, String parent) {
        Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("summary", summary);
        v.put("description", "");
        if (parent != null) {
            v.put("parentCommit", parent);
        }
        return line(Map.of("key", "header", "value", v));
    }

    static String file(String path, byte[] content) {
        return line(Map.of("key", "file", "value",
                Map.of("path", path, "content", Base64.getEncoder().encodeToString(content), "encoding", "base64")));
    }

    static String file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    static String lfsFile(String path, String sha, long size) {
        return line(Map.of("key", "lfsFile", "value", Map.of("path", path, "algo", "sha256", "oid", sha, "size", size)));
    }

    static String deletedFile(String path) {
        return line(Map.of("key", "deletedFile", "value", Map.of("path", path)));
    }

    /** POSTs a commit to {@code /api/{type}s/{id}/commit/{branch}}. */
    HttpResponse<byte[]> commit(String token, String apiRepo, String branch, String... lines) throws IOException, InterruptedException {
        return send("POST", "/api/" + apiRepo + "/commit/" + branch, token, "application/x-ndjson",
                String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }

    /** Uploads bytes through the LFS batch API of a repository ({@code alice/x} or {@code datasets/alice/x}); returns the sha256. */
    String uploadLfs(String token, String repoPath, byte[] data) throws IOException, InterruptedException {
        String sha = Hashes.sha256(data);
        HttpResponse<byte[]> batch = send("POST", "/" + repoPath + ".git/info/lfs/objects/batch", token, "application/vnd.git-lfs+json",
                JSON.writeValueAsBytes(Map.of("operation", "upload", "transfers", List.of("basic"), "hash_algo", "sha_256",
                        "objects", List.of(Map.of("oid", sha, "size", data.length)))));
        assertEquals(200, batch.statusCode(), text(batch));
        JsonNode obj = json(batch).get("objects").get(0);
        JsonNode upload = obj.path("actions").path("upload");
        if (!upload.isMissingNode()) {
            HttpResponse<byte[]> put = send("PUT", upload.get("href").asText(), null, null, data);
            assertEquals(200, put.statusCode(), text(put));
        }
        return sha;
    }

    static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
