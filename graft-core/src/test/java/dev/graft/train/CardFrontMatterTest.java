package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.hub.protocol.ModelCardData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every card Graft writes comes from one builder and passes the hub's card rules. */
class CardFrontMatterTest {
    @Test
    void aCardWithResultsPassesTheHubsRules() {
        Map<String, Object> fm = new CardFrontMatter("apache-2.0", "image-classification").withBaseModel("small_cnn.graft_mnist")
                .withDataset("digits").withTags("graft", "strategy-head")
                .withResult("m-digits-head", "image-classification", "digits", CardFrontMatter.metric("accuracy", "top-1", 0.93))
                .withExtra("graft", Map.of("seed", 1)).toMap();
        ModelCardData card = ModelCardData.parse(RunDirectory.cardText(fm, "# m\n"));
        assertEquals("graft", card.string("library_name"));
        assertEquals(List.of("base_model", "datasets", "library_name", "license", "pipeline_tag", "tags", "model-index", "graft"),
                List.copyOf(fm.keySet()));
        assertTrue(card.filterTags().contains("dataset:digits"), card.filterTags().toString());
    }

    @Test
    void oneResultPerTaskKeepsTheTaskName() {
        Map<String, Object> fm = new CardFrontMatter(null, null).withDataset("multimnist")
                .withResult("mt", "image-classification", "left", "multimnist", CardFrontMatter.metric("accuracy", null, 0.9))
                .withResult("mt", "image-regression", "brightness", "multimnist", CardFrontMatter.metric("mse", null, 0.01))
                .toMap();
        String text = RunDirectory.cardText(fm, "");
        ModelCardData.parse(text);
        assertTrue(text.contains("name: brightness") && text.contains("type: image-regression"), text);
    }

    @Test
    void aCardTheHubWouldRefuseIsNotWritten() {
        Map<String, Object> bad = Map.of("license", List.of("mit"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunDirectory.cardText(bad, ""));
        assertTrue(e.getMessage().contains("'license' must be text"), e.getMessage());
    }
}
