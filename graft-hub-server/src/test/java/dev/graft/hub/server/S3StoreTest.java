package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.index.IndexDb;
import dev.graft.hub.server.store.CommitOp;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.Hashes;
import dev.graft.hub.server.store.RepoStore;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 blob store in one process (the embedded H2 index holding the repositories) against S3Proxy:
 * wrong settings fail at start-up with one line, downloads redirect to presigned URLs, garbage
 * collection works on the bucket.
 */
class S3StoreTest {
    private static final String BUCKET = "graft-single";
    static S3Proxy s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3Proxy.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    /** The SDK's standard system properties (the environment variables' twins) pointing at S3Proxy. */
    private static void settings(URI endpoint, String secret) {
        System.setProperty("aws.accessKeyId", S3Proxy.IDENTITY);
        System.setProperty("aws.secretAccessKey", secret);
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.endpointUrlS3", endpoint.toString());
    }

    @AfterEach
    void clear() {
        for (String p : List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.region", "aws.endpointUrlS3")) {
            System.clearProperty(p);
        }
    }

    private static String startupError(Path dir, String dbUrl, String store) {
        HubServerException e = assertThrows(HubServerException.class, () -> HubService.open(dir, dbUrl, store).close());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.fix() != null && !e.fix().isBlank());
        return e.getMessage();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void wrongSettingsFailAtStartUpWithOneLine(@TempDir Path dir) throws Exception {
        settings(s3.endpoint, S3Proxy.CREDENTIAL);
        assertTrue(startupError(dir, null, "s3://no-such-bucket/hub").contains("the S3 bucket no-such-bucket does not exist"));
        assertTrue(startupError(dir, null, "s3://Not_A_Bucket").contains("is not an S3 bucket name"));
        settings(s3.endpoint, "wrong-secret");
        assertTrue(startupError(dir, null, "s3://" + BUCKET).contains("S3 refused the credentials"));
        settings(URI.create("http://127.0.0.1:" + closedPort()), S3Proxy.CREDENTIAL);
        assertTrue(startupError(dir, null, "s3://" + BUCKET).contains("cannot reach S3"));
        settings(s3.endpoint, S3Proxy.CREDENTIAL);
        String pg = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/hub?user=hub&connectTimeout=5";
        assertTrue(startupError(dir, pg, "s3://" + BUCKET).contains("cannot open the hub index database"));
        // The file system has no presigned URLs.
        HubServerException e = assertThrows(HubServerException.class, () -> HubServer.start(
                new HubServer.Config("127.0.0.1", 0, dir, null, HubLimits.defaults(), null, true)).close());
        assertTrue(e.getMessage().contains("--s3-presign needs an S3 blob store"));
    }

    @Test
    void downloadsRedirectToPresignedUrlsWithoutTheToken(@TempDir Path dir) throws Exception {
        settings(s3.endpoint, S3Proxy.CREDENTIAL);
        try (HubServer server = HubServer.start(new HubServer.Config("127.0.0.1", 0, dir, null, HubLimits.defaults(),
                "s3://" + BUCKET + "/presign", true))) {
            TestHub hub = TestHub.remote(server.url());
            String token = server.hub().createToken("alice", "test", true);
            hub.createRepo(token, "alice/signed", "model", true);
            byte[] weights = new byte[300_000];
            new java.util.Random(3).nextBytes(weights);
            String sha = hub.uploadLfs(token, "alice/signed", weights);
            HttpResponse<byte[]> c = hub.commit(token, "models/alice/signed", "main", TestHub.header("weights", null),
                    TestHub.lfsFile("model.bin", sha, weights.length));
            assertEquals(200, c.statusCode(), text(c));
            HttpResponse<byte[]> redirect = hub.get("/alice/signed/resolve/main/model.bin", token);
            assertEquals(302, redirect.statusCode());
            String location = redirect.headers().firstValue("Location").orElseThrow();
            assertTrue(location.startsWith(s3.endpoint.toString()) && location.contains("X-Amz-Signature="), location);
            assertEquals(Long.toString(weights.length), redirect.headers().firstValue("X-Linked-Size").orElseThrow());
            // The presigned URL alone serves the bytes (and a range of them): no token goes to the store.
            HttpClient plain = HttpClient.newHttpClient();
            assertArrayEquals(weights, plain.send(HttpRequest.newBuilder(URI.create(location)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body());
            HttpResponse<byte[]> part = plain.send(HttpRequest.newBuilder(URI.create(location)).header("Range", "bytes=10-19").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(java.util.Arrays.copyOfRange(weights, 10, 20), part.body());
            // The LFS batch API hands out the presigned URL too.
            HttpResponse<byte[]> batch = hub.postJson("/alice/signed.git/info/lfs/objects/batch", token, java.util.Map.of("operation", "download",
                    "objects", List.of(java.util.Map.of("oid", sha, "size", weights.length))));
            String href = TestHub.json(batch).get("objects").get(0).get("actions").get("download").get("href").asText();
            assertTrue(href.startsWith(s3.endpoint.toString()), href);
            assertArrayEquals(weights, plain.send(HttpRequest.newBuilder(URI.create(href)).build(), HttpResponse.BodyHandlers.ofByteArray()).body());
            // A private repository still needs its owner's token before any redirect.
            assertEquals(404, hub.get("/alice/signed/resolve/main/model.bin", null).statusCode());
        }
    }

    @Test
    void garbageCollectionDeletesUnreferencedObjectsInTheBucket(@TempDir Path dir) throws Exception {
        settings(s3.endpoint, S3Proxy.CREDENTIAL);
        try (IndexDb index = IndexDb.open(IndexDb.h2Url(dir.resolve("index")));
                RepoStore store = RepoStore.open(dir, "s3://" + BUCKET + "/gc", index)) {
            RepoId id = RepoId.of(RepoType.MODEL, "alice/gc");
            store.create(id, false, "alice");
            byte[] kept = "referenced by a commit".getBytes(StandardCharsets.UTF_8);
            byte[] orphan = "no commit references this".getBytes(StandardCharsets.UTF_8);
            store.commit(id, "main", null, "alice", "add", "", List.of(new CommitOp.Put(
                    new FileEntry("kept.txt", kept.length, store.blobs().put(kept), Hashes.gitBlobSha1(kept), false))));
            String orphanSha = store.blobs().put(orphan);
            RepoStore.GcResult young = store.collectGarbage(Duration.ofHours(1));
            assertEquals(0, young.deleted(), "an object younger than the grace period stays");
            assertTrue(store.blobs().exists(orphanSha));
            RepoStore.GcResult r = store.collectGarbage(Duration.ZERO);
            assertEquals(1, r.deleted());
            assertEquals(orphan.length, r.bytesFreed());
            assertFalse(store.blobs().exists(orphanSha));
            assertArrayEquals(kept, store.blobs().read(Hashes.sha256(kept)));
        }
    }
}
