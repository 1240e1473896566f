package dev.graft.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.TestManager;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.OptimizerKind;
import dev.graft.util.Json;
import dev.graft.weights.Checkpoint;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.TinyBert;
import dev.graft.zoo.nn.LinearLayers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LoraAdapterTest {
    @RegisterExtension
    static final TestManager torch = new TestManager();

    @TempDir
    Path tmp;

    private static BertModel bert(int seed) {
        Engine.getInstance().setRandomSeed(seed);
        return TinyBert.model(torch.nd());
    }

    private static float[] out(BertModel m) {
        NDManager nd = torch.nd();
        NDArray ids = nd.create(new long[][] {{101, 2000, 3000, 102}, {101, 4000, 102, 0}});
        NDArray mask = nd.create(new long[][] {{1, 1, 1, 1}, {1, 1, 1, 0}});
        return m.forward(new ParameterStore(nd, false), new NDList(ids, mask), false).get(0).toFloatArray();
    }

    private static Map<String, float[]> snapshot(BertModel m) {
        Map<String, float[]> s = new HashMap<>();
        m.stateDict().forEach((k, p) -> s.put(k, p.getArray().toFloatArray()));
        return s;
    }

    /** Gives every B random values, as training would, so the adapter changes the output. */
    private static void perturb(LoraAdapter a) {
        for (Parameter p : a.stateDict().values()) {
            if (p.getName().endsWith("lora_B.weight")) {
                p.getArray().set(torch.nd().randomNormal(0, 0.1f, p.getArray().getShape(), p.getArray().getDataType()).toFloatArray());
            }
        }
    }

    private static LoraConfig config() {
        return LoraConfig.defaults().withTargetsFor(List.of("x.query", "x.value"));
    }

    @Test
    void targetModulesFollowPeftsRule() {
        LoraConfig names = config().withTargets(List.of("query", "output.dense"));
        assertTrue(names.targets("encoder.layer.0.attention.self.query"));
        assertTrue(names.targets("query"));
        assertTrue(names.targets("encoder.layer.1.attention.output.dense"));
        assertFalse(names.targets("encoder.layer.0.attention.self.query_proj"));
        assertFalse(names.targets("encoder.layer.0.intermediate.dense"));
        LoraConfig regex = config().withTargetRegex(".*layer\\.1\\..*(query|value)");
        assertTrue(regex.targets("encoder.layer.1.attention.self.value"));
        assertFalse(regex.targets("encoder.layer.0.attention.self.value"));
        assertFalse(regex.targets("encoder.layer.1.attention.self.value.x"), "a single string is a full match");
        assertEquals(config().withTargets(List.of("q", "v")), LoraConfig.parseTargets(config(), "q, v"));
        assertEquals(".*\\.query", LoraConfig.parseTargets(config(), ".*\\.query").targetRegex());
        assertEquals(2.0, config().scale(), 1e-12);
        assertEquals(16 / Math.sqrt(8), config().withRslora(true).scale(), 1e-12);
    }

    @Test
    void aFreshAdapterChangesNothingAndTrainingLeavesTheBaseBitIdentical() {
        BertModel m = bert(3);
        float[] base = out(m);
        Map<String, float[]> before = snapshot(m);
        LoraAdapter a = LoraAdapter.create("default", LinearLayers.of(m), m.stateDict(), config());
        assertEquals(List.of("encoder.layer.0.attention.self.query", "encoder.layer.0.attention.self.value",
                "encoder.layer.1.attention.self.query", "encoder.layer.1.attention.self.value"), a.targets());
        assertArrayEquals(base, out(m), 0f, "B starts at zero");
        // A is Kaiming-uniform(a = sqrt(5)) on (r, in): within +-1/sqrt(in), not constant
        float[] a0 = a.stateDict().get("base_model.model.encoder.layer.0.attention.self.query.lora_A.weight").getArray().toFloatArray();
        float bound = (float) (1 / Math.sqrt(16));
        float max = 0;
        for (float v : a0) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= bound && max > bound / 2, "max |A| " + max);
        assertEquals(4 * (8 * 16 + 16 * 8), a.numTrainable());

        GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.ADAMW, 0.9, a.trainable(0.01));
        NDManager nd = torch.nd();
        NDArray ids = nd.create(new long[][] {{101, 2000, 3000, 102}});
        for (int step = 0; step < 3; step++) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = m.forward(new ParameterStore(nd, false), new NDList(ids), true).get(0);
                gc.backward(y.square().mean());
            }
            opt.step(1e-2);
            opt.zeroGrad();
        }
        before.forEach((k, v) -> assertArrayEquals(v, m.stateDict().get(k).getArray().toFloatArray(), 0f, k + " changed"));
        assertFalse(java.util.Arrays.equals(base, out(m)), "training the adapter changed nothing");
        a.close();
    }

    @Test
    void mergedAndUnmergedAgreeAndTheMergedModelHasNoExtraParameters() {
        BertModel m = bert(3);
        Map<String, float[]> before = snapshot(m);
        List<String> keys = new ArrayList<>(m.stateDict().keySet());
        LoraAdapter a = LoraAdapter.create("default", LinearLayers.of(m), m.stateDict(), config().withTargets(List.of("query", "value", "dense")));
        perturb(a);
        float[] unmerged = out(m);
        a.merge();
        assertArrayEquals(unmerged, out(m), 1e-5f);
        assertEquals(keys, new ArrayList<>(m.stateDict().keySet()), "merging adds no parameters");
        LinearLayers.of(m).values().forEach(l -> assertEquals(null, l.delta()));
        float[] q = m.stateDict().get("encoder.layer.0.attention.self.query.weight").getArray().toFloatArray();
        assertFalse(java.util.Arrays.equals(before.get("encoder.layer.0.attention.self.query.weight"), q));
        a.unmerge();
        before.forEach((k, v) -> assertArrayEquals(v, m.stateDict().get(k).getArray().toFloatArray(), 1e-6f, k));
        assertArrayEquals(unmerged, out(m), 1e-5f);
        a.close();
    }

    @Test
    void theAdapterFolderIsPeftsAndRoundTrips() throws Exception {
        BertModel m = bert(3);
        Map<String, Parameter> sd = new LinkedHashMap<>(m.stateDict());
        LoraAdapter a = LoraAdapter.create("default", LinearLayers.of(m), sd,
                config().withModulesToSave(List.of("embeddings.LayerNorm")).withBias("lora_only").withBaseModel("tiny-bert").withTaskType("FEATURE_EXTRACTION"));
        perturb(a);
        float[] adapted = out(m);
        Path dir = tmp.resolve("adapter");
        a.save(dir);
        JsonNode cfg = Json.MAPPER.readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals(8, cfg.get("r").asInt());
        assertTrue(cfg.get("lora_alpha").isIntegralNumber());
        assertEquals("[\"query\",\"value\"]", cfg.get("target_modules").toString());
        assertEquals("[\"embeddings.LayerNorm\"]", cfg.get("modules_to_save").toString());
        assertEquals("tiny-bert", cfg.get("base_model_name_or_path").asText());
        assertEquals("FEATURE_EXTRACTION", cfg.get("task_type").asText());
        assertFalse(cfg.get("fan_in_fan_out").asBoolean());
        assertTrue(cfg.get("inference_mode").asBoolean());
        assertTrue(cfg.get("revision").isNull());
        List<String> fileKeys;
        try (Checkpoint st = Checkpoint.open(dir.resolve(LoraAdapter.WEIGHTS_FILE))) {
            fileKeys = st.names();
        }
        assertTrue(fileKeys.contains("base_model.model.encoder.layer.1.attention.self.value.lora_B.weight"), fileKeys.toString());
        assertTrue(fileKeys.contains("base_model.model.encoder.layer.1.attention.self.value.base_layer.bias"), fileKeys.toString());
        assertTrue(fileKeys.contains("base_model.model.embeddings.LayerNorm.weight"), fileKeys.toString());
        assertFalse(fileKeys.stream().anyMatch(k -> k.contains(".default.")), "the adapter name is dropped, as PEFT saves");
        assertEquals(4 * 2 + 4 + 2, fileKeys.size());

        BertModel fresh = bert(3);
        try (LoraAdapter b = LoraAdapter.load(dir).apply(LinearLayers.of(fresh), fresh.stateDict())) {
            assertEquals(a.config(), b.config());
            assertArrayEquals(adapted, out(fresh), 1e-6f);
        }
        a.close();
    }

    @Test
    void badInputFailsWithOneClearLine() throws Exception {
        BertModel m = bert(3);
        GraftException none = assertThrows(GraftException.class,
                () -> LoraAdapter.create("default", LinearLayers.of(m), m.stateDict(), config().withTargets(List.of("q_proj"))));
        assertTrue(none.getMessage().contains("match no linear layer"), none.getMessage());
        assertTrue(none.fix().contains("query"), none.fix());
        GraftException rank = assertThrows(GraftException.class, () -> config().withR(0));
        assertTrue(rank.getMessage().contains("not positive"), rank.getMessage());

        LoraAdapter a = LoraAdapter.create("default", LinearLayers.of(m), m.stateDict(), config());
        Path dir = tmp.resolve("a");
        a.save(dir);
        a.close();
        Engine.getInstance().setRandomSeed(1);
        BertModel wide = new BertModel(BertConfig.of(32, 2, 2, 32, 64, 30522, 2, false));
        wide.initialize(torch.nd());
        try (LoraAdapter b = LoraAdapter.load(dir)) {
            GraftException dims = assertThrows(GraftException.class, () -> b.apply(LinearLayers.of(wide), wide.stateDict()));
            assertTrue(dims.getMessage().contains("does not fit"), dims.getMessage());
            assertTrue(dims.fix().contains("other dimensions"), dims.fix());
        }
        GraftException missing = assertThrows(GraftException.class, () -> LoraAdapter.load(tmp.resolve("nothing")));
        assertTrue(missing.getMessage().contains("adapter_config.json"), missing.getMessage());
    }

    @Test
    void severalAdaptersOnOneBaseSwitchByName() throws Exception {
        BertModel m = bert(3);
        float[] base = out(m);
        Path[] dirs = new Path[2];
        float[][] expected = new float[2][];
        for (int i = 0; i < 2; i++) {
            BertModel copy = bert(3);
            Engine.getInstance().setRandomSeed(10 + i);
            LoraAdapter a = LoraAdapter.create("default", LinearLayers.of(copy), copy.stateDict(), config());
            perturb(a);
            expected[i] = out(copy);
            dirs[i] = tmp.resolve("ad" + i);
            a.save(dirs[i]);
            a.close();
        }
        try (Adapters on = new Adapters()) {
            on.add(LoraAdapter.load(dirs[0], "one").apply(LinearLayers.of(m), m.stateDict()));
            on.add(LoraAdapter.load(dirs[1], "two").apply(LinearLayers.of(m), m.stateDict()));
            assertEquals("one", on.active());
            assertArrayEquals(expected[0], out(m), 1e-6f);
            on.use("two");
            assertArrayEquals(expected[1], out(m), 1e-6f);
            on.useNone();
            assertArrayEquals(base, out(m), 0f);
            on.use("one");
            assertArrayEquals(expected[0], out(m), 1e-6f);
            assertThrows(GraftException.class, () -> on.use("three"));
        }
    }

    /** Gives every IA3 vector values away from one, as training would. */
    private static void perturbIa3(LoraAdapter a) {
        for (Parameter p : a.stateDict().values()) {
            NDArray v = p.getArray();
            v.set(torch.nd().randomNormal(1, 0.2f, v.getShape(), v.getDataType()).toFloatArray());
        }
    }

    @Test
    void ia3ScalesFeedForwardInputsAndOtherOutputsInPeftsFormat() throws Exception {
        BertModel m = bert(3);
        NDArray vb = m.stateDict().get("encoder.layer.0.attention.self.value.bias").getArray();
        vb.set(torch.nd().randomNormal(0, 0.5f, vb.getShape(), vb.getDataType()).toFloatArray());   // a trained base's bias is not zero
        Map<String, float[]> before = snapshot(m);
        float[] base = out(m);
        Ia3Config c = Ia3Config.defaults().withBaseModel("tiny-bert");
        LoraAdapter a = LoraAdapter.create("default", LinearLayers.of(m), m.stateDict(), c);
        assertArrayEquals(base, out(m), 0f, "IA3 starts at ones: a fresh adapter changes nothing");
        // PEFT's BERT targets: key, value, output.dense (both the attention's and the feed-forward's), output.dense feed-forward
        assertEquals(2 * 4, a.targets().size(), a.targets().toString());
        Map<String, Parameter> sd = a.stateDict();
        assertEquals(List.of(16L, 1L), List.of(sd.get("base_model.model.encoder.layer.0.attention.self.key.ia3_l").getArray().getShape().getShape()[0],
                sd.get("base_model.model.encoder.layer.0.attention.self.key.ia3_l").getArray().getShape().getShape()[1]));
        assertEquals(new ai.djl.ndarray.types.Shape(1, 32), sd.get("base_model.model.encoder.layer.0.output.dense.ia3_l").getArray().getShape(),
                "a feed-forward layer scales its input (intermediate 32)");
        assertEquals(new ai.djl.ndarray.types.Shape(1, 16), sd.get("base_model.model.encoder.layer.0.attention.output.dense.ia3_l").getArray().getShape(),
                "PEFT's feed-forward test is a plain suffix, so attention.output.dense scales its input too");
        assertEquals(2 * (16 + 16 + 16 + 32), a.numTrainable());
        perturbIa3(a);
        float[] adapted = out(m);
        assertFalse(java.util.Arrays.equals(base, adapted));
        before.forEach((k, v) -> assertArrayEquals(v, m.stateDict().get(k).getArray().toFloatArray(), 0f, k + " changed"));

        Path dir = tmp.resolve("ia3");
        a.save(dir);
        JsonNode cfg = Json.MAPPER.readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("IA3", cfg.get("peft_type").asText());
        assertEquals("[\"key\",\"output.dense\",\"value\"]", cfg.get("target_modules").toString());
        assertEquals("[\"output.dense\"]", cfg.get("feedforward_modules").toString());
        assertTrue(cfg.get("init_ia3_weights").asBoolean());
        assertFalse(cfg.get("fan_in_fan_out").asBoolean());
        try (Checkpoint st = Checkpoint.open(dir.resolve(LoraAdapter.WEIGHTS_FILE))) {
            assertTrue(st.names().contains("base_model.model.encoder.layer.1.attention.self.value.ia3_l"), st.names().toString());
            assertEquals(8, st.names().size());
        }

        a.merge();
        assertArrayEquals(adapted, out(m), 1e-5f);
        float[] v = m.stateDict().get("encoder.layer.0.attention.self.value.bias").getArray().toFloatArray();
        assertFalse(java.util.Arrays.equals(before.get("encoder.layer.0.attention.self.value.bias"), v), "an output scaling scales the bias too");
        a.unmerge();
        before.forEach((k, w) -> assertArrayEquals(w, m.stateDict().get(k).getArray().toFloatArray(), 1e-5f, k));
        a.close();

        BertModel fresh = bert(3);
        fresh.stateDict().get("encoder.layer.0.attention.self.value.bias").getArray().set(before.get("encoder.layer.0.attention.self.value.bias"));
        try (LoraAdapter b = LoraAdapter.load(dir).apply(LinearLayers.of(fresh), fresh.stateDict())) {
            assertEquals(Ia3Config.class, b.config().getClass());
            assertEquals(a.config(), b.config());
            assertArrayEquals(adapted, out(fresh), 1e-6f);
        }
    }

    @Test
    void ia3BadInputFailsWithOneClearLine() throws Exception {
        BertModel m = bert(3);
        GraftException none = assertThrows(GraftException.class,
                () -> LoraAdapter.create("default", LinearLayers.of(m), m.stateDict(), Ia3Config.defaults().withTargets(List.of("c_attn"))));
        assertTrue(none.getMessage().contains("match no linear layer"), none.getMessage());
        GraftException subset = assertThrows(GraftException.class,
                () -> Ia3Config.defaults().withTargets(List.of("key", "value")).withFeedforward(List.of("output.dense")));
        assertTrue(subset.getMessage().contains("not all among target_modules"), subset.getMessage());
        LoraAdapter a = LoraAdapter.create("default", LinearLayers.of(m), m.stateDict(), Ia3Config.defaults());
        Path dir = tmp.resolve("ia3bad");
        a.save(dir);
        a.close();
        Engine.getInstance().setRandomSeed(1);
        BertModel wide = new BertModel(BertConfig.of(32, 2, 2, 32, 64, 30522, 2, false));
        wide.initialize(torch.nd());
        try (LoraAdapter b = LoraAdapter.load(dir)) {
            GraftException dims = assertThrows(GraftException.class, () -> b.apply(LinearLayers.of(wide), wide.stateDict()));
            assertTrue(dims.getMessage().contains("does not fit") && dims.getMessage().contains("ia3_l"), dims.getMessage());
            assertTrue(dims.fix().contains("other dimensions"), dims.fix());
        }
        java.nio.file.Files.writeString(dir.resolve("adapter_config.json"), "{\"peft_type\": \"ADALORA\"}");
        GraftException type = assertThrows(GraftException.class, () -> LoraAdapter.load(dir));
        assertTrue(type.getMessage().contains("'ADALORA'") && type.fix().contains("LoRA, IA3 and prompt-tuning"), type.oneLine());
    }

    @Test
    void loraAndIa3AdaptersOnOneBaseSwitchByName() throws Exception {
        BertModel m = bert(3);
        float[] base = out(m);
        LoraAdapter lora = LoraAdapter.create("lora", LinearLayers.of(m), m.stateDict(), config());
        perturb(lora);
        float[] withLora = out(m);
        lora.deactivate();
        LoraAdapter ia3 = LoraAdapter.create("ia3", LinearLayers.of(m), m.stateDict(), Ia3Config.defaults());
        perturbIa3(ia3);
        float[] withIa3 = out(m);
        try (Adapters on = new Adapters()) {
            on.add(ia3);
            on.add(lora);
            assertEquals("ia3", on.active());
            on.use("lora");
            assertArrayEquals(withLora, out(m), 1e-6f);
            on.use("ia3");
            assertArrayEquals(withIa3, out(m), 1e-6f);
            on.useNone();
            assertArrayEquals(base, out(m), 0f);
        }
    }

    @Test
    void loraOnGpt2sConv1DLayersKeepsPeftsShapesAndMergesTransposed() throws Exception {
        Engine.getInstance().setRandomSeed(4);
        dev.graft.zoo.GraftModel g = dev.graft.zoo.Zoo.create("gpt2_tiny");
        Map<String, float[]> before = new HashMap<>();
        g.stateDict().forEach((k, p) -> before.put(k, p.getArray().toFloatArray()));
        NDArray ids = torch.nd().create(new long[][] {{5, 17, 300, 2}, {9, 8, 7, 6}});
        LoraAdapter a = LoraAdapter.create(g, LoraConfig.defaults().withTargets(List.of("c_attn", "c_proj", "c_fc")).withBaseModel("gpt2_tiny"));
        assertEquals(2 * 4, a.targets().size(), a.targets().toString());
        Parameter qa = a.stateDict().get("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight");
        Parameter qb = a.stateDict().get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight");
        assertEquals(new ai.djl.ndarray.types.Shape(8, 64), qa.getArray().getShape(), "A is (r, in) as PEFT saves it for Conv1D too");
        assertEquals(new ai.djl.ndarray.types.Shape(192, 8), qb.getArray().getShape(), "B is (out, r)");
        perturb(a);
        float[] adapted = g.forward(null, ids, false).toFloatArray();
        Path dir = tmp.resolve("gpt2-lora");
        a.save(dir);
        assertTrue(Json.MAPPER.readTree(dir.resolve("adapter_config.json").toFile()).get("fan_in_fan_out").asBoolean(), "PEFT's flag for Conv1D");
        a.merge();
        assertArrayEquals(adapted, g.forward(null, ids, false).toFloatArray(), 1e-4f);
        assertEquals(new ai.djl.ndarray.types.Shape(64, 192), g.stateDict().get("transformer.h.0.attn.c_attn.weight").getArray().getShape());
        a.unmerge();
        before.forEach((k, v) -> assertArrayEquals(v, g.stateDict().get(k).getArray().toFloatArray(), 1e-5f, k));
        a.close();
    }
}
