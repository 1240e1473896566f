package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.json;
import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.hub.server.card.ModelCard;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model cards: parsed, validated on commit, indexed for filters, rendered safely. */
class CardTest {
    static final String CARD = """
            ---
            license: apache-2.0
            library_name: graft
            pipeline_tag: image-classification
            tags: [vision, resnet]
            datasets: [mnist]
            base_model: timm/resnet18.a1_in1k
            metrics: [accuracy]
            model-index:
            - name: tiny-resnet
              results:
              - task: {type: image-classification}
                dataset: {name: MNIST, type: mnist}
                metrics: [{type: accuracy, value: 0.98}]
            ---
            # Tiny ResNet

            Fine-tuned on **MNIST**. <script>alert(1)</script>
            """;

    @Test
    void parsesFieldsAndDerivesFilterTags() {
        ModelCard card = ModelCard.parse(CARD);
        assertEquals("apache-2.0", card.string("license"));
        assertEquals(List.of("vision", "resnet", "graft", "image-classification", "license:apache-2.0", "dataset:mnist",
                "base_model:timm/resnet18.a1_in1k"), card.tags());
        String html = card.html();
        assertTrue(html.contains("<h1>Tiny ResNet</h1>"), html);
        assertTrue(html.contains("<strong>MNIST</strong>"), html);
        assertFalse(html.contains("<script>"), "raw HTML in a card is escaped: " + html);
    }

    @Test
    void derivedTagsAppearOnceWhenTheCardRepeatsThem() {
        ModelCard card = ModelCard.parse("---\nlibrary_name: graft\npipeline_tag: image-classification\n"
                + "tags: [graft, image-classification, strategy-head]\nlicense: mit\n---\n");
        assertEquals(List.of("graft", "image-classification", "strategy-head", "license:mit"), card.tags());
    }

    @Test
    void rejectsMalformedYamlAndWrongTypes() {
        assertTrue(assertThrows(HubError.class, () -> ModelCard.parse("---\ntags: [a, b\n---\n")).getMessage().contains("malformed"));
        assertTrue(assertThrows(HubError.class, () -> ModelCard.parse("---\nlicense: [mit]\n---\n")).getMessage().contains("'license' must be text"));
        assertTrue(assertThrows(HubError.class, () -> ModelCard.parse("---\ntags: {a: 1}\n---\n")).getMessage().contains("'tags'"));
        assertTrue(assertThrows(HubError.class, () -> ModelCard.parse("---\ntags: [1, 2]\n---\n")).getMessage().contains("list of text"));
        // found by HubRequestFuzzTest: an empty list item was a NullPointerException (a 500 on commit)
        assertTrue(assertThrows(HubError.class, () -> ModelCard.parse("---\ntags: [vision, ~]\n---\n")).getMessage().contains("empty value"));
        assertTrue(assertThrows(HubError.class, () -> ModelCard.parse("---\nmodel-index: {name: x}\n---\n")).getMessage().contains("model-index"));
        assertTrue(assertThrows(HubError.class, () -> ModelCard.parse("---\nlicense: mit\n")).getMessage().contains("no closing"));
        assertTrue(assertThrows(HubError.class, () -> ModelCard.parse("---\n- a\n- b\n---\n")).getMessage().contains("mapping"));
        assertEquals("# plain", ModelCard.parse("# plain").body());
    }

    @Test
    void commitValidatesTheCardAndIndexesIt(@TempDir Path dir) throws Exception {
        try (TestHub hub = TestHub.start(dir)) {
            String token = hub.token("alice", true);
            hub.createRepo(token, "alice/carded", "model", false);
            hub.createRepo(token, "alice/plain", "model", false);
            String before = json(hub.get("/api/models/alice/carded", null)).get("sha").asText();
            HttpResponse<byte[]> bad = hub.commit(token, "models/alice/carded", "main", TestHub.header("bad card", null),
                    TestHub.file("README.md", "---\nlicense: [oops]\n---\n"), TestHub.file("w.txt", "w"));
            assertEquals(400, bad.statusCode());
            assertTrue(text(bad).contains("'license' must be text"), text(bad));
            assertEquals(before, json(hub.get("/api/models/alice/carded", null)).get("sha").asText(), "a refused commit changes nothing");
            assertEquals(200, hub.commit(token, "models/alice/carded", "main", TestHub.header("card", null),
                    TestHub.file("README.md", CARD)).statusCode());
            var info = json(hub.get("/api/models/alice/carded", null));
            assertEquals("apache-2.0", info.get("cardData").get("license").asText());
            assertEquals("image-classification", info.get("pipeline_tag").asText());
            assertEquals("graft", info.get("library_name").asText());
            for (String filter : List.of("vision", "license:apache-2.0", "dataset:mnist", "graft", "vision,resnet")) {
                assertEquals(List.of("alice/carded"), TestHub.names(json(hub.get("/api/models?filter=" + filter, null)), "id"), filter);
            }
            assertEquals(List.of("alice/carded"), TestHub.names(json(hub.get("/api/models?pipeline_tag=image-classification", null)), "id"));
            assertEquals(0, json(hub.get("/api/models?filter=vision&filter=nlp", null)).size());
            String page = text(hub.get("/alice/carded", null));
            assertTrue(page.contains("<h1>Tiny ResNet</h1>"), page);
            assertFalse(page.contains("<script>alert"), "card HTML is escaped on the page");
        }
    }
}
