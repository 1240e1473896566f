package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCardTest {
    @Test
    void parsesFrontMatterAndBody() {
        ModelCard c = ModelCard.parse("---\nlicense: apache-2.0\ntags:\n- image-classification\n- graft\n"
                + "base_model: timm/resnet18.a1_in1k\nmodel-index:\n- name: r18\n  results:\n  - task: {type: image-classification}\n"
                + "    dataset: {name: MNIST, type: mnist}\n    metrics:\n    - {type: accuracy, value: 0.99}\n---\n# Title\ntext\n");
        c.validate();
        assertEquals("apache-2.0", c.metadata().path("license").asText());
        assertEquals(List.of("image-classification", "graft"), c.tags());
        assertEquals(List.of("timm/resnet18.a1_in1k"), c.strings("base_model"));
        assertTrue(c.body().startsWith("# Title"));
    }

    @Test
    void noFrontMatterIsAnEmptyCard() {
        ModelCard c = ModelCard.parse("# Just text\n");
        assertTrue(c.metadata().isEmpty());
        c.validate();
    }

    @Test
    void badCardsGiveClearErrors() {
        GraftException unclosed = assertThrows(GraftException.class, () -> ModelCard.parse("---\nlicense: mit\n"));
        assertTrue(unclosed.getMessage().contains("never ends"));
        GraftException yaml = assertThrows(GraftException.class, () -> ModelCard.parse("---\ntags: [a, b\n---\n"));
        assertTrue(yaml.getMessage().contains("not valid YAML"));
        GraftException list = assertThrows(GraftException.class, () -> ModelCard.parse("---\n- a\n- b\n---\n"));
        assertTrue(list.getMessage().contains("mapping"));
        GraftException shapes = assertThrows(GraftException.class,
                () -> ModelCard.parse("---\nlicense: [mit]\ntags: {a: 1}\nmodel-index:\n- name: x\n---\n").validate());
        assertTrue(shapes.getMessage().contains("'license' must be text"), shapes.getMessage());
        assertTrue(shapes.getMessage().contains("'tags' must be text or a list of text"), shapes.getMessage());
        assertTrue(shapes.getMessage().contains("'results' list"), shapes.getMessage());
    }
}
