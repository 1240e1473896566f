package dev.graft.zoo.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** transformers' VisionTextDualEncoderModel with a ViT and a BERT tower: its config, its keys, its export. */
class VisionTextDualEncoderTest {
    @TempDir
    Path tmp;

    static final String CONFIG = """
            {"architectures": ["VisionTextDualEncoderModel"], "model_type": "vision-text-dual-encoder", "projection_dim": 12,
             "vision_config": {"model_type": "vit", "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
               "intermediate_size": 32, "image_size": 16, "patch_size": 8},
             "text_config": {"model_type": "bert", "hidden_size": 24, "num_hidden_layers": 1, "num_attention_heads": 2,
               "intermediate_size": 48, "max_position_embeddings": 20, "vocab_size": 50, "type_vocab_size": 2}}
            """;

    private Path folder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dual"));
        Files.writeString(dir.resolve("config.json"), CONFIG);
        String arch = ClipModels.architectureFor(DualEncoderConfig.read(dir.resolve("config.json")));
        Weights.saveStateDict(Zoo.create(arch, CreateOptions.defaults().withSeed(8)), dir.resolve("model.safetensors"));
        return dir;
    }

    @Test
    void aViTAndBertFolderLoadsUnderTheDualEncodersKeysAndExportsTheSame() throws Exception {
        VisionTextDualEncoder m = (VisionTextDualEncoder) Zoo.create("local-dir:" + folder());
        assertTrue(m.cfg().architecture().startsWith("vtde_vit_l1_h16_bert_l1_h24_"), m.cfg().architecture());
        List<String> keys = new ArrayList<>(m.stateDict().keySet());
        assertEquals(List.of("logit_scale", "vision_model.embeddings.cls_token", "vision_model.embeddings.position_embeddings",
                "vision_model.embeddings.patch_embeddings.projection.weight"), keys.subList(0, 4));
        assertTrue(keys.containsAll(List.of("vision_model.pooler.dense.weight", "text_model.embeddings.word_embeddings.weight",
                "text_model.pooler.dense.bias")), keys.toString());
        assertEquals(List.of("visual_projection.weight", "text_projection.weight"), keys.subList(keys.size() - 2, keys.size()));
        assertEquals(new Shape(12, 24), m.stateDict().get("text_projection.weight").getArray().getShape());
        Path out = tmp.resolve("export");
        Weights.save(m, out);
        JsonNode c = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("vision-text-dual-encoder", c.get("model_type").asText());
        assertEquals("vit", c.get("vision_config").get("model_type").asText());
        assertEquals("bert", c.get("text_config").get("model_type").asText());
        assertTrue(Files.isRegularFile(out.resolve("preprocessor_config.json")));
        VisionTextDualEncoder back = (VisionTextDualEncoder) Zoo.create("local-dir:" + out);
        assertEquals(m.cfg().architecture(), back.cfg().architecture());
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(-1f, 1f, new Shape(2, 3, 16, 16));
            NDArray ids = nd.create(new long[][] {{2, 10, 20, 3}, {2, 30, 3, 0}});
            NDArray mask = nd.create(new long[][] {{1, 1, 1, 1}, {1, 1, 1, 0}});
            assertArrayEquals(m.run(x, ids, mask).logitsPerImage().toFloatArray(), back.run(x, ids, mask).logitsPerImage().toFloatArray(), 0f);
            assertEquals(new Shape(2, 12), m.run(x, ids, mask).textEmbeds().getShape());
        }
    }

    @Test
    void aTowerGraftDoesNotBuildIsOneLine() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(dir.resolve("config.json"), CONFIG.replace("\"model_type\": \"vit\"", "\"model_type\": \"swin\""));
        GraftException e = assertThrows(GraftException.class, () -> DualEncoderConfig.read(dir.resolve("config.json")));
        assertTrue(e.getMessage().contains("vision_config has model_type 'swin'"), e.getMessage());
        Files.writeString(dir.resolve("config.json"), CONFIG.replace("\"model_type\": \"bert\"", "\"model_type\": \"gpt2\""));
        e = assertThrows(GraftException.class, () -> DualEncoderConfig.read(dir.resolve("config.json")));
        assertTrue(e.getMessage().contains("text_config has model_type 'gpt2'"), e.getMessage());
    }
}
