package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /api/models} and {@code /api/datasets}: search, author, sort, direction, limit, full, Link paging. */
class ListingTest {
    @RegisterExtension
    static final TestHub hub = TestHub.perClass();

    @BeforeAll
    static void setUp() throws Exception {
        String alice = hub.token("alice", true);
        String bob = hub.token("bob", true);
        for (String name : List.of("bert-tiny", "resnet-a", "resnet-b")) {
            hub.createRepo(alice, "alice/" + name, "model", false);
        }
        hub.createRepo(bob, "bob/resnet-c", "model", false);
        hub.createRepo(bob, "bob/digits", "dataset", false);
        assertEquals(200, hub.commit(bob, "datasets/bob/digits", "main", TestHub.header("data", null),
                TestHub.file("README.md", "---\nlicense: cc-by-4.0\ntags: [digits]\n---\n# Digits\n")).statusCode());
        // Downloads: resnet-b 3, resnet-a 1.
        for (int i = 0; i < 3; i++) {
            hub.get("/alice/resnet-b/resolve/main/.gitattributes", null);
        }
        hub.get("/alice/resnet-a/resolve/main/.gitattributes", null);
        hub.get("/alice/resnet-a/resolve/main/.gitattributes", null, "Range", "bytes=0-0"); // partial: not a download
        Thread.sleep(5);
        assertEquals(200, hub.commit(alice, "models/alice/bert-tiny", "main", TestHub.header("touch", null), TestHub.file("x.txt", "x")).statusCode());
    }

    private List<String> ids(String query) throws Exception {
        return TestHub.names(json(hub.get("/api/models" + query, null)), "id");
    }

    @Test
    void searchAuthorAndSort() throws Exception {
        assertEquals(List.of("alice/resnet-a", "alice/resnet-b", "bob/resnet-c"), ids("?search=RESNET"));
        assertEquals(List.of("alice/bert-tiny", "alice/resnet-a", "alice/resnet-b"), ids("?author=alice"));
        assertEquals(List.of("alice/resnet-b", "alice/resnet-a"), ids("?author=alice&sort=downloads&direction=-1").subList(0, 2));
        assertEquals(List.of("alice/bert-tiny"), ids("?sort=lastModified&direction=-1&limit=1"));
        assertEquals(List.of("bob/resnet-c", "alice/resnet-b"), ids("?sort=id&direction=-1&limit=2"));
        assertEquals(3, json(hub.get("/api/models/alice/resnet-b", null)).get("downloads").asInt());
        assertEquals(1, json(hub.get("/api/models/alice/resnet-a", null)).get("downloads").asInt());
        assertEquals(List.of("bob/digits"), TestHub.names(json(hub.get("/api/datasets?filter=license:cc-by-4.0", null)), "id"));
        assertEquals(400, hub.get("/api/models?sort=stars", null).statusCode());
    }

    @Test
    void linkHeaderPagesThroughEverything() throws Exception {
        List<String> seen = new ArrayList<>();
        String next = hub.url + "/api/models?limit=2&sort=id";
        int pages = 0;
        while (next != null) {
            HttpResponse<byte[]> r = hub.get(next, null);
            assertEquals(200, r.statusCode(), text(r));
            seen.addAll(TestHub.names(json(r), "id"));
            next = r.headers().firstValue("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
            if (next != null) {
                assertTrue(r.headers().firstValue("Link").orElseThrow().endsWith("rel=\"next\""));
            }
            pages++;
        }
        assertEquals(List.of("alice/bert-tiny", "alice/resnet-a", "alice/resnet-b", "bob/resnet-c"), seen);
        assertEquals(3, pages);
    }

    @Test
    void fullAddsSiblingsAndCardData() throws Exception {
        var full = json(hub.get("/api/datasets?full=true", null)).get(0);
        assertEquals(List.of(".gitattributes", "README.md"), TestHub.names(full.get("siblings"), "rfilename"));
        assertEquals("cc-by-4.0", full.get("cardData").get("license").asText());
        assertFalse(json(hub.get("/api/datasets", null)).get(0).has("siblings"));
    }

    @Test
    void dataSetPagesAreServed() throws Exception {
        String list = text(hub.get("/datasets", null));
        assertTrue(list.contains("bob/digits") && !list.contains("alice/resnet-a"), list);
        HttpResponse<byte[]> page = hub.get("/datasets/bob/digits", null);
        assertEquals(200, page.statusCode());
        assertTrue(text(page).contains("<h1>Digits</h1>"), text(page));
        assertTrue(text(page).contains("./graft hub pull --type dataset bob/digits"), text(page));
        assertEquals(404, hub.get("/datasets/bob/nothing", null).statusCode());
    }
}
