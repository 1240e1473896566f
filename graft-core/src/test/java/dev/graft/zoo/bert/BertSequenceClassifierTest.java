package dev.graft.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.engine.Engines;
import dev.graft.text.TextEncoder;
import dev.graft.util.Json;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * transformers' sequence classifiers (numbers against PyTorch: conformance/text-families.sh): a
 * config.json naming {@code BertForSequenceClassification}, {@code RobertaForSequenceClassification}
 * or {@code DistilBertForSequenceClassification} is created with transformers' keys, its classes
 * from {@code id2label}, exports back in the same layout, and its encoder serves as a sentence encoder.
 */
@Tag("numerics")
class BertSequenceClassifierTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    private static BertConfig config(String type) {
        BertConfig bert = BertConfig.of(16, 2, 2, 32, 64, 30522, 2, true);
        String arch = switch (type) {
            case "roberta" -> "RobertaForSequenceClassification";
            case "distilbert" -> "DistilBertForSequenceClassification";
            default -> "BertForSequenceClassification";
        };
        return new BertConfig(List.of(arch), type, 16, 2, 2, 32, type.equals("roberta") ? 66 : 64, 30522, type.equals("bert") ? 2 : 1,
                1e-12, "gelu", 0.1, 0.1, type.equals("roberta") ? 1 : 0, true, null).withLabels(List.of("neg", "pos", "neutral"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "roberta", "distilbert"})
    void aTransformersClassifierFolderRoundTrips(String type) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(type));
        config(type).write(dir.resolve("config.json"));
        // Seeded weights under transformers' keys, as the classifier itself names them.
        GraftModel made = Zoo.create(BertModels.sequenceClassifierFor(config(type)), CreateOptions.defaults().withSeed(3).withNumClasses(3));
        Weights.save(made, dir, made.cfg());
        config(type).write(dir.resolve("config.json"));

        GraftModel m = Zoo.create("local-dir:" + dir);
        assertInstanceOf(BertSequenceClassifier.class, m);
        assertEquals(List.of("neg", "pos", "neutral"), m.cfg().labelNames());
        assertTrue(((ModelBase) m).loadReport().isExact(), ((ModelBase) m).loadReport().summary());
        List<String> keys = List.copyOf(m.stateDict().keySet());
        assertEquals(type + ".embeddings.word_embeddings.weight", keys.get(0));
        Map<String, List<String>> head = Map.of("bert", List.of("bert.pooler.dense.bias", "classifier.weight", "classifier.bias"),
                "roberta", List.of("classifier.dense.weight", "classifier.dense.bias", "classifier.out_proj.weight", "classifier.out_proj.bias"),
                "distilbert", List.of("pre_classifier.weight", "pre_classifier.bias", "classifier.weight", "classifier.bias"));
        assertEquals(head.get(type), keys.subList(keys.size() - head.get(type).size(), keys.size()));
        assertFalse(keys.stream().anyMatch(k -> !type.equals("bert") && k.contains("pooler")), "only BERT's classifier has a pooler");

        // Export: transformers' config.json naming the same head, and the same logits after reloading.
        Path export = tmp.resolve(type + "-export");
        Weights.save(m, export, m.cfg());
        Map<?, ?> written = Json.MAPPER.readValue(export.resolve("config.json").toFile(), Map.class);
        assertEquals(config(type).architectures(), written.get("architectures"));
        assertEquals(Map.of("0", "neg", "1", "pos", "2", "neutral"), written.get("id2label"));
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray ids = nd.create(new long[][] {{101, 2023, 2003, 102, 0, 0}, {101, 7592, 2088, 999, 2023, 102}});
            if (type.equals("roberta")) {
                ids = ids.add(2);  // keep the padding id (1) out of the tokens
            }
            float[] before = ((ModelBase) m).predict(ids).toFloatArray();
            float[] after = ((ModelBase) Zoo.create("local-dir:" + export)).predict(ids).toFloatArray();
            assertEquals(6, before.length);
            assertArrayEquals(before, after, 1e-6f);
        }

        // A new head of another size replaces only the last linear layer, as transformers' ignore_mismatched_sizes.
        GraftModel five = Zoo.create("local-dir:" + dir, CreateOptions.defaults().withNumClasses(5).withSeed(1));
        assertEquals(5, five.numClasses());
        assertTrue(((ModelBase) five).loadReport().skipped().stream().allMatch(k -> k.startsWith(BertSequenceClassifier.classifierName(config(type)) + ".")),
                ((ModelBase) five).loadReport().summary());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert", "roberta"})
    void theEncoderOfAClassifierIsASentenceEncoder(String type) throws Exception {
        Path dir = TinyBert.folder(tmp.resolve(type + "-cls"), 4);
        GraftModel made = Zoo.create(BertModels.sequenceClassifierFor(config(type)), CreateOptions.defaults().withSeed(4).withNumClasses(3));
        Weights.save(made, dir, made.cfg());
        try (TextEncoder enc = TextEncoder.load(dir, "cls")) {
            float[] v = enc.embed(List.of("a short text"))[0];
            assertEquals(16, v.length);
            assertArrayEquals(((BertSequenceClassifier) made).bert().stateDict().get("embeddings.word_embeddings.weight").getArray().toFloatArray(),
                    enc.model().stateDict().get("embeddings.word_embeddings.weight").getArray().toFloatArray(), "the encoder behind base_model_prefix");
        }
    }
}
