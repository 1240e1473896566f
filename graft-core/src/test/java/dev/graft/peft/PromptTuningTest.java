package dev.graft.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.TinyBert;
import dev.graft.zoo.gpt2.Gpt2Model;
import dev.graft.zoo.gpt2.KvCache;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PromptTuningTest {
    @RegisterExtension
    static final TestManager torch = new TestManager();

    @TempDir
    Path tmp;

    private static final long[][] IDS = {{101, 2000, 3000, 102}, {101, 4000, 102, 0}};
    private static final long[][] MASK = {{1, 1, 1, 1}, {1, 1, 1, 0}};

    private static BertModel bert(int seed) {
        Engine.getInstance().setRandomSeed(seed);
        return TinyBert.model(torch.nd());
    }

    private static NDList run(BertModel m, long[][] ids, long[][] mask) {
        NDManager nd = torch.nd();
        return m.forward(new ParameterStore(nd, false), new NDList(nd.create(ids), nd.create(mask)), false);
    }

    private static Map<String, float[]> snapshot(Map<String, Parameter> sd) {
        Map<String, float[]> s = new HashMap<>();
        sd.forEach((k, p) -> s.put(k, p.getArray().toFloatArray()));
        return s;
    }

    private static PromptTuningConfig config(int n) {
        return PromptTuningConfig.defaults().withNumVirtualTokens(n).withBaseModel("tiny-bert").withTaskType("FEATURE_EXTRACTION");
    }

    @Test
    void virtualTokensAreExtraWordsInFrontWithTheirPositionsAndAttention() {
        BertModel m = bert(1);
        int n = 3;
        LoraAdapter a = LoraAdapter.createPrompt("default", m, m.stateDict(), config(n), null);
        NDList got = run(m, IDS, MASK);
        assertEquals(new Shape(2, n + 4, 16), got.get(0).getShape(), "PEFT's outputs: the virtual positions first");

        // By hand: the same BERT with the virtual tokens as n more rows of its vocabulary, their ids in front,
        // the mask extended with ones and positions 0..n+L-1: what PEFT's inputs_embeds amount to.
        BertConfig c = TinyBert.config();
        BertModel wide = new BertModel(BertConfig.of(16, 2, 2, 32, 64, c.vocabSize() + n, 2, false));
        wide.initialize(torch.nd());
        NDArray prompt = a.stateDict().get(PromptTuningConfig.KEY).getArray();
        m.stateDict().forEach((k, p) -> {
            NDArray v = k.equals("embeddings.word_embeddings.weight") ? p.getArray().concat(prompt, 0) : p.getArray();
            wide.stateDict().get(k).getArray().set(v.toFloatArray());
        });
        long[][] ids = new long[2][n + 4];
        long[][] mask = new long[2][n + 4];
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < n + 4; i++) {
                ids[b][i] = i < n ? c.vocabSize() + i : IDS[b][i - n];
                mask[b][i] = i < n ? 1 : MASK[b][i - n];
            }
        }
        NDList want = run(wide, ids, mask);
        assertArrayEquals(want.get(0).toFloatArray(), got.get(0).toFloatArray(), 1e-5f);
        assertEquals(new Shape(2, n + 4), m.extendMask(torch.nd().create(MASK)).getShape());

        a.deactivate();
        assertEquals(new Shape(2, 4, 16), run(m, IDS, MASK).get(0).getShape(), "without the adapter the base computes alone");
        a.close();
    }

    @Test
    void trainingMovesOnlyTheVirtualTokensAndTheSavedHead() {
        BertModel m = bert(2);
        Map<String, float[]> before = snapshot(m.stateDict());
        LoraAdapter a = LoraAdapter.createPrompt("default", m, m.stateDict(), config(4).withModulesToSave(List.of("embeddings.LayerNorm")), null);
        assertEquals(4 * 16 + 16 + 16, a.numTrainable(), "the tokens and the saved LayerNorm");
        float[] start = a.stateDict().get(PromptTuningConfig.KEY).getArray().toFloatArray();
        GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.ADAMW, 0.9, a.trainable(0.01));
        NDManager nd = torch.nd();
        for (int step = 0; step < 3; step++) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList out = m.forward(new ParameterStore(nd, false), new NDList(nd.create(IDS), nd.create(MASK)), true);
                gc.backward(out.get(0).get(":, 0, :").square().mean());
            }
            opt.step(1e-2);
            opt.zeroGrad();
        }
        assertFalse(java.util.Arrays.equals(start, a.stateDict().get(PromptTuningConfig.KEY).getArray().toFloatArray()), "the tokens trained");
        before.forEach((k, v) -> {
            if (k.startsWith("embeddings.LayerNorm.")) {
                return;
            }
            assertArrayEquals(v, m.stateDict().get(k).getArray().toFloatArray(), 0f, k + " stays bit-identical");
        });
        assertFalse(java.util.Arrays.equals(before.get("embeddings.LayerNorm.weight"), m.stateDict().get("embeddings.LayerNorm.weight").getArray().toFloatArray()));
        a.close();
    }

    @Test
    void theAdapterFolderIsPeftsAndRoundTrips() throws Exception {
        BertModel m = bert(3);
        LoraAdapter a = LoraAdapter.createPrompt("default", m, m.stateDict(), config(5).withModulesToSave(List.of("embeddings.LayerNorm")), null);
        float[] adapted = run(m, IDS, MASK).get(0).toFloatArray();
        Path dir = tmp.resolve("pt");
        a.save(dir);
        JsonNode cfg = Json.MAPPER.readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("PROMPT_TUNING", cfg.get("peft_type").asText());
        assertEquals(5, cfg.get("num_virtual_tokens").asInt());
        assertEquals(16, cfg.get("token_dim").asInt());
        assertEquals(1, cfg.get("num_transformer_submodules").asInt());
        assertEquals(2, cfg.get("num_attention_heads").asInt());
        assertEquals(2, cfg.get("num_layers").asInt());
        assertEquals("RANDOM", cfg.get("prompt_tuning_init").asText());
        assertEquals("tiny-bert", cfg.get("base_model_name_or_path").asText());
        assertEquals("FEATURE_EXTRACTION", cfg.get("task_type").asText());
        try (Checkpoint st = Checkpoint.open(dir.resolve(LoraAdapter.WEIGHTS_FILE))) {
            Map<String, NDArray> t = st.toNDArrays(torch.nd());
            assertEquals(new Shape(5, 16), t.get("prompt_embeddings").getShape(), "PEFT's key and shape");
            assertTrue(t.containsKey("base_model.embeddings.LayerNorm.weight"), "saved modules under PEFT's prompt-learning prefix: " + t.keySet());
            assertEquals(3, t.size(), t.keySet().toString());
        }
        a.close();

        BertModel fresh = bert(3);
        Map<String, float[]> base = snapshot(fresh.stateDict());
        float[] plain = run(fresh, IDS, MASK).get(0).toFloatArray();
        LoraAdapter back = LoraAdapter.load(dir).applyPrompt(fresh, fresh.stateDict());
        assertArrayEquals(adapted, run(fresh, IDS, MASK).get(0).toFloatArray(), 0f, "loaded back, the same forward pass");
        back.deactivate();
        assertArrayEquals(plain, run(fresh, IDS, MASK).get(0).toFloatArray(), 0f, "deactivated: the base again, saved modules restored");
        base.forEach((k, v) -> assertArrayEquals(v, fresh.stateDict().get(k).getArray().toFloatArray(), 0f, k));
        back.close();
    }

    @Test
    void textInitCopiesTheWordEmbeddingsOfTheInitTextRepeated() {
        BertModel m = bert(4);
        PromptTuningConfig c = config(5).withInitText("topic");
        assertEquals("TEXT", c.init());
        assertEquals("tiny-bert", c.tokenizer(), "tokenizer_name_or_path: the base's");
        LoraAdapter a = LoraAdapter.createPrompt("default", m, m.stateDict(), c, new long[] {101, 8476, 102});
        NDArray table = m.wordEmbeddings().getArray();
        NDArray rows = a.stateDict().get(PromptTuningConfig.KEY).getArray();
        long[] want = {101, 8476, 102, 101, 8476};
        for (int i = 0; i < want.length; i++) {
            assertArrayEquals(table.get(want[i]).toFloatArray(), rows.get(i).toFloatArray(), 0f, "row " + i);
        }
        a.close();
    }

    @Test
    void badInputFailsWithOneClearLine() throws Exception {
        GraftException none = assertThrows(GraftException.class, () -> config(0));
        assertTrue(none.getMessage().contains("at least one virtual token"), none.getMessage());
        assertThrows(GraftException.class, () -> PromptTuningConfig.defaults().withInitText(" ").forModel(bert(5)));

        BertModel m = bert(5);
        LoraAdapter a = LoraAdapter.createPrompt("default", m, m.stateDict(), config(2), null);
        GraftException merge = assertThrows(GraftException.class, a::merge);
        assertTrue(merge.getMessage().contains("cannot be merged"), merge.getMessage());
        Path dir = tmp.resolve("pt");
        a.save(dir);
        a.deactivate();
        a.close();
        // a base of another width
        BertModel other = new BertModel(BertConfig.of(32, 2, 2, 32, 64, 30522, 2, false));
        other.initialize(torch.nd());
        LoraAdapter wrong = LoraAdapter.load(dir);
        GraftException shape = assertThrows(GraftException.class, () -> wrong.applyPrompt(other, other.stateDict()));
        assertTrue(shape.getMessage().contains("does not fit the model"), shape.getMessage());
        assertNull(other.prompt(), "nothing changed");
        wrong.close();
        // a sequence the positions cannot hold with the virtual tokens
        LoraAdapter many = LoraAdapter.createPrompt("default", m, m.stateDict(), config(62), null);
        GraftException longer = assertThrows(GraftException.class, () -> run(m, IDS, MASK));
        assertTrue(longer.getMessage().contains("virtual"), longer.getMessage());
        many.close();
    }

    @Test
    void gpt2TakesTheTokensInFrontAndItsCacheContinuesAfterThem() {
        Engine.getInstance().setRandomSeed(6);
        Gpt2Model g = (Gpt2Model) Zoo.create("gpt2_tiny");
        Map<String, float[]> before = snapshot(g.stateDict());
        LoraAdapter a = LoraAdapter.createPrompt("default", g, g.stateDict(), config(3).withTaskType("CAUSAL_LM"), null);
        NDManager nd = torch.nd();
        NDArray ids = nd.create(new long[][] {{5, 17, 300, 2}, {9, 8, 7, 6}});
        NDArray logits = g.forwardTokens(null, ids, null, null, false).get(1);
        assertEquals(new Shape(2, 3 + 4, g.config().vocabSize()), logits.getShape(), "PeftModelForCausalLM's logits: virtual positions first");
        // one pass over the prompt and the first three tokens, then the fourth from the cache: the same last logits
        KvCache cache = new KvCache(g.config().nLayer());
        g.forwardTokens(null, ids.get(":, :3"), nd.ones(new Shape(2, 3), ai.djl.ndarray.types.DataType.INT64), cache, false);
        assertEquals(3 + 3, cache.length());
        NDArray last = g.forwardTokens(null, ids.get(":, 3:"), nd.ones(new Shape(2, 4), ai.djl.ndarray.types.DataType.INT64), cache, false).get(1);
        assertArrayEquals(logits.get(":, -1, :").toFloatArray(), last.get(":, -1, :").toFloatArray(), 1e-4f);
        a.deactivate();
        assertEquals(new Shape(2, 4, g.config().vocabSize()), g.forwardTokens(null, ids, null, null, false).get(1).getShape());
        before.forEach((k, v) -> assertArrayEquals(v, g.stateDict().get(k).getArray().toFloatArray(), 0f, k));
        a.close();
    }

    @Test
    void zooModelsLoadAPromptAdapterByFolderWithoutMergingIt() throws Exception {
        Engine.getInstance().setRandomSeed(7);
        GraftModel g = Zoo.create("gpt2_tiny");
        Path base = tmp.resolve("base");
        dev.graft.zoo.Weights.save(g, base);
        LoraAdapter a = LoraAdapter.createPrompt("default", (Gpt2Model) g, g.stateDict(), config(2).withBaseModel(base.toString()).withTaskType("CAUSAL_LM"), null);
        NDArray ids = torch.nd().create(new long[][] {{5, 17, 300, 2}});
        float[] want = ((Gpt2Model) g).forwardTokens(null, ids, null, null, false).get(1).toFloatArray();
        Path dir = tmp.resolve("adapter");
        a.save(dir);
        a.close();
        Gpt2Model loaded = (Gpt2Model) Zoo.create("local-dir:" + dir, dev.graft.zoo.CreateOptions.defaults());
        assertEquals(2, loaded.virtualTokens());
        assertArrayEquals(want, loaded.forwardTokens(null, ids, null, null, false).get(1).toFloatArray(), 1e-6f);
    }
}
