package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Concurrent commits to one branch: compare-and-swap on the parent, nothing lost. */
class ConcurrentCommitTest {
    @RegisterExtension
    static final TestHub hub = TestHub.perClass();
    static String token;

    @BeforeAll
    static void setUp() throws Exception {
        token = hub.token("alice", true);
    }

    private List<HttpResponse<byte[]>> race(int writers, java.util.function.IntFunction<String[]> commit, String repo) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<byte[]>>> futures = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                go.await();
                return hub.commit(token, "models/" + repo, "main", commit.apply(n));
            }));
        }
        go.countDown();
        List<HttpResponse<byte[]>> out = new ArrayList<>();
        for (Future<HttpResponse<byte[]>> f : futures) {
            out.add(f.get());
        }
        pool.shutdown();
        return out;
    }

    @Test
    void sameParentOneWinsOthersConflict() throws Exception {
        hub.createRepo(token, "alice/cas", "model", false);
        String parent = json(hub.get("/api/models/alice/cas", null)).get("sha").asText();
        List<HttpResponse<byte[]>> results = race(6, n -> new String[] {
            TestHub.header("writer " + n, parent), TestHub.file("shared.txt", "from writer " + n), TestHub.file("w" + n + ".txt", "x")}, "alice/cas");
        int ok = 0;
        String winner = null;
        for (HttpResponse<byte[]> r : results) {
            if (r.statusCode() == 200) {
                ok++;
                winner = json(r).get("commitOid").asText();
            } else {
                assertEquals(412, r.statusCode(), text(r));
                assertTrue(text(r).contains("A commit has happened since"), text(r));
            }
        }
        assertEquals(1, ok, "exactly one writer wins");
        var info = json(hub.get("/api/models/alice/cas", null));
        assertEquals(winner, info.get("sha").asText());
        assertEquals(3, info.get("siblings").size(), "the winner's files and nothing of the losers");
        List<String> titles = TestHub.names(json(hub.get("/api/models/alice/cas/commits/main", null)), "title");
        assertEquals(2, titles.size());
    }

    @Test
    void withoutParentEveryCommitLandsInOrder() throws Exception {
        hub.createRepo(token, "alice/queue", "model", false);
        int writers = 8;
        List<HttpResponse<byte[]>> results = race(writers, n -> new String[] {
            TestHub.header("writer " + n, null), TestHub.file("w" + n + ".txt", "writer " + n)}, "alice/queue");
        Set<String> commits = new HashSet<>();
        for (HttpResponse<byte[]> r : results) {
            assertEquals(200, r.statusCode(), text(r));
            commits.add(json(r).get("commitOid").asText());
        }
        assertEquals(writers, commits.size());
        var info = json(hub.get("/api/models/alice/queue", null));
        assertEquals(writers + 1, info.get("siblings").size(), "no writer's file is lost");
        var history = json(hub.get("/api/models/alice/queue/commits/main", null));
        assertEquals(writers + 1, history.size(), "a linear history of every commit");
        for (int i = 0; i < writers; i++) {
            assertEquals("writer " + i, text(hub.get("/alice/queue/resolve/main/w" + i + ".txt", null)));
        }
    }
}
