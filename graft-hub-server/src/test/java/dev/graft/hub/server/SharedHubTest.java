package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.hub.server.index.IndexDb;
import dev.graft.hub.server.index.PostgresCluster;
import dev.graft.hub.server.store.Hashes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hub servers, each in its own JVM with its own data folder, over one PostgreSQL database and one
 * S3 bucket (a throwaway PostgreSQL cluster and S3Proxy, both real servers on loopback): what one takes,
 * the other serves byte for byte; concurrent pushes spread over both all land; a server killed with
 * SIGKILL in the middle of commits leaves the other serving a consistent repository.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedHubTest {
    private static final String BUCKET = "graft-hub";
    static PostgresCluster pg;
    static S3Proxy s3;
    static Pair p;

    @BeforeAll
    static void startServices(@TempDir Path a, @TempDir Path b) throws Exception {
        pg = PostgresCluster.start();
        s3 = S3Proxy.start();
        s3.createBucket(BUCKET);
        p = Pair.start(a, b, "hub");
    }

    @AfterAll
    static void stopServices() throws Exception {
        try (PostgresCluster db = pg; S3Proxy objects = s3; Pair servers = p) {
            // closed in reverse: the servers, then S3Proxy, then PostgreSQL
        }
    }

    /** Two servers on a new database and a new prefix of the bucket, and a write token of alice's good on both. */
    private record Pair(ChildHubServer.Running one, ChildHubServer.Running two, TestHub a, TestHub b, String token, String prefix)
            implements AutoCloseable {
        static Pair start(Path dirA, Path dirB, String prefix) throws Exception {
            String db = pg.freshDatabase();
            String store = "s3://" + BUCKET + "/" + prefix;
            // The first creates the tables; the second starts on them.
            ChildHubServer.Running one = ChildHubServer.Running.start(dirA, db, store, s3.env());
            ChildHubServer.Running two = ChildHubServer.Running.start(dirB, db, store, s3.env());
            String token;
            try (IndexDb index = IndexDb.open(db)) {
                token = HubService.createToken(index, "alice", "test", true);
            }
            return new Pair(one, two, TestHub.remote(one.url()), TestHub.remote(two.url()), token, prefix);
        }

        TestHub at(int i) {
            return i % 2 == 0 ? a : b;
        }

        @Override
        public void close() throws Exception {
            one.kill();
            two.kill();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static String head(TestHub hub, String repo) throws Exception {
        return json(hub.get("/api/models/" + repo, null)).get("sha").asText();
    }

    @Test
    @Order(1)
    void pushedThroughOneIsPulledByteIdenticalThroughTheOther() throws Exception {
        {
            p.a.createRepo(p.token, "alice/shared", "model", false);
            String initial = head(p.b, "alice/shared");
            // Larger than a part (16 MiB): it goes to S3 as a multipart upload.
            byte[] weights = random((16 << 20) + 12345, 1);
            String sha = p.a.uploadLfs(p.token, "alice/shared", weights);
            HttpResponse<byte[]> c = p.a.commit(p.token, "models/alice/shared", "main", TestHub.header("add weights", initial),
                    TestHub.file("config.json", "{\"hidden_size\": 8}"), TestHub.lfsFile("model.safetensors", sha, weights.length));
            assertEquals(200, c.statusCode(), text(c));
            String commit = json(c).get("commitOid").asText();

            assertEquals(commit, head(p.b, "alice/shared"), "the other server sees the new head at once");
            HttpResponse<byte[]> got = p.b.get("/alice/shared/resolve/main/model.safetensors", null);
            assertEquals(200, got.statusCode());
            assertArrayEquals(weights, got.body());
            assertEquals("{\"hidden_size\": 8}", text(p.b.get("/alice/shared/resolve/" + commit + "/config.json", null)));
            HttpResponse<byte[]> range = p.b.get("/alice/shared/resolve/main/model.safetensors", null, "Range", "bytes=16777000-16777299");
            assertEquals(206, range.statusCode());
            assertArrayEquals(Arrays.copyOfRange(weights, 16777000, 16777300), range.body());
            // Content-addressed: the object is at its sha256 in the bucket, once.
            try (var client = s3.client()) {
                var keys = client.listObjectsV2(r -> r.bucket(BUCKET).prefix("hub/objects/")).contents().stream().map(o -> o.key()).toList();
                assertTrue(keys.contains("hub/objects/" + sha.substring(0, 2) + "/" + sha), keys.toString());
            }
            // A parent that is no longer the head is refused by the other server too.
            HttpResponse<byte[]> stale = p.b.commit(p.token, "models/alice/shared", "main", TestHub.header("stale", initial),
                    TestHub.file("late.txt", "late"));
            assertEquals(412, stale.statusCode(), text(stale));
            assertEquals(commit, head(p.a, "alice/shared"));
        }
    }

    @Test
    @Order(2)
    void concurrentPushesSpreadOverBothServersAllLand() throws Exception {
        int writers = 16;
        {
            p.a.createRepo(p.token, "alice/race", "model", false);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<byte[]>>> futures = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    TestHub via = p.at(n);
                    byte[] shard = random(64 << 10, 100 + n);
                    go.await();
                    // A push: its LFS object through the batch API, then a commit without a parent (on the latest).
                    String sha = via.uploadLfs(p.token, "alice/race", shard);
                    return via.commit(p.token, "models/alice/race", "main", TestHub.header("writer " + n, null),
                            TestHub.lfsFile("shard-" + n + ".bin", sha, shard.length), TestHub.file("w" + n + ".txt", "writer " + n));
                }));
            }
            go.countDown();
            List<String> acknowledged = new ArrayList<>();
            for (Future<HttpResponse<byte[]>> f : futures) {
                HttpResponse<byte[]> r = f.get(120, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), text(r));
                acknowledged.add(json(r).get("commitOid").asText());
            }
            pool.shutdown();
            for (TestHub via : List.of(p.a, p.b)) {
                JsonNode info = json(via.get("/api/models/alice/race", null));
                Set<String> files = new TreeSet<>(TestHub.names(info.get("siblings"), "rfilename"));
                for (int n = 0; n < writers; n++) {
                    assertTrue(files.contains("shard-" + n + ".bin") && files.contains("w" + n + ".txt"), "writer " + n + " lost: " + files);
                }
                List<String> history = TestHub.names(json(via.get("/api/models/alice/race/commits/main?limit=100", null)), "id");
                assertEquals(writers + 1, history.size(), "one commit per push on the first: " + history);
                assertTrue(history.containsAll(acknowledged), "every acknowledged commit is in the history");
            }
            for (int n = 0; n < writers; n++) {
                assertArrayEquals(random(64 << 10, 100 + n), p.at(n + 1).get("/alice/race/resolve/main/shard-" + n + ".bin", null).body());
            }
        }
    }

    /** Last: it kills the first server. */
    @Test
    @Order(3)
    void killingOneServerMidCommitLeavesTheOtherConsistent() throws Exception {
        {
            p.a.createRepo(p.token, "alice/crash", "model", false);
            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> committers = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int writer = t;
                // Five writers on the server to be killed, one on the other.
                TestHub via = writer == 0 ? p.b : p.a;
                Thread th = new Thread(() -> {
                    for (int n = 0; !stop.get() && n < 200; n++) {
                        try {
                            HttpResponse<byte[]> r = via.commit(p.token, "models/alice/crash", "main", TestHub.header("w" + writer + " " + n, null),
                                    TestHub.file("w" + writer + ".bin", random(128 << 10, writer * 1000L + n)), TestHub.file("counter.txt", writer + " " + n));
                            if (r.statusCode() == 200) {
                                acknowledged.add(json(r).get("commitOid").asText());
                            }
                        } catch (Exception killed) {
                            return; // the server went away mid-request
                        }
                    }
                });
                committers.add(th);
                th.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledged.size() < 12 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            p.one.kill();
            Thread.sleep(300);
            stop.set(true);
            for (Thread th : committers) {
                th.join();
            }
            assertTrue(acknowledged.size() >= 12, "commits landed before the kill: " + acknowledged.size());
            KillDuringUploadTest.checkConsistent(p.two.url(), "alice/crash", acknowledged);
            // The killed server held no lock: the other commits on top at once.
            HttpResponse<byte[]> after = p.b.commit(p.token, "models/alice/crash", "main", TestHub.header("after the kill", null),
                    TestHub.file("after.txt", "still here"));
            assertEquals(200, after.statusCode(), text(after));
            acknowledged.add(json(after).get("commitOid").asText());
            assertEquals(json(after).get("commitOid").asText(), KillDuringUploadTest.checkConsistent(p.two.url(), "alice/crash", acknowledged));
        }
    }
}
