package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Malformed, ambiguous and look-alike input is refused with a 4xx that says why, and changes nothing. */
class StrictInputTest {
    @RegisterExtension
    static final TestHub hub = TestHub.perClass("alice/strict");

    private static String rawFile(String path, String base64) {
        return TestHub.line(Map.of("key", "file", "value", Map.of("path", path, "content", base64, "encoding", "base64")));
    }

    /** The answer is a client error with a message, and names no path of the server. */
    private static void assertClear(int status, HttpResponse<byte[]> r, String what) throws Exception {
        assertEquals(status, r.statusCode(), what + ": " + text(r));
        assertTrue(json(r).get("error").asText().length() > 10, what + ": " + text(r));
        assertFalse(text(r).contains(hub.dir.toAbsolutePath().toString()), what + " leaks a server path: " + text(r));
        assertFalse(text(r).contains("Exception"), what + ": " + text(r));
    }

    private int files() throws Exception {
        return json(hub.get("/api/models/alice/strict", null)).get("siblings").size();
    }

    @Test
    void invalidBase64IsRefused() throws Exception {
        int before = files();
        for (String bad : List.of("!!!@@@###", "YQ==!!!!", "YQ=", "YW Jj", "YWJj\nZGVm", "Y")) {
            HttpResponse<byte[]> r = hub.commit(hub.alice(), "models/alice/strict", "main", TestHub.header("b64", null), rawFile("b64.txt", bad));
            assertClear(400, r, bad);
            assertTrue(text(r).contains("not valid base64"), text(r));
        }
        assertEquals(before, files());
        HttpResponse<byte[]> create = hub.postJson("/api/repos/create", hub.alice(), Map.of("name", "b64", "type", "model",
                "files", List.of(Map.of("path", "a.txt", "content", "%%%", "encoding", "base64"))));
        assertClear(400, create, "create with bad base64");
        assertEquals(404, hub.get("/api/models/alice/b64", hub.alice()).statusCode());
        HttpResponse<byte[]> preupload = hub.postJson("/api/models/alice/strict/preupload/main", hub.alice(),
                Map.of("files", List.of(Map.of("path", "x.txt", "size", 3, "sample", "%%%"))));
        assertClear(400, preupload, "preupload sample");
        HttpResponse<byte[]> good = hub.commit(hub.alice(), "models/alice/strict", "main", TestHub.header("b64", null), rawFile("a.txt", "YQ=="));
        assertEquals(200, good.statusCode(), text(good));
        assertEquals("a", text(hub.get("/alice/strict/resolve/main/a.txt", null)));
    }

    private HttpResponse<byte[]> branch(String name) throws Exception {
        return hub.postJson("/api/models/alice/strict/branch/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8), hub.alice(), Map.of());
    }

    private HttpResponse<byte[]> tag(String name) throws Exception {
        return hub.postJson("/api/models/alice/strict/tag/main", hub.alice(), Map.of("tag", name));
    }

    @Test
    void refNamesFollowGitRulesAndNeverMeanTwoThings() throws Exception {
        for (String bad : List.of("HEAD", "-x", "refs", "refs/heads", "refs/heads/x", "refs/tags/v1", ".hidden", "a/.b", "x.lock",
                "a.lock/b", "end.", "a..b", "a//b", "sp ace", "x@{1}", "a".repeat(40).replace('a', 'c'))) {
            assertClear(400, branch(bad), "branch " + bad);
            assertClear(400, tag(bad), "tag " + bad);
        }
        assertEquals(200, branch("ok-branch").statusCode());
        assertClear(409, branch("ok-branch/sub"), "branch under a branch");
        assertEquals(200, branch("deep/er").statusCode());
        assertClear(409, branch("deep"), "branch over a folder of branches");
        assertEquals(200, hub.send("DELETE", "/api/models/alice/strict/branch/deep%2Fer", hub.alice(), null, null).statusCode());
        assertEquals(200, branch("deep").statusCode(), "the folder went with its last branch");
        // A tag may not share a branch's name, nor the reverse.
        assertClear(409, tag("main"), "tag named like a branch");
        assertClear(409, tag("ok-branch"), "tag named like a branch");
        assertEquals(200, tag("v1").statusCode());
        assertClear(409, branch("v1"), "branch named like a tag");
        assertEquals(200, tag("release/v2").statusCode());
        assertClear(409, tag("release"), "tag over a folder of tags");
        List<String> branches = TestHub.names(json(hub.get("/api/models/alice/strict/refs", null)).get("branches"), "name");
        assertEquals(List.of("deep", "main", "ok-branch"), branches);
    }

    @Test
    void namesAreUniqueRegardlessOfCaseAndRouteNamesAreReserved() throws Exception {
        hub.createRepo(hub.alice(), "alice/pub", "model", false);
        for (String lookAlike : List.of("PUB", "Pub", "pUb")) {
            assertClear(409, hub.postJson("/api/repos/create", hub.alice(), Map.of("name", lookAlike, "type", "model")), lookAlike);
        }
        // Another type is another namespace, as on the Hub.
        assertEquals(200, hub.postJson("/api/repos/create", hub.alice(), Map.of("name", "PUB", "type", "dataset")).statusCode());
        HubServerException lookAlikeUser = assertThrows(HubServerException.class, () -> hub.token("ALICE", true));
        assertTrue(lookAlikeUser.getMessage().contains("regardless of case"), lookAlikeUser.getMessage());
        // A look-alike user from before that rule still cannot take a look-alike repository.
        String legacy = "hf_legacyLookAlikeUserToken0123456789abcdef";
        hub.server.hub().index().ensureUser("ALICE");
        hub.server.hub().index().addToken(dev.graft.hub.server.store.Hashes.sha256(legacy), "ALICE", "legacy", true);
        assertClear(409, hub.postJson("/api/repos/create", legacy, Map.of("name", "pub", "organization", "ALICE", "type", "model")),
                "ALICE/pub beside alice/pub");
        assertEquals(200, hub.postJson("/api/repos/create", legacy, Map.of("name", "other", "type", "model")).statusCode());
        for (String reserved : List.of("api", "datasets", "spaces", "models", "Models", "static", "settings")) {
            HubError e = assertThrows(HubError.class, () -> hub.token(reserved, true));
            assertTrue(e.getMessage().contains("reserved"), e.getMessage());
            assertClear(400, hub.postJson("/api/repos/create", hub.alice(), Map.of("name", "x", "organization", reserved, "type", "model")), reserved);
        }
        assertClear(400, hub.postJson("/api/repos/create", hub.alice(), Map.of("name", "looks.git", "type", "model")), "name ending in .git");
    }

    @Test
    void filePathsAreNfcWithoutInvisibleControlsOrOverlongNames() throws Exception {
        String nfd = "cafe\u0301.txt";
        HttpResponse<byte[]> c = hub.commit(hub.alice(), "models/alice/strict", "main", TestHub.header("nfd", null), TestHub.file(nfd, "accent"));
        assertEquals(200, c.statusCode(), text(c));
        List<String> stored = TestHub.names(json(hub.get("/api/models/alice/strict/tree/main", null)), "path");
        assertTrue(stored.contains("caf\u00e9.txt"), stored.toString());
        assertFalse(stored.contains(nfd));
        for (String spelling : List.of(nfd, "caf\u00e9.txt")) {
            String url = "/alice/strict/resolve/main/" + java.net.URLEncoder.encode(spelling, StandardCharsets.UTF_8).replace("+", "%20");
            assertEquals("accent", text(hub.get(url, null)), spelling);
        }
        for (String bad : List.of("evil\u202Etxt.exe", "a\u200Bb.txt", "zero\u200Dwidth.txt", "iso\u2066late.txt", "bom\uFEFF.txt",
                "c1\u0085.txt", "dir/" + "n".repeat(256) + ".txt", "\u00e9".repeat(128) + ".txt")) {
            assertClear(400, hub.commit(hub.alice(), "models/alice/strict", "main", TestHub.header("bad", null), TestHub.file(bad, "x")),
                    "path " + bad.length());
        }
        String longest = "n".repeat(251) + ".txt";
        assertEquals(200, hub.commit(hub.alice(), "models/alice/strict", "main", TestHub.header("255 bytes", null),
                TestHub.file(longest, "ok")).statusCode());
        assertEquals("ok", text(hub.get("/alice/strict/resolve/main/" + longest, null)));
    }

    @Test
    void deletingAMissingFolderIs404() throws Exception {
        String folder = TestHub.line(Map.of("key", "deletedFolder", "value", Map.of("path", "no/such/folder")));
        HttpResponse<byte[]> r = hub.commit(hub.alice(), "models/alice/strict", "main", TestHub.header("rm", null), folder);
        assertClear(404, r, "deletedFolder");
        assertEquals("EntryNotFound", r.headers().firstValue("X-Error-Code").orElse(""));
        assertEquals(200, hub.commit(hub.alice(), "models/alice/strict", "main", TestHub.header("add", null),
                TestHub.file("gone/a.txt", "a")).statusCode());
        assertEquals(200, hub.commit(hub.alice(), "models/alice/strict", "main", TestHub.header("rm", null),
                TestHub.line(Map.of("key", "deletedFolder", "value", Map.of("path", "gone/")))).statusCode());
        assertEquals(404, hub.get("/alice/strict/resolve/main/gone/a.txt", null).statusCode());
    }

    @Test
    void nonsenseLimitsAreRefusedWithTheOptionNamed() {
        for (long[] bad : new long[][] {{-1, 100}, {0, 100}, {1 << 20, 100}, {256, -1}, {256, 0}, {256, Long.MAX_VALUE}}) {
            HubServerException e = assertThrows(HubServerException.class, () -> HubLimits.ofMiB(bad[0], bad[1]));
            String option = bad[0] < 1 || bad[0] >= 1 << 20 ? "--max-request-size" : "--max-upload-size";
            assertTrue(e.getMessage().startsWith(option + " must be"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        assertEquals(256L << 20, HubLimits.ofMiB(256, 51200).maxRequestBytes());
        assertThrows(HubServerException.class, () -> new HubLimits(-1, 100));
    }
}
