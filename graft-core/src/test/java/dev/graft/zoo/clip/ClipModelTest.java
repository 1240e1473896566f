package dev.graft.zoo.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.text.TextTokenizer;
import dev.graft.util.Json;
import dev.graft.zeroshot.ZeroShotClassifier;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CLIP in transformers' layout: its files, its keys, its two pooling rules and zero-shot classification by label prompts. */
class ClipModelTest {
    @TempDir
    Path tmp;

    @Test
    void aTransformersFolderLoadsUnderCLIPModelsKeys() throws Exception {
        ClipModel m = (ClipModel) Zoo.create("local-dir:" + TinyClip.folder(tmp.resolve("clip"), TinyClip.EOT, 1));
        PretrainedCfg cfg = m.cfg();
        assertTrue(cfg.architecture().startsWith("clip_l2_h32_p8_32_"), cfg.architecture());
        assertEquals(List.of(3, 32, 32), cfg.inputSize());
        assertEquals("bicubic", cfg.interpolation());
        assertEquals(ClipModels.MEAN, cfg.mean());
        assertEquals(16, m.numFeatures());
        assertEquals(0, m.numClasses());
        List<String> keys = new ArrayList<>(m.stateDict().keySet());
        assertEquals(List.of("logit_scale", "text_model.embeddings.token_embedding.weight", "text_model.embeddings.position_embedding.weight",
                "text_model.encoder.layers.0.self_attn.k_proj.weight", "text_model.encoder.layers.0.self_attn.k_proj.bias",
                "text_model.encoder.layers.0.self_attn.v_proj.weight", "text_model.encoder.layers.0.self_attn.v_proj.bias",
                "text_model.encoder.layers.0.self_attn.q_proj.weight", "text_model.encoder.layers.0.self_attn.q_proj.bias",
                "text_model.encoder.layers.0.self_attn.out_proj.weight", "text_model.encoder.layers.0.self_attn.out_proj.bias",
                "text_model.encoder.layers.0.layer_norm1.weight", "text_model.encoder.layers.0.layer_norm1.bias",
                "text_model.encoder.layers.0.mlp.fc1.weight", "text_model.encoder.layers.0.mlp.fc1.bias",
                "text_model.encoder.layers.0.mlp.fc2.weight", "text_model.encoder.layers.0.mlp.fc2.bias",
                "text_model.encoder.layers.0.layer_norm2.weight", "text_model.encoder.layers.0.layer_norm2.bias"), keys.subList(0, 19));
        int v = keys.indexOf("vision_model.embeddings.class_embedding");
        assertEquals(List.of("vision_model.embeddings.class_embedding", "vision_model.embeddings.patch_embedding.weight",
                "vision_model.embeddings.position_embedding.weight", "vision_model.pre_layrnorm.weight", "vision_model.pre_layrnorm.bias",
                "vision_model.encoder.layers.0.self_attn.k_proj.weight"), keys.subList(v, v + 6));
        assertEquals(List.of("text_model.final_layer_norm.weight", "text_model.final_layer_norm.bias"), keys.subList(v - 2, v));
        assertEquals(List.of("vision_model.post_layernorm.weight", "vision_model.post_layernorm.bias", "visual_projection.weight",
                "text_projection.weight"), keys.subList(keys.size() - 4, keys.size()));
        Map<String, Parameter> sd = m.stateDict();
        assertEquals(new Shape(), sd.get("logit_scale").getArray().getShape());
        assertEquals(2.6592f, sd.get("logit_scale").getArray().getFloat(), 1e-6f);
        assertEquals(new Shape(17, 32), sd.get("vision_model.embeddings.position_embedding.weight").getArray().getShape());
        assertEquals(new Shape(32, 3, 8, 8), sd.get("vision_model.embeddings.patch_embedding.weight").getArray().getShape());
        assertEquals(new Shape(16, 32), sd.get("text_projection.weight").getArray().getShape());
    }

    @Test
    void theExportIsTransformersOwnFilesAndLoadsBackTheSame() throws Exception {
        ClipModel m = (ClipModel) Zoo.create("local-dir:" + TinyClip.folder(tmp.resolve("clip"), TinyClip.LEGACY_TEST_EOS, 2));
        Path out = tmp.resolve("export");
        Weights.save(m, out);
        JsonNode c = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("clip", c.get("model_type").asText());
        assertEquals("CLIPModel", c.get("architectures").get(0).asText());
        assertEquals(16, c.get("projection_dim").asInt());
        assertEquals("clip_text_model", c.get("text_config").get("model_type").asText());
        assertEquals(2, c.get("text_config").get("eos_token_id").asInt());
        assertEquals(8, c.get("vision_config").get("patch_size").asInt());
        assertFalse(c.has("pretrained_cfg"), "no timm fields in a transformers config");
        JsonNode p = Json.MAPPER.readTree(out.resolve("preprocessor_config.json").toFile());
        assertEquals("CLIPImageProcessor", p.get("image_processor_type").asText());
        assertEquals(3, p.get("resample").asInt());
        assertEquals(32, p.get("size").get("shortest_edge").asInt());
        assertEquals(32, p.get("crop_size").get("height").asInt());
        assertEquals(0.26862954, p.get("image_std").get(0).asDouble());
        ClipModel back = (ClipModel) Zoo.create("local-dir:" + out);
        assertEquals(m.cfg().architecture(), back.cfg().architecture());
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(-1f, 1f, new Shape(2, 3, 32, 32));
            NDArray ids = nd.create(new long[][] {{90, 10, 20, 91, 0}, {90, 30, 91, 0, 0}});
            NDArray mask = nd.create(new long[][] {{1, 1, 1, 1, 0}, {1, 1, 1, 0, 0}});
            ClipModel.Output a = m.run(x, ids, mask);
            ClipModel.Output b = back.run(x, ids, mask);
            assertArrayEquals(a.logitsPerImage().toFloatArray(), b.logitsPerImage().toFloatArray(), 0f);
            assertEquals(new Shape(2, 2), a.logitsPerText().getShape());
            assertEquals(new Shape(2, 16), a.textEmbeds().getShape());
        }
    }

    @Test
    void theTextIsPooledAtTheEndOfTextTokenByTransformersRules() throws Exception {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray ids = nd.create(new long[][] {{90, 40, 5, 60, 7}});
            for (int eos : new int[] {5, ClipTextConfig.LEGACY_EOS}) {
                Path dir = TinyClip.folder(tmp.resolve("eos" + eos), eos, 3);
                ClipModel m = (ClipModel) Zoo.create("local-dir:" + dir);
                ClipTowers.TextTransformer text = (ClipTowers.TextTransformer) m.namedChildren().get("text_model");
                NDArray hidden = text.lastHiddenState(null, ids, null, false);
                // eos_token_id 5: its first position (2); the legacy 2: the largest id (90, position 0).
                long at = eos == 5 ? 2 : 0;
                assertArrayEquals(hidden.get(0).get(at).toFloatArray(), text.pooled(hidden, ids).get(0).toFloatArray(), 0f);
            }
        }
    }

    @Test
    void theTokenizerAddsCLIPsSpecialTokensAndPadsTo77() throws Exception {
        ClipModel m = (ClipModel) Zoo.create("local-dir:" + TinyClip.folder(tmp.resolve("clip"), TinyClip.EOT, 1));
        try (TextTokenizer tok = m.tokenizer(tmp.resolve("clip/tokenizer.json"))) {
            TextTokenizer.Batch b = tok.encode(List.of("A photo of a RED.", "blue"));
            assertEquals(8, b.length());
            assertEquals(90, b.ids()[0]);
            assertEquals(TinyClip.EOT, b.ids()[7]);
            TextTokenizer.Batch padded = b.padTo(77, TinyClip.EOT);
            assertEquals(77, padded.length());
            assertArrayEquals(new long[] {90, b.ids()[9], TinyClip.EOT, TinyClip.EOT}, java.util.Arrays.copyOfRange(padded.ids(), 77, 81));
            assertArrayEquals(new long[] {1, 1, 1, 0}, java.util.Arrays.copyOfRange(padded.mask(), 77, 81));
        }
    }

    /**
     * Weights made so that the answer is known: a solid red, green or blue image and a prompt naming
     * that colour embed to the same direction (patches and the colour word to one axis each, layer 0
     * averaging the tokens into the pooled one, every other layer the identity), so zero-shot
     * classification must name each image's colour, under either pooling rule.
     */
    @Test
    void zeroShotNamesTheColourOfEachImage() throws Exception {
        for (int eos : new int[] {TinyClip.EOT, ClipTextConfig.LEGACY_EOS}) {
            Path dir = TinyClip.folder(tmp.resolve("zs" + eos), eos, 4);
            ClipModel m = (ClipModel) Zoo.create("local-dir:" + dir);
            List<String> labels = List.of("blue", "red", "green");
            try (TextTokenizer tok = m.tokenizer(dir.resolve("tokenizer.json")); NDManager nd = NDManager.newBaseManager()) {
                colourWeights(m, tok);
                ZeroShotClassifier zs = m.zeroShot(tok, labels, List.of("a photo of a {}.", "a picture of the {}.", "this is an image of a small {}."));
                for (int colour = 0; colour < 3; colour++) {
                    float[] pixels = new float[3 * 32 * 32];
                    java.util.Arrays.fill(pixels, colour * 1024, (colour + 1) * 1024, 1f);
                    float[] image = m.encodeImages(nd.create(pixels, new Shape(1, 3, 32, 32)))[0];
                    String want = List.of("red", "green", "blue").get(colour);
                    assertEquals(want, labels.get(zs.predict(image)), "eos " + eos + ", image " + want);
                    assertEquals(1.0, zs.rank(image).get(0).score(), 1e-3, "the image and its prompts embed alike: " + java.util.Arrays.toString(zs.scores(image)));
                }
            }
        }
    }

    /** Sets the weights described at {@link #zeroShotNamesTheColourOfEachImage}. */
    private static void colourWeights(ClipModel m, TextTokenizer tok) {
        List<String> order = List.of("red", "green", "blue");
        int[] colourTokens = new int[3];
        for (int c = 0; c < 3; c++) {
            TextTokenizer.Batch b = tok.encode(List.of(order.get(c)));
            assertEquals(3, b.length(), order.get(c) + " is one token between the start and the end of text");
            colourTokens[c] = (int) b.ids()[1];
        }
        for (Map.Entry<String, Parameter> e : m.stateDict().entrySet()) {
            String k = e.getKey();
            NDArray a = e.getValue().getArray();
            float[] v = new float[(int) a.getShape().size()];
            boolean norm = k.endsWith("norm1.weight") || k.endsWith("norm2.weight") || k.endsWith("layrnorm.weight")
                    || k.endsWith("layernorm.weight") || k.endsWith("final_layer_norm.weight");
            if (norm) {
                java.util.Arrays.fill(v, 1f);
            } else if (k.endsWith("layers.0.self_attn.v_proj.weight") || k.endsWith("layers.0.self_attn.out_proj.weight")
                    || k.endsWith("_projection.weight")) {
                int cols = (int) a.getShape().get(1);
                for (int i = 0; i < a.getShape().get(0); i++) {
                    v[i * cols + i] = 1f;   // the identity (its first rows for the projections)
                }
            } else if (k.equals("vision_model.embeddings.patch_embedding.weight")) {
                for (int c = 0; c < 3; c++) {
                    java.util.Arrays.fill(v, (c * 3 + c) * 64, (c * 3 + c + 1) * 64, 1f / 64);   // channel c of the patch's mean
                }
            } else if (k.equals("text_model.embeddings.token_embedding.weight")) {
                for (int c = 0; c < 3; c++) {
                    v[colourTokens[c] * 32 + c] = 1f;
                }
            } else if (k.equals("logit_scale")) {
                v[0] = (float) Math.log(100);
            }
            a.set(v);
        }
    }

    @Test
    void badConfigsAreOneLine() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(dir.resolve("config.json"), TinyClip.config(TinyClip.EOT).replace("\"clip_text_model\"", "\"bert\""));
        GraftException e = assertThrows(GraftException.class, () -> ClipConfig.read(dir.resolve("config.json")));
        assertTrue(e.getMessage().contains("text_config has model_type 'bert'"), e.getMessage());
        Files.writeString(dir.resolve("config.json"), TinyClip.config(TinyClip.EOT).replace("\"quick_gelu\"", "\"relu\""));
        e = assertThrows(GraftException.class, () -> ClipConfig.read(dir.resolve("config.json")));
        assertTrue(e.getMessage().contains("hidden_act 'relu'"), e.getMessage());
        // Towers that disagree with the weights: the vision tower said to be 64 wide over 32-wide weights.
        Path folder = TinyClip.folder(tmp.resolve("mismatch"), TinyClip.EOT, 5);
        Files.writeString(folder.resolve("config.json"), TinyClip.config(TinyClip.EOT)
                .replace("\"vision_config\": {\"model_type\": \"clip_vision_model\", \"hidden_size\": 32", "\"vision_config\": {\"model_type\": \"clip_vision_model\", \"hidden_size\": 64"));
        e = assertThrows(GraftException.class, () -> Zoo.create("local-dir:" + folder));
        assertTrue(e.getMessage().contains("vision_model.embeddings.class_embedding"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void theCatalogueHasOpenAIsShapes() {
        GraftModel b32 = Zoo.create(ClipModels.VIT_BASE_PATCH32);
        assertEquals(151_277_313L, b32.numParams(), "openai/clip-vit-base-patch32's parameter count");
        assertEquals(ClipModels.VIT_BASE_PATCH32, ClipModels.architectureFor(ClipModels.config(ClipModels.VIT_BASE_PATCH32)));
        assertEquals(14, ClipModels.config(ClipModels.VIT_LARGE_PATCH14).visionConfig().patchSize());
        assertEquals(16, ClipModels.config(ClipModels.VIT_BASE_PATCH16).visionConfig().patchSize());
        assertTrue(ClipModels.config(ClipModels.VIT_BASE_PATCH16).textConfig().legacyEos());
    }
}
