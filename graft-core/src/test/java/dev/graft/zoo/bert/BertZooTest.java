package dev.graft.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bert family in the zoo, on a tiny random BERT (hidden 16, 2 layers). */
class BertZooTest {
    private static final String TINY = "bert_test_tiny";

    static {
        BertModels.register(TINY, TinyBert.config());
    }

    /** Two sequences, the second padded with id 0. */
    private static NDArray ids(NDManager nd) {
        return nd.create(new long[] {101, 7592, 2088, 999, 102, 101, 4937, 102, 0, 0}, new Shape(2, 5));
    }

    @Test
    void listFindsTheFamilyAndItsPretrainedTag() {
        assertTrue(Zoo.list("bert*").contains(BertModels.MINILM_L6_H384));
        assertTrue(Zoo.list(List.of(), List.of(), true).contains("bert_minilm_l6_h384.sentence_transformers"));
        PretrainedCfg cfg = Zoo.cfg("bert_minilm_l6_h384.sentence_transformers");
        assertEquals("apache-2.0", cfg.license());
        assertEquals(384, cfg.numFeatures());
        assertNull(cfg.inputSize());
        assertEquals(BertModels.FAMILY, Zoo.architecture(BertModels.MINILM_L6_H384).family());
        assertTrue(Zoo.isImported("bert_minilm_l6_h384.sentence_transformers"));
    }

    @Test
    void createGivesHuggingFaceKeysAndGroups() {
        GraftModel m = Zoo.create(TINY, CreateOptions.defaults().withSeed(1L).withNumClasses(3));
        BertSentenceModel bert = (BertSentenceModel) m;
        List<String> keys = new ArrayList<>(m.stateDict().keySet());
        List<String> expected = new ArrayList<>(bert.bert().stateDict().keySet());
        expected.add("classifier.weight");
        expected.add("classifier.bias");
        assertEquals(expected, keys);
        assertEquals("embeddings.word_embeddings.weight", keys.get(0));
        assertTrue(keys.contains("encoder.layer.1.attention.self.query.weight"));
        assertEquals(List.of("embeddings", "layer0", "layer1", "head"), m.groupMatcher().stream().map(ParamGroup::name).toList());
        for (String k : keys) {
            assertEquals(1, m.groupMatcher().stream().filter(g -> g.matches(k)).count(), k);
        }
        assertEquals(2, m.featureInfo().size());
        assertEquals("encoder.layer.1", m.featureInfo().get(1).module());
        assertEquals(16, m.numFeatures());
        assertThrows(GraftException.class, () -> Zoo.create(TINY, CreateOptions.defaults().withImgSize(32)));
    }

    @Test
    void preLogitsAreTheMaskedMeanOfTheEncoder() {
        GraftModel m = Zoo.create(TINY, CreateOptions.defaults().withSeed(2L));
        BertSentenceModel bert = (BertSentenceModel) m;
        try (NDManager nd = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(nd, false);
            NDArray ids = ids(nd);
            NDArray features = m.forwardFeatures(ps, ids, false);
            assertEquals(new Shape(2, 5, 16), features.getShape());
            NDArray pooled = m.forwardHead(ps, features, false, true);
            NDArray mask = nd.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 5));
            NDArray hidden = bert.bert().forward(ps, new NDList(ids, mask), false).get(0);
            NDArray reference = BertModel.meanPool(hidden, mask);
            assertArrayEquals(reference.toFloatArray(), pooled.toFloatArray(), 1e-5f);
            // The padded sentence pools the same as the unpadded one on its own.
            NDArray alone = m.forwardHead(ps, m.forwardFeatures(ps, nd.create(new long[] {101, 4937, 102}, new Shape(1, 3)), false),
                    false, true);
            assertArrayEquals(alone.toFloatArray(), pooled.get(1).toFloatArray(), 1e-5f);
            assertEquals(2, m.forwardIntermediates(ps, ids, new int[] {0, 1}, false).size());
            assertThrows(GraftException.class, () -> m.forwardFeatures(ps, nd.zeros(new Shape(1, 3, 8, 8)), false), "images are refused");
        }
    }

    @Test
    void resetClassifierChangesTheOutputWidth() {
        GraftModel m = Zoo.create(TINY, CreateOptions.defaults().withSeed(3L));
        try (NDManager nd = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(nd, false);
            assertEquals(new Shape(2, 16), m.forward(ps, ids(nd), false).getShape());
            m.resetClassifier(5);
            assertEquals(5, m.numClasses());
            assertEquals(new Shape(2, 5), m.forward(ps, ids(nd), false).getShape());
            assertEquals(new Shape(5, 16), m.stateDict().get("classifier.weight").getArray().getShape());
            m.resetClassifier(0);
            assertTrue(m.stateDict().keySet().stream().noneMatch(k -> k.startsWith("classifier")));
        }
    }

    @Test
    void localDirWithHuggingFaceConfigLoadsExactly(@TempDir Path dir) throws Exception {
        Path folder = TinyBert.folder(dir.resolve("plain"), 4);
        GraftModel plain = Zoo.create("local-dir:" + folder);
        assertEquals(BertModels.architectureFor(TinyBert.config()), plain.cfg().architecture());
        assertTrue(((BertSentenceModel) plain).loadReport().isExact(), ((BertSentenceModel) plain).loadReport().summary());

        // A fine-tuned classifier folder (HF config with id2label + classifier.*) comes back with its labels and logits.
        GraftModel tuned = Zoo.create(TINY, CreateOptions.defaults().withSeed(5L).withNumClasses(2));
        Path out = dir.resolve("tuned");
        TinyBert.config().withLabels(List.of("neg", "pos")).write(out.resolve("config.json"));
        BertWeights.write(tuned.stateDict(), out.resolve("model.safetensors"));
        GraftModel back = Weights.load(out);
        assertEquals(List.of("neg", "pos"), back.cfg().labelNames());
        try (NDManager nd = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(nd, false);
            assertArrayEquals(tuned.forward(ps, ids(nd), false).toFloatArray(), back.forward(ps, ids(nd), false).toFloatArray(), 1e-5f);
        }
    }
}
