package dev.graft.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.TestHome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ZooListTest {
    @RegisterExtension
    static final TestHome home = new TestHome();

    @Test
    void wildcardListsArchitecturesInNaturalOrder() {
        assertEquals(List.of("resnet18", "resnet34", "resnet50", "resnet101"), Zoo.list("resnet*"));
        assertEquals(List.of("vit_tiny_patch16_224", "vit_small_patch16_224", "vit_base_patch16_224").stream().sorted(Zoo.NATURAL).toList(),
                Zoo.list("vit_*"));
        assertEquals(List.of("resnet18", "resnet34"), Zoo.list("resnet?8", "resnet3[0-9]"));
    }

    @Test
    void excludesRemoveMatches() {
        assertEquals(List.of("resnet18", "resnet34"), Zoo.list(List.of("resnet*"), List.of("*50", "*101"), false));
        assertEquals(List.of("resnet18"), Zoo.list(List.of("resnet[!35]*"), List.of("*101"), false));
    }

    @Test
    void naturalSortComparesNumbersAsNumbers() {
        List<String> names = new ArrayList<>(List.of("resnet101", "resnet18", "resnet50", "resnet34", "a2b10", "a2b9"));
        names.sort(Zoo.NATURAL);
        assertEquals(List.of("a2b9", "a2b10", "resnet18", "resnet34", "resnet50", "resnet101"), names);
    }

    @Test
    void pretrainedListsTaggedNamesOnly() {
        List<String> small = Zoo.list(List.of("small_*"), List.of(), true);
        assertEquals(List.of("small_cnn.graft_fashion_mnist", "small_cnn.graft_mnist",
                "small_resnet.graft_fashion_mnist", "small_resnet.graft_mnist"), small);
        // timm's tags, whose weights the hub holds, are listed as timm lists them: fetched on first use.
        assertEquals(List.of("vit_base_patch16_224.augreg2_in21k_ft_in1k", "vit_base_patch16_224.augreg_in21k_ft_in1k",
                "vit_small_patch16_224.augreg_in21k_ft_in1k", "vit_tiny_patch16_224.augreg_in21k_ft_in1k"),
                Zoo.list(List.of("vit_*"), List.of(), true));
        assertEquals("hf-hub:timm/vit_base_patch16_224.augreg2_in21k_ft_in1k", Zoo.hubWeights("vit_base_patch16_224.augreg2_in21k_ft_in1k"));
        assertEquals(List.of("augreg2_in21k_ft_in1k", "augreg_in21k_ft_in1k"), Zoo.tagsOf("vit_base_patch16_224"), "timm's order: its default first");
        assertEquals(List.of("a1_in1k", "tv_in1k"), Zoo.tagsOf("resnet50"));
        assertEquals(List.of("bert_minilm_l6_h384.sentence_transformers", "clip_lit_vit64_minilm.graft_emoji_google",
                "gpt2_graft_small.graft_wordnet_glosses", "small_cnn.graft_mnist",
                "small_resnet.graft_mnist"),
                Zoo.list(List.of("*"), List.of("*fashion*", "*_in1k"), true));
        assertTrue(Zoo.list().stream().noneMatch(n -> n.contains(".")), "plain listing shows architectures");
        assertEquals(List.of("small_cnn.graft_fashion_mnist", "small_cnn.graft_mnist"), Zoo.list("small_cnn.*"));
    }

    @Test
    void localWeightsFoldersCountAsPretrained() throws Exception {
        Path dir = home.dir().resolve("weights").resolve("resnet18.my_run");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.write(dir.resolve("model.safetensors"), new byte[0]);
        assertEquals(List.of("resnet18.my_run"), Zoo.list(List.of("resnet*"), List.of("*_in1k"), true));
        java.nio.file.Files.delete(dir.resolve("model.safetensors"));
        assertFalse(Zoo.list(List.of("resnet*"), List.of(), true).contains("resnet18.my_run"));
    }

    @Test
    void unknownNamesSuggestCloseOnes() {
        GraftException e = assertThrows(GraftException.class, () -> Zoo.architecture("resnet19"));
        assertTrue(e.fix().contains("resnet18"), e.fix());
        GraftException tag = assertThrows(GraftException.class, () -> Zoo.cfg("small_cnn.imagenet"));
        assertTrue(tag.fix().contains("graft_mnist"), tag.fix());
    }
}
