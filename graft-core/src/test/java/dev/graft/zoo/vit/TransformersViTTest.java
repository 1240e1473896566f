package dev.graft.zoo.vit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ViT in the transformers layout: its files are read and written as transformers does, and it computes timm's ViT. */
@Tag("numerics")
class TransformersViTTest {
    @TempDir
    Path tmp;

    /** A two-layer ViT config as transformers' save_pretrained writes it, with three named classes. */
    private static final String CONFIG = """
            {"architectures": ["ViTForImageClassification"], "model_type": "vit", "hidden_size": 32, "num_hidden_layers": 2,
             "num_attention_heads": 2, "intermediate_size": 128, "hidden_act": "gelu", "layer_norm_eps": 1e-6,
             "image_size": 32, "patch_size": 16, "num_channels": 3, "qkv_bias": true,
             "id2label": {"0": "cat", "1": "dog", "2": "owl"}, "label2id": {"cat": 0, "dog": 1, "owl": 2},
             "transformers_version": "4.40.0"}
            """;

    private Path folder(String config) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("hf-vit"));
        Files.writeString(dir.resolve("config.json"), config);
        Files.writeString(dir.resolve("preprocessor_config.json"),
                "{\"image_mean\": [0.4, 0.4, 0.4], \"image_std\": [0.3, 0.3, 0.3], \"resample\": 3, \"size\": {\"height\": 32, \"width\": 32}}");
        String arch = TransformersViT.architectureFor(ViTConfig.read(dir.resolve("config.json")));
        Weights.saveStateDict(Zoo.create(arch, CreateOptions.defaults().withNumClasses(3).withSeed(7)), dir.resolve("model.safetensors"));
        return dir;
    }

    @Test
    void aTransformersFolderLoadsWithItsClassesAndImagePreparation() throws Exception {
        GraftModel m = Zoo.create("local-dir:" + folder(CONFIG));
        PretrainedCfg cfg = m.cfg();
        assertTrue(cfg.architecture().startsWith("hf_vit_l2_h32_p16_32_"), cfg.architecture());
        assertEquals(List.of("cat", "dog", "owl"), cfg.labelNames());
        assertEquals(List.of(3, 32, 32), cfg.inputSize());
        assertEquals("bicubic", cfg.interpolation());
        assertEquals(List.of(0.4, 0.4, 0.4), cfg.mean());
        assertEquals(1.0, cfg.cropPct());
        List<String> keys = new ArrayList<>(m.stateDict().keySet());
        assertEquals(List.of("vit.embeddings.cls_token", "vit.embeddings.position_embeddings",
                "vit.embeddings.patch_embeddings.projection.weight", "vit.embeddings.patch_embeddings.projection.bias",
                "vit.encoder.layer.0.attention.attention.query.weight", "vit.encoder.layer.0.attention.attention.query.bias",
                "vit.encoder.layer.0.attention.attention.key.weight", "vit.encoder.layer.0.attention.attention.key.bias",
                "vit.encoder.layer.0.attention.attention.value.weight", "vit.encoder.layer.0.attention.attention.value.bias",
                "vit.encoder.layer.0.attention.output.dense.weight", "vit.encoder.layer.0.attention.output.dense.bias",
                "vit.encoder.layer.0.intermediate.dense.weight", "vit.encoder.layer.0.intermediate.dense.bias",
                "vit.encoder.layer.0.output.dense.weight", "vit.encoder.layer.0.output.dense.bias",
                "vit.encoder.layer.0.layernorm_before.weight", "vit.encoder.layer.0.layernorm_before.bias",
                "vit.encoder.layer.0.layernorm_after.weight", "vit.encoder.layer.0.layernorm_after.bias"), keys.subList(0, 20));
        assertEquals(List.of("vit.layernorm.weight", "vit.layernorm.bias", "classifier.weight", "classifier.bias"),
                keys.subList(keys.size() - 4, keys.size()));
        assertEquals("classifier", cfg.classifier());
        assertEquals("vit.embeddings.patch_embeddings.projection", cfg.firstConv());
    }

    @Test
    void itComputesWhatTimmsViTComputesFromTheSameWeights() throws Exception {
        Path dir = folder(CONFIG);
        ModelBase hf = (ModelBase) Zoo.create("local-dir:" + dir);
        // The same tensors under timm's names, query/key/value fused into qkv as timm stores them.
        try (NDManager nd = NDManager.newBaseManager(); SafeTensors st = SafeTensors.open(dir.resolve("model.safetensors"))) {
            Map<String, NDArray> timm = new LinkedHashMap<>();
            for (String k : st.names()) {
                String n = k.replace("vit.embeddings.cls_token", "cls_token").replace("vit.embeddings.position_embeddings", "pos_embed")
                        .replace("vit.embeddings.patch_embeddings.projection.", "patch_embed.proj.").replace("vit.encoder.layer.", "blocks.")
                        .replace(".layernorm_before.", ".norm1.").replace(".layernorm_after.", ".norm2.")
                        .replace(".attention.output.dense.", ".attn.proj.").replace(".intermediate.dense.", ".mlp.fc1.")
                        .replace(".output.dense.", ".mlp.fc2.").replace("vit.layernorm.", "norm.").replace("classifier.", "head.");
                if (k.contains(".attention.attention.query.")) {
                    String kind = k.endsWith("weight") ? "weight" : "bias";
                    String base = k.substring(0, k.indexOf(".attention.attention."));
                    NDList parts = new NDList();
                    for (String p : List.of("query", "key", "value")) {
                        parts.add(st.toNDArray(nd, base + ".attention.attention." + p + "." + kind));
                    }
                    timm.put(base.replace("vit.encoder.layer.", "blocks.") + ".attn.qkv." + kind, NDArrays.concat(parts, 0));
                } else if (!k.contains(".attention.attention.")) {
                    timm.put(n, st.toNDArray(nd, k));
                }
            }
            Path timmFile = tmp.resolve("timm.safetensors");
            SafeTensors.write(timmFile, timm, Map.of("format", "pt"));
            PretrainedCfg cfg = Zoo.cfg("vit_tiny_patch16_224");
            VisionTransformer reference = new VisionTransformer(cfg, new ModelArgs(3, 3, 32, 0), 16, 32, 2, 2);
            reference.initialize(nd, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 3, 32, 32));
            Weights.loadInto(reference, timmFile, true);
            NDArray x = nd.randomUniform(-1f, 1f, new Shape(2, 3, 32, 32));
            assertArrayEquals(reference.predict(x).toFloatArray(), hf.predict(x).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void theExportIsTransformersOwnFilesAndLoadsBackTheSame() throws Exception {
        ModelBase m = (ModelBase) Zoo.create("local-dir:" + folder(CONFIG));
        Path out = tmp.resolve("export");
        Weights.save(m, out);
        JsonNode c = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("vit", c.get("model_type").asText());
        assertEquals("ViTForImageClassification", c.get("architectures").get(0).asText());
        assertEquals(1e-6, c.get("layer_norm_eps").asDouble());
        assertEquals("owl", c.get("id2label").get("2").asText());
        assertEquals(2, c.get("label2id").get("owl").asInt());
        assertTrue(!c.has("pretrained_cfg") && !c.has("architecture"), "no timm fields in a transformers config: " + c);
        JsonNode p = Json.MAPPER.readTree(out.resolve("preprocessor_config.json").toFile());
        assertEquals(3, p.get("resample").asInt(), "bicubic as PIL's code");
        assertEquals(0.3, p.get("image_std").get(0).asDouble());
        ModelBase back = (ModelBase) Zoo.create("local-dir:" + out);
        assertEquals(m.cfg().architecture(), back.cfg().architecture());
        assertEquals(m.cfg().labelNames(), back.cfg().labelNames());
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(0f, 1f, new Shape(1, 3, 32, 32));
            assertArrayEquals(m.predict(x).toFloatArray(), back.predict(x).toFloatArray(), 0f);
        }
        // A new head without names gets transformers' LABEL_i, so from_pretrained sizes the classifier right.
        GraftModel seven = Zoo.create("local-dir:" + out, CreateOptions.defaults().withNumClasses(7));
        Path out7 = tmp.resolve("export7");
        Weights.save(seven, out7);
        JsonNode c7 = Json.MAPPER.readTree(out7.resolve("config.json").toFile());
        assertEquals(7, c7.get("id2label").size());
        assertEquals("LABEL_6", c7.get("id2label").get("6").asText());
    }

    @Test
    void theNamedArchitectureIsGoogleVitBase() {
        GraftModel base = Zoo.create(TransformersViT.BASE_PATCH16_224);
        assertEquals(86_567_656L, base.numParams(), "google/vit-base-patch16-224's parameter count");
        assertEquals(TransformersViT.BASE_PATCH16_224, TransformersViT.architectureFor(ViTConfig.base(List.of("a", "b"))));
    }

    @Test
    void anActivationGraftDoesNotComputeIsOneLine() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("relu"));
        Files.writeString(dir.resolve("config.json"), CONFIG.replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"relu\""));
        GraftException e = assertThrows(GraftException.class, () -> ViTConfig.read(dir.resolve("config.json")));
        assertTrue(e.getMessage().contains("hidden_act 'relu'"), e.getMessage());
    }

    @Test
    void aBareViTModelCheckpointLoadsUnderTheBasePrefixWithAFreshHead() throws Exception {
        // google/vit-base-patch16-224-in21k's layout: ViTModel's keys (no "vit." prefix), its pooler, no classifier.
        Path dir = folder(CONFIG.replace("ViTForImageClassification", "ViTModel")
                .replace("\"id2label\": {\"0\": \"cat\", \"1\": \"dog\", \"2\": \"owl\"}, \"label2id\": {\"cat\": 0, \"dog\": 1, \"owl\": 2},", ""));
        String arch = TransformersViT.architectureFor(ViTConfig.read(dir.resolve("config.json")));
        GraftModel withHead = Zoo.create(arch, CreateOptions.defaults().withNumClasses(3).withSeed(7));
        Map<String, NDArray> bare = new LinkedHashMap<>();
        try (NDManager nd = NDManager.newBaseManager()) {
            withHead.stateDict().forEach((k, v) -> {
                if (k.startsWith("vit.")) {
                    bare.put(k.substring("vit.".length()), v.getArray());
                }
            });
            bare.put("pooler.dense.weight", nd.ones(new Shape(32, 32)));
            bare.put("pooler.dense.bias", nd.zeros(new Shape(32)));
            SafeTensors.write(dir.resolve("model.safetensors"), bare, Map.of("format", "pt"));
        }
        GraftModel plain = Zoo.create("local-dir:" + dir);
        assertEquals(0, plain.numClasses(), "a ViTModel config has no head");
        var report = ((ModelBase) plain).loadReport();
        assertTrue(report.isExact() && report.ignored().containsAll(List.of("vit.pooler.dense.weight", "vit.pooler.dense.bias")), report.summary());
        GraftModel tuned = Zoo.create("local-dir:" + dir, CreateOptions.defaults().withNumClasses(5).withSeed(1));
        var tunedReport = ((ModelBase) tuned).loadReport();
        assertEquals(List.of(), tunedReport.unexpected(), tunedReport.summary());
        assertTrue(tunedReport.missing().stream().allMatch(k -> k.startsWith("classifier.")), tunedReport.summary());
        assertArrayEquals(withHead.stateDict().get("vit.layernorm.weight").getArray().toFloatArray(),
                tuned.stateDict().get("vit.layernorm.weight").getArray().toFloatArray());
    }
}
