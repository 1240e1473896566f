package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.hub.server.card.ModelCard;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzes the request bodies the hub server parses from anyone with a token: the NDJSON commit decoder
 * (with inline base64 and the README card it validates), the Git LFS batch JSON, the paths-info and
 * preupload JSON, and the card's YAML front matter. Every body gets an answer below 500, a refusal is
 * JSON naming the problem without a server path or exception name, and the repository stays readable.
 * A 500 (or any throwable escaping {@link ModelCard#parse} other than a 4xx {@link HubError}) is a
 * finding. Under plain {@code mvn test} only the seed corpus in {@code HubRequestFuzzTestInputs/METHOD}
 * runs; docs/security.md ("Fuzzing") shows the long run.
 */
class HubRequestFuzzTest {
    private static final String REPO = "alice/fuzz";

    @RegisterExtension
    static final TestHub hub = TestHub.perClass(REPO);

    @BeforeAll
    static void setUp() throws Exception {
        HttpResponse<byte[]> r = hub.commit(hub.alice(), "models/" + REPO, "main", TestHub.header("seed", null),
                TestHub.file("README.md", "---\nlicense: mit\n---\n# fuzz\n"), TestHub.file("dir/a.txt", "a"));
        assertEquals(200, r.statusCode(), text(r));
        hub.uploadLfs(hub.alice(), REPO, "an LFS object the fuzzer may name".getBytes(StandardCharsets.UTF_8));
    }

    // Catches hangs only (a body is a few KiB). Fuzzing runs turn JUnit timeouts off (they would cut the
    // whole run) and Jazzer passes this on as the per-input -timeout.
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void commit(byte[] body) throws Exception {
        assertHandled("commit", body, hub.send("POST", "/api/models/" + REPO + "/commit/main", hub.alice(), "application/x-ndjson", body));
        HttpResponse<byte[]> info = hub.get("/api/models/" + REPO, null);
        assertEquals(200, info.statusCode(), "the repository after a fuzzed commit: " + text(info));
    }

    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void lfsBatch(byte[] body) throws Exception {
        assertHandled("LFS batch", body, hub.send("POST", "/" + REPO + ".git/info/lfs/objects/batch", hub.alice(),
                "application/vnd.git-lfs+json", body));
    }

    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void pathsInfo(byte[] body) throws Exception {
        assertHandled("paths-info", body, hub.send("POST", "/api/models/" + REPO + "/paths-info/main", null, "application/json", body));
    }

    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void preupload(byte[] body) throws Exception {
        assertHandled("preupload", body, hub.send("POST", "/api/models/" + REPO + "/preupload/main", hub.alice(), "application/json", body));
    }

    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void cardFrontMatter(byte[] data) {
        ModelCard card;
        try {
            card = ModelCard.parse(new String(data, StandardCharsets.UTF_8));
        } catch (HubError refused) {
            assertTrue(refused.status() >= 400 && refused.status() < 500, "status " + refused.status() + ": " + refused.getMessage());
            return;
        }
        card.tags();
        card.html();
        card.dataJson();
    }

    /**
     * Below 500; a refusal is a JSON error with a message, naming no server path and no exception (unless
     * the request itself held those words: messages quote what was sent).
     */
    private static void assertHandled(String route, byte[] body, HttpResponse<byte[]> r) throws Exception {
        String sent = new String(body, StandardCharsets.UTF_8);
        assertTrue(r.statusCode() < 500, route + " answered " + r.statusCode() + ": " + text(r));
        if (r.statusCode() >= 400) {
            JsonNode error = json(r).get("error");
            assertTrue(error != null && error.asText().length() > 10, route + ": " + text(r));
            String path = hub.dir.toAbsolutePath().toString();
            assertFalse(text(r).contains(path) && !sent.contains(path), route + " leaks a server path: " + text(r));
            assertFalse(text(r).contains("Exception") && !sent.contains("Exception"), route + ": " + text(r));
        }
    }
}
