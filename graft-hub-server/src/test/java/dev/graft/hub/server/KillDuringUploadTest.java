package dev.graft.hub.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.store.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the server process (SIGKILL) while an LFS upload streams and commits land, restarts it, and
 * checks the repository is exactly at an acknowledged commit or the one in flight, with every file
 * intact, no acknowledged commit lost, and no partial object kept.
 */
class KillDuringUploadTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String REPO = "alice/crash";

    static HttpResponse<byte[]> send(String url, String method, String token, String type, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method, body);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (type != null) {
            b.header("Content-Type", type);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return TestHub.JSON.readTree(r.body());
    }

    private static String checkConsistent(String url, List<String> acknowledged) throws Exception {
        return checkConsistent(url, REPO, acknowledged);
    }

    /**
     * Checks every file of the head commit of {@code repo} (a model) against its recorded hash, that no
     * acknowledged commit is missing from its history and that the index lists it at the head; returns the
     * head commit id.
     */
    static String checkConsistent(String url, String repo, List<String> acknowledged) throws Exception {
        JsonNode info = json(send(url + "/api/models/" + repo, "GET", null, null, HttpRequest.BodyPublishers.noBody()));
        String head = info.get("sha").asText();
        for (JsonNode s : info.get("siblings")) {
            String path = s.get("rfilename").asText();
            byte[] body = send(url + "/" + repo + "/resolve/" + head + "/" + path, "GET", null, null, HttpRequest.BodyPublishers.noBody()).body();
            assertEquals(s.get("size").asLong(), body.length, path);
            if (s.has("lfs")) {
                assertEquals(s.get("lfs").get("sha256").asText(), Hashes.sha256(body), path);
            } else {
                assertEquals(s.get("blobId").asText(), Hashes.gitBlobSha1(body), path);
            }
        }
        JsonNode history = json(send(url + "/api/models/" + repo + "/commits/main?limit=1000", "GET", null, null,
                HttpRequest.BodyPublishers.noBody()));
        List<String> ids = TestHub.names(history, "id");
        for (String ack : acknowledged) {
            assertTrue(ids.contains(ack), "acknowledged commit " + ack + " was lost");
        }
        JsonNode listed = json(send(url + "/api/models?search=" + repo.substring(repo.indexOf('/') + 1), "GET", null, null,
                HttpRequest.BodyPublishers.noBody()));
        assertEquals(head, listed.get(0).get("sha").asText(), "the index agrees with the store after a restart");
        return head;
    }

    /** An input stream of random bytes that trickles, so the upload is still running when the server dies. */
    private static InputStream slow(byte[] data) {
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < data.length ? data[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= data.length) {
                    return -1;
                }
                try {
                    Thread.sleep(40);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                int n = Math.min(Math.min(len, 256 * 1024), data.length - pos);
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    @Test
    void killedServerRestartsAtAnOldOrNewCommitWithIntactFiles(@TempDir Path dir) throws Exception {
        String token;
        try (HubService hub = HubService.open(dir, null)) {
            token = hub.createToken("alice", "test", true);
            hub.store().create(RepoId.of(RepoType.MODEL, REPO), false, "alice");
        }
        Random random = new Random(11);
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        byte[] big = new byte[24 << 20];
        random.nextBytes(big);
        String bigSha = Hashes.sha256(big);
        for (int round = 0; round < 2; round++) {
            ChildHubServer.Running child = ChildHubServer.Running.start(dir, null, null, Map.of());
            checkConsistent(child.url(), acknowledged);
            // One commit before the race, so every round has something acknowledged to lose.
            HttpResponse<byte[]> warm = send(child.url() + "/api/models/" + REPO + "/commit/main", "POST", token, "application/x-ndjson",
                    HttpRequest.BodyPublishers.ofString(TestHub.header("round " + round, null) + "\n" + TestHub.file("round.txt", "round " + round)));
            assertEquals(200, warm.statusCode());
            acknowledged.add(json(warm).get("commitOid").asText());
            AtomicBoolean stop = new AtomicBoolean();
            String url = child.url();
            Thread uploader = new Thread(() -> {
                try {
                    HttpResponse<byte[]> batch = send(url + "/" + REPO + ".git/info/lfs/objects/batch", "POST", token, "application/vnd.git-lfs+json",
                            HttpRequest.BodyPublishers.ofByteArray(TestHub.JSON.writeValueAsBytes(Map.of("operation", "upload",
                                    "objects", List.of(Map.of("oid", bigSha, "size", big.length))))));
                    String href = json(batch).get("objects").get(0).get("actions").get("upload").get("href").asText();
                    send(href, "PUT", null, null, HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> slow(big)), big.length));
                } catch (Exception expected) {
                    // the server was killed mid-upload
                }
            });
            Thread committer = new Thread(() -> {
                int n = 0;
                while (!stop.get()) {
                    try {
                        List<String> lines = new ArrayList<>();
                        lines.add(TestHub.header("commit " + n, null));
                        for (int f = 0; f < 4; f++) {
                            byte[] content = new byte[256 * 1024];
                            random.nextBytes(content);
                            lines.add(TestHub.file("shard-" + f + ".bin", content));
                        }
                        lines.add(TestHub.file("counter.txt", "commit " + n++));
                        HttpResponse<byte[]> r = send(url + "/api/models/" + REPO + "/commit/main", "POST", token, "application/x-ndjson",
                                HttpRequest.BodyPublishers.ofString(String.join("\n", lines)));
                        if (r.statusCode() == 200) {
                            acknowledged.add(json(r).get("commitOid").asText());
                        }
                    } catch (Exception e) {
                        return; // the server was killed
                    }
                }
            });
            uploader.start();
            committer.start();
            Thread.sleep(400 + random.nextInt(800));
            child.kill();
            stop.set(true);
            uploader.join();
            committer.join();
        }
        ChildHubServer.Running last = ChildHubServer.Running.start(dir, null, null, Map.of());
        try {
            checkConsistent(last.url(), acknowledged);
            HttpResponse<byte[]> batch = send(last.url() + "/" + REPO + ".git/info/lfs/objects/batch", "POST", token,
                    "application/vnd.git-lfs+json", HttpRequest.BodyPublishers.ofByteArray(TestHub.JSON.writeValueAsBytes(
                            Map.of("operation", "upload", "objects", List.of(Map.of("oid", bigSha, "size", big.length))))));
            assertTrue(json(batch).get("objects").get(0).has("actions"), "the cut upload left no object behind");
        } finally {
            last.kill();
        }
        try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, tmp.count(), "temporary upload files are cleaned at start");
        }
        try (Stream<Path> all = Files.walk(dir.resolve("repos"))) {
            assertEquals(0, all.filter(p -> p.getFileName().toString().startsWith(".tmp-")).count(), "no half-written ref or commit files");
        }
    }
}
