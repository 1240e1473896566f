package dev.graft.zoo.gpt2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.NoGrad;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GPT-2 in transformers' layout on a tiny random network (2 blocks, 32 wide, 16 positions, 300 tokens). */
class Gpt2ModelTest {
    static final Gpt2Config TINY = Gpt2Config.of(2, 4, 32, 16, 300);

    @TempDir
    Path dir;

    static Gpt2Model tiny(long seed) {
        return (Gpt2Model) Zoo.create(Gpt2Models.architectureFor(TINY), CreateOptions.defaults().withSeed(seed));
    }

    private static float[] logits(Gpt2Model m, long[] ids) {
        try (NDManager nd = NDManager.newBaseManager(); NoGrad ignored = NoGrad.enter()) {
            return m.forwardTokens(null, nd.create(ids).reshape(1, ids.length), null, null, false).get(1).toFloatArray();
        }
    }

    @Test
    void catalogueHasTheHuggingFaceShapes() {
        assertTrue(Zoo.list("*gpt2*").containsAll(List.of("gpt2", "gpt2_medium", "gpt2_large", "distilgpt2", Gpt2Models.TINY)));
        assertEquals(768, Gpt2Models.config("gpt2").nEmbd());
        assertEquals(24, Gpt2Models.config("gpt2_medium").nLayer());
        assertEquals(20, Gpt2Models.config("gpt2_large").nHead());
        assertEquals(6, Gpt2Models.config("distilgpt2").nLayer());
        // As transformers counts them: lm_head is tied to wte, so it adds nothing.
        GraftModel m = Zoo.create(Gpt2Models.TINY);
        long expected = 50257L * 64 + 128L * 64 + 2 * (4 * 64 + 64 * 192 + 192 + 64 * 64 + 64 + 64 * 256 + 256 + 256 * 64 + 64) + 2 * 64;
        assertEquals(expected, m.numParams());
        assertEquals(0, m.numClasses());
    }

    @Test
    void stateDictHasTransformersKeysInOrder() {
        Gpt2Model m = tiny(1);
        List<String> keys = new ArrayList<>(m.stateDict().keySet());
        assertEquals(List.of("transformer.wte.weight", "transformer.wpe.weight", "transformer.h.0.ln_1.weight", "transformer.h.0.ln_1.bias",
                "transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_attn.bias", "transformer.h.0.attn.c_proj.weight",
                "transformer.h.0.attn.c_proj.bias", "transformer.h.0.ln_2.weight", "transformer.h.0.ln_2.bias",
                "transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_fc.bias", "transformer.h.0.mlp.c_proj.weight",
                "transformer.h.0.mlp.c_proj.bias"), keys.subList(0, 14));
        assertEquals(List.of("transformer.ln_f.weight", "transformer.ln_f.bias"), keys.subList(keys.size() - 2, keys.size()));
        // Conv1D stores [in, out].
        assertEquals(new Shape(32, 96), m.stateDict().get("transformer.h.0.attn.c_attn.weight").getArray().getShape());
        assertEquals(new Shape(128, 32), m.stateDict().get("transformer.h.1.mlp.c_proj.weight").getArray().getShape());
        assertFalse(keys.contains("lm_head.weight"));
        Gpt2Model bare = (Gpt2Model) Zoo.create(Gpt2Models.architectureFor(TINY.withArchitecture(Gpt2Config.BARE_MODEL)));
        assertEquals("wte.weight", bare.stateDict().keySet().iterator().next());
    }

    @Test
    void configJsonIsTransformersAndReadsBack() throws Exception {
        Gpt2Model m = tiny(2);
        Weights.save(m, dir);
        JsonNode json = Json.MAPPER.readTree(dir.resolve("config.json").toFile());
        assertEquals("gpt2", json.get("model_type").asText());
        assertEquals("GPT2LMHeadModel", json.get("architectures").get(0).asText());
        assertEquals(32, json.get("n_embd").asInt());
        assertEquals(16, json.get("n_positions").asInt());
        assertEquals("gelu_new", json.get("activation_function").asText());
        assertEquals(1e-5, json.get("layer_norm_epsilon").asDouble());
        assertEquals(50256, json.get("eos_token_id").asInt());
        assertEquals(TINY, Gpt2Config.read(dir.resolve("config.json")));
        try (SafeTensors st = SafeTensors.open(dir.resolve("model.safetensors"))) {
            assertEquals(new ArrayList<>(m.stateDict().keySet()), st.names());
        }
        GraftModel again = Zoo.create("local-dir:" + dir);
        long[] ids = {5, 17, 42, 3};
        assertArrayEquals(logits(m, ids), logits((Gpt2Model) again, ids));
    }

    @Test
    void checkpointsWithoutPrefixWithLmHeadAndMaskBuffersLoad() throws Exception {
        Gpt2Model m = tiny(3);
        Weights.save(m, dir);
        // The layout of older files (OpenAI's conversion): no "transformer.", attn.bias masks, an lm_head copy.
        Map<String, NDArray> renamed = new LinkedHashMap<>();
        try (NDManager nd = NDManager.newBaseManager()) {
            try (SafeTensors st = SafeTensors.open(dir.resolve("model.safetensors"))) {
                for (String k : st.names()) {
                    renamed.put(k.substring("transformer.".length()), st.toNDArray(nd, k));
                }
            }
            renamed.put("h.0.attn.bias", nd.ones(new Shape(1, 1, 16, 16)));
            renamed.put("h.1.attn.masked_bias", nd.create(-1e4f));
            renamed.put("lm_head.weight", renamed.get("wte.weight"));
            Path old = Files.createDirectories(dir.resolve("old"));
            SafeTensors.write(old.resolve("model.safetensors"), renamed, Map.of("format", "pt"));
            Files.copy(dir.resolve("config.json"), old.resolve("config.json"));
            Gpt2Model loaded = (Gpt2Model) Zoo.create("local-dir:" + old);
            assertTrue(loaded.loadReport().ignored().containsAll(List.of("lm_head.weight", "transformer.h.0.attn.bias")),
                    loaded.loadReport().ignored().toString());
            long[] ids = {1, 2, 3, 250};
            assertArrayEquals(logits(m, ids), logits(loaded, ids));
        }
    }

    @Test
    void positionsSeeOnlyTheTokensBeforeThem() {
        Gpt2Model m = tiny(4);
        float[] a = logits(m, new long[] {7, 8, 9, 10});
        float[] b = logits(m, new long[] {7, 8, 99, 11});
        for (int i = 0; i < 2 * 300; i++) {
            assertEquals(a[i], b[i], 1e-5f, "position " + i / 300);
        }
        assertFalse(Math.abs(a[2 * 300] - b[2 * 300]) < 1e-6f);
    }

    @Test
    void theCacheGivesTheFullPassLogitsOnePositionAtATime() {
        Gpt2Model m = tiny(5);
        long[] ids = {11, 12, 13, 14, 15, 16};
        float[] full = logits(m, ids);
        try (NDManager nd = NDManager.newBaseManager(); NoGrad ignored = NoGrad.enter()) {
            KvCache cache = new KvCache(2);
            float[] first = m.forwardTokens(null, nd.create(new long[] {11, 12, 13}).reshape(1, 3), null, cache, false).get(1).toFloatArray();
            assertEquals(3, cache.length());
            for (int i = 0; i < first.length; i++) {
                assertEquals(full[i], first[i], 1e-5f);
            }
            for (int p = 3; p < ids.length; p++) {
                float[] step = m.forwardTokens(null, nd.create(new long[] {ids[p]}).reshape(1, 1), null, cache, false).get(1).toFloatArray();
                for (int v = 0; v < 300; v++) {
                    assertEquals(full[p * 300 + v], step[v], 1e-5f, "position " + p);
                }
            }
            GraftException e = assertThrows(GraftException.class,
                    () -> m.forwardTokens(null, nd.zeros(new Shape(1, 11)).toType(ai.djl.ndarray.types.DataType.INT64, false), null, cache, false));
            assertTrue(e.getMessage().contains("16 positions"), e.getMessage());
        }
    }

    @Test
    void intermediatesAreTheBlockOutputs() {
        Gpt2Model m = tiny(7);
        try (NDManager nd = NDManager.newBaseManager(); NoGrad ignored = NoGrad.enter()) {
            NDArray ids = nd.create(new long[] {3, 4, 5}).reshape(1, 3);
            ai.djl.ndarray.NDList out = m.forwardIntermediates(null, ids, new int[] {0, 1}, false);
            assertEquals(new Shape(1, 3, 32), out.get(1).getShape());
            assertEquals("transformer.h.1", m.featureInfo().get(1).module());
            assertFalse(java.util.Arrays.equals(out.get(0).toFloatArray(), out.get(1).toFloatArray()));
        }
    }

    @Test
    void paddingIsMaskedOut() {
        Gpt2Model m = tiny(6);
        float[] alone = logits(m, new long[] {21, 22, 23});
        try (NDManager nd = NDManager.newBaseManager(); NoGrad ignored = NoGrad.enter()) {
            NDArray ids = nd.create(new long[] {21, 22, 23, 0, 0}).reshape(1, 5);
            NDArray mask = nd.create(new long[] {1, 1, 1, 0, 0}).reshape(1, 5);
            float[] padded = m.forwardTokens(null, ids, mask, null, false).get(1).toFloatArray();
            for (int i = 0; i < alone.length; i++) {
                assertEquals(alone[i], padded[i], 1e-5f);
            }
        }
    }

    @Test
    void aSequenceClassifierScoresTheLastNonPaddingToken() throws Exception {
        Gpt2Config padded = Gpt2Config.of(2, 4, 32, 16, 300).withLabels(null, 299);
        GraftModel m = Zoo.create(Gpt2Models.architectureFor(padded), CreateOptions.defaults().withSeed(8L).withNumClasses(3));
        Gpt2Model g = (Gpt2Model) m;
        List<String> keys = new ArrayList<>(m.stateDict().keySet());
        assertEquals("score.weight", keys.get(keys.size() - 1));
        assertFalse(keys.contains("score.bias"));
        assertEquals(new Shape(3, 32), m.stateDict().get("score.weight").getArray().getShape());
        assertFalse(g.hasLmHead());
        try (NDManager nd = NDManager.newBaseManager(); NoGrad ignored = NoGrad.enter()) {
            NDArray ids = nd.create(new long[] {5, 6, 7, 299, 299, 8, 9, 10, 11, 12}).reshape(2, 5);
            float[] logits = m.forward(null, ids, false).toFloatArray();
            // By hand: score . hidden of the last real token (position 2 of row 0, 4 of row 1), no bias.
            NDArray hidden = g.forwardTokens(null, ids, null, null, false).get(0);
            NDArray w = m.stateDict().get("score.weight").getArray();
            float[] row0 = hidden.get("0, 2, :").reshape(1, 32).matMul(w.transpose()).toFloatArray();
            float[] row1 = hidden.get("1, 4, :").reshape(1, 32).matMul(w.transpose()).toFloatArray();
            for (int c = 0; c < 3; c++) {
                assertEquals(row0[c], logits[c], 1e-5f);
                assertEquals(row1[c], logits[3 + c], 1e-5f);
            }
            Weights.save(m, dir);
            JsonNode json = Json.MAPPER.readTree(dir.resolve("config.json").toFile());
            assertEquals("GPT2ForSequenceClassification", json.get("architectures").get(0).asText());
            assertEquals("LABEL_2", json.get("id2label").get("2").asText());
            assertEquals(299, json.get("pad_token_id").asInt());
            GraftModel again = Zoo.create("local-dir:" + dir);
            assertEquals(3, again.numClasses());
            assertArrayEquals(logits, again.forward(null, ids, false).toFloatArray());
        }
        assertThrows(GraftException.class, () -> new dev.graft.text.TextGenerator(g, null));
    }

    @Test
    void unsupportedConfigsAreOneClearLine() throws Exception {
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, "{\"model_type\": \"gpt2\", \"activation_function\": \"swish\"}");
        GraftException e = assertThrows(GraftException.class, () -> Gpt2Config.read(cfg));
        assertTrue(e.getMessage().contains("swish"), e.getMessage());
        Files.writeString(cfg, "{\"model_type\": \"gpt2\", \"n_embd\": 30, \"n_head\": 4}");
        assertThrows(GraftException.class, () -> Gpt2Config.read(cfg));
        Files.writeString(cfg, "{\"model_type\": \"gpt2\", \"n_ctx\": 64, \"n_layer\": 1, \"n_embd\": 16, \"n_head\": 2}");
        assertEquals(64, Gpt2Config.read(cfg).nPositions());
    }
}
