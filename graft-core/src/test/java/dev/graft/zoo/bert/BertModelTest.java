package dev.graft.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertModelTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    @Test
    void stateDictHasHuggingFaceKeysShapesAndOrder() {
        BertConfig cfg = TinyBert.config();
        try (NDManager nd = NDManager.newBaseManager()) {
            BertModel m = TinyBert.model(nd);
            Map<String, long[]> expected = OnnxBertImporter.expectedShapes(cfg);
            assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(m.stateDict().keySet()));
            for (Map.Entry<String, Parameter> e : m.stateDict().entrySet()) {
                assertArrayEquals(expected.get(e.getKey()), e.getValue().getArray().getShape().getShape(), e.getKey());
            }
            assertEquals("encoder.layer.1.attention.self.query.weight",
                    new ArrayList<>(m.stateDict().keySet()).get(5 + 16));
        }
    }

    @Test
    void paddingDoesNotChangeTheSentenceVector() {
        try (NDManager nd = NDManager.newBaseManager()) {
            BertModel m = TinyBert.model(nd);
            ParameterStore ps = new ParameterStore(nd, false);
            NDArray ids = nd.create(new long[] {101, 2023, 2003, 1037, 102}, new Shape(1, 5));
            NDArray mask = ids.onesLike();
            NDArray alone = BertModel.meanPool(m.forward(ps, new NDList(ids, mask), false).get(0), mask);
            NDArray padded = nd.create(new long[] {101, 2023, 2003, 1037, 102, 0, 0, 0, 101, 2158, 102, 0, 0, 0, 0, 0}, new Shape(2, 8));
            NDArray pmask = padded.neq(0).toType(ai.djl.ndarray.types.DataType.INT64, false);
            NDArray out = m.forward(ps, new NDList(padded, pmask), false).get(0);
            assertEquals(new Shape(2, 8, 16), out.getShape());
            NDArray pooled = BertModel.meanPool(out, pmask);
            float[] a = alone.toFloatArray();
            float[] b = pooled.get(0).toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5, "dim " + i);
            }
            NDArray unit = BertModel.normalize(pooled);
            assertEquals(1f, unit.get(1).norm().getFloat(), 1e-5);
        }
    }

    @Test
    void savedWeightsLoadBackToTheSameOutputs() {
        Path file = tmp.resolve("model.safetensors");
        try (NDManager nd = NDManager.newBaseManager()) {
            BertModel a = TinyBert.model(nd);
            BertWeights.write(a.stateDict(), file);
            BertModel b = TinyBert.model(nd);
            List<String> missing = b.loadStateDict(BertWeights.read(nd, file), true);
            assertTrue(missing.isEmpty());
            NDArray ids = nd.create(new long[] {101, 7592, 2088, 102}, new Shape(1, 4));
            ParameterStore ps = new ParameterStore(nd, false);
            assertArrayEquals(a.forward(ps, new NDList(ids), false).get(0).toFloatArray(),
                    b.forward(ps, new NDList(ids), false).get(0).toFloatArray(), 0f);
        }
    }

    @Test
    void mismatchedWeightsAreRefused() {
        try (NDManager nd = NDManager.newBaseManager()) {
            BertModel m = TinyBert.model(nd);
            NDArray wrong = nd.zeros(new Shape(3, 3));
            GraftException e = assertThrows(GraftException.class,
                    () -> m.loadStateDict(Map.of("embeddings.LayerNorm.weight", wrong), false));
            assertTrue(e.getMessage().contains("embeddings.LayerNorm.weight"), e.getMessage());
            assertThrows(GraftException.class, () -> m.loadStateDict(Map.of(), true));
        }
    }

    @Test
    void gradientsReachOnlyUnfrozenLayers() {
        try (NDManager nd = NDManager.newBaseManager()) {
            BertModel m = TinyBert.model(nd);
            for (Map.Entry<String, Parameter> e : m.stateDict().entrySet()) {
                e.getValue().freeze(!e.getKey().startsWith("encoder.layer.1."));
            }
            NDArray ids = nd.create(new long[] {101, 7592, 2088, 102, 101, 2158, 102, 0}, new Shape(2, 4));
            NDArray mask = ids.neq(0).toType(ai.djl.ndarray.types.DataType.INT64, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = m.forward(new ParameterStore(nd, false), new NDList(ids, mask), true).get(0);
                gc.backward(out.square().mean());
            }
            NDArray g = m.stateDict().get("encoder.layer.1.output.dense.weight").getArray().getGradient();
            assertNotEquals(0f, g.abs().sum().getFloat());
            assertTrue(!m.stateDict().get("encoder.layer.0.output.dense.weight").requiresGradient());
        }
    }

    @Test
    void invalidConfigsAreExplained() {
        assertThrows(GraftException.class, () -> BertConfig.of(10, 2, 3, 32, 64, 100, 2, false));
        assertThrows(GraftException.class, () -> new BertConfig(null, "bert", 16, 2, 2, 32, 64, 100, 2, 1e-12, "relu", 0.1, 0.1, 0,
                false, null));
        GraftException other = assertThrows(GraftException.class, () -> new BertConfig(null, "electra", 16, 2, 2, 32, 64, 100, 2,
                1e-12, "gelu", 0.1, 0.1, 0, false, null));
        assertTrue(other.getMessage().contains("model_type 'electra', not 'bert', 'roberta' or 'distilbert'"), other.getMessage());
    }

    @Test
    void robertaCountsPositionsFromAfterThePaddingId() throws Exception {
        BertConfig roberta = new BertConfig(List.of("RobertaModel"), "roberta", 16, 2, 2, 32, 66, 100, 1, 1e-5, "gelu", 0.1, 0.1, 1, true, null);
        assertEquals(64, roberta.maxSequenceLength(), "514 positions give RoBERTa 512 tokens; here 66 give 64");
        BertConfig bert = new BertConfig(List.of("BertModel"), "bert", 16, 2, 2, 32, 64, 100, 1, 1e-5, "gelu", 0.1, 0.1, 1, true, null);
        try (NDManager nd = NDManager.newBaseManager()) {
            BertModel r = new BertModel(roberta);
            r.initialize(nd);
            BertModel b = new BertModel(bert);
            b.initialize(nd);
            // The same weights, BERT's position table being RoBERTa's without its first pad_token_id + 1 rows.
            Map<String, NDArray> weights = new java.util.LinkedHashMap<>();
            r.stateDict().forEach((k, p) -> weights.put(k, k.equals("embeddings.position_embeddings.weight")
                    ? p.getArray().get("2:, :") : p.getArray()));
            b.loadStateDict(weights, true);
            ParameterStore ps = new ParameterStore(nd, false);
            NDArray ids = nd.create(new long[] {0, 17, 42, 9, 2, 1, 1}, new Shape(1, 7));   // <s> ... </s> <pad> <pad>
            NDArray mask = ids.neq(1).toType(DataType.INT64, false);
            NDArray fromRoberta = r.forward(ps, new NDList(ids, mask), false).get(0).get(":, :5, :");
            NDArray fromBert = b.forward(ps, new NDList(ids, mask), false).get(0).get(":, :5, :");
            assertArrayEquals(fromBert.toFloatArray(), fromRoberta.toFloatArray(), 1e-5f);
        }
        Path dir = Files.createDirectories(tmp.resolve("roberta"));
        roberta.write(dir.resolve("config.json"));
        assertTrue(dev.graft.zoo.PretrainedCfg.read(dir.resolve("config.json")).architecture().startsWith("roberta_l2_h16_"));
    }

    @Test
    void distilbertConfigsAndKeysAreTransformersOwn() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("distilbert"));
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["DistilBertModel"], "model_type": "distilbert", "dim": 16, "n_layers": 2, "n_heads": 2,
                 "hidden_dim": 32, "max_position_embeddings": 64, "vocab_size": 100, "activation": "gelu", "dropout": 0.1,
                 "attention_dropout": 0.1, "pad_token_id": 0, "sinusoidal_pos_embds": false}""");
        BertConfig c = BertConfig.read(dir.resolve("config.json"));
        assertTrue(c.isDistilBert());
        assertEquals(List.of(16, 2, 2, 32), List.of(c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.intermediateSize()));
        assertEquals(1e-12, c.layerNormEps());
        try (NDManager nd = NDManager.newBaseManager()) {
            BertModel m = new BertModel(c);
            m.initialize(nd);
            List<String> keys = new ArrayList<>(m.stateDict().keySet());
            assertEquals(List.of("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight", "embeddings.LayerNorm.weight",
                    "embeddings.LayerNorm.bias", "transformer.layer.0.attention.q_lin.weight", "transformer.layer.0.attention.q_lin.bias"),
                    keys.subList(0, 6));
            assertEquals("transformer.layer.1.output_layer_norm.bias", keys.get(keys.size() - 1), "no pooler");
        }
        c.write(dir.resolve("again.json"));
        String written = Files.readString(dir.resolve("again.json"));
        assertTrue(written.contains("\"n_layers\"") && written.contains("\"hidden_dim\"") && !written.contains("num_hidden_layers"), written);
        assertEquals(c, BertConfig.read(dir.resolve("again.json")));
        Files.writeString(dir.resolve("sin.json"), Files.readString(dir.resolve("config.json")).replace("false", "true"));
        GraftException sin = assertThrows(GraftException.class, () -> BertConfig.read(dir.resolve("sin.json")));
        assertTrue(sin.getMessage().contains("sinusoidal position embeddings"), sin.getMessage());
    }
}
