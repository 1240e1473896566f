package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.train.Strategy;
import dev.graft.zoo.bert.TinyBert;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class TextFineTunerTest {
    @TempDir
    Path tmp;

    /** Eight animals and eight tools, alternating (also SetFit's toy support set). */
    public static TextData toy() {
        List<String> texts = new ArrayList<>();
        int[] labels = new int[16];
        String[] animals = {"a cat", "a dog", "a horse", "a cow", "a bird", "a fish", "a lion", "a wolf"};
        String[] tools = {"a hammer", "a saw", "a drill", "a wrench", "a chisel", "a screwdriver", "a spanner", "a file"};
        for (int i = 0; i < 8; i++) {
            texts.add(animals[i]);
            labels[2 * i] = 0;
            texts.add(tools[i]);
            labels[2 * i + 1] = 1;
        }
        return new TextData("toy", List.of("animal", "tool"), texts, labels);
    }

    @Test
    void partialTrainsOnlyTheTopLayersAndTheHeadAndTheLossFalls() throws Exception {
        Path dir = TinyBert.folder(tmp.resolve("tiny"), 3);
        TextData data = toy();
        try (TextEncoder enc = TextEncoder.open(dir.toString())) {
            float[] bottom = enc.model().stateDict().get("encoder.layer.0.output.dense.weight").getArray().toFloatArray();
            float[] top = enc.model().stateDict().get("encoder.layer.1.output.dense.weight").getArray().toFloatArray();
            TextFineTuner.Options o = new TextFineTuner.Options(Strategy.PARTIAL, 25, 1e-2f, 0.3f, 16, 1, 0.01f, 5);
            TextFineTuner.Result r = TextFineTuner.fit(enc, data, null, o, null, null);
            assertEquals(25, r.history().size());
            double first = r.history().get(0).trainLoss();
            double last = r.history().get(24).trainLoss();
            assertTrue(last < first - 0.05, "loss " + first + " -> " + last);
            assertArrayEquals(bottom, enc.model().stateDict().get("encoder.layer.0.output.dense.weight").getArray().toFloatArray(), 0f);
            float[] after = enc.model().stateDict().get("encoder.layer.1.output.dense.weight").getArray().toFloatArray();
            assertTrue(!java.util.Arrays.equals(top, after), "top layer unchanged");
            // Only layer 1 (of 2) and the head: 16*16*4+16*4 + 32 + 16*32+32 + 32*16+16 + 32 + head 2*16+2
            assertEquals(4 * (256 + 16) + 32 + 544 + 528 + 32 + 34, r.trainedParameters());

            Path saved = tmp.resolve("saved");
            TextClassifierFiles.save(enc, r.head(), saved, TextClassifierFiles.card("tiny", "toy", "partial", 1.0, 16, 5));
            float[][] v = enc.embed(data.texts());
            try (TextEncoder again = TextEncoder.load(saved, "saved")) {
                TextHead head = TextClassifierFiles.loadHead(saved);
                assertEquals(List.of("animal", "tool"), head.classNames());
                float[][] w = again.embed(data.texts());
                for (int i = 0; i < v.length; i++) {
                    assertArrayEquals(v[i], w[i], 1e-6f);
                    assertEquals(r.head().predict(v[i]), head.predict(w[i]));
                }
            }
        }
    }

    @Test
    void aDivergingRunFailsInsteadOfReturningAHead() throws Exception {
        Path dir = TinyBert.folder(tmp.resolve("tiny-nan"), 6);
        try (TextEncoder enc = TextEncoder.open(dir.toString())) {
            TextFineTuner.Options o = new TextFineTuner.Options(Strategy.FULL, 3, 1e30f, 1e30f, 16, 0, 0.01f, 5);
            GraftException e = assertThrows(GraftException.class, () -> TextFineTuner.fit(enc, toy(), null, o, null, null));
            assertTrue(e.getMessage().contains("training diverged"), e.getMessage());
        }
    }

    @Test
    void fullTrainsEveryParameterIncludingEmbeddings() throws Exception {
        Path dir = TinyBert.folder(tmp.resolve("tiny-full"), 4);
        try (TextEncoder enc = TextEncoder.open(dir.toString())) {
            float[] before = enc.model().stateDict().get("embeddings.LayerNorm.weight").getArray().toFloatArray();
            TextFineTuner.Options o = new TextFineTuner.Options(Strategy.FULL, 2, 1e-2f, 1e-1f, 16, 0, 0.01f, 5);
            TextFineTuner.Result r = TextFineTuner.fit(enc, toy(), toy(), o, null, null);
            long all = 2 * 16 + 2;
            for (ai.djl.nn.Parameter p : enc.model().stateDict().values()) {
                all += p.getArray().size();
            }
            assertEquals(all, r.trainedParameters());
            assertTrue(!java.util.Arrays.equals(before,
                    enc.model().stateDict().get("embeddings.LayerNorm.weight").getArray().toFloatArray()), "embeddings unchanged");
            assertTrue(!Double.isNaN(r.history().get(1).validationAccuracy()));
        }
    }

    @Test
    void headOnCachedVectorsLearnsASeparableProblem() {
        float[][] x = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}};
        int[] y = {0, 0, 1, 1};
        TextFineTuner.Options o = TextFineTuner.Options.defaults(Strategy.HEAD).withEpochs(40);
        TextFineTuner.Result r = TextFineTuner.fitHead(x, y, List.of("a", "b"), x, y, o, null, null);
        assertEquals(1.0, r.head().accuracy(x, y));
        assertEquals(1.0, r.history().get(39).validationAccuracy());
        assertEquals(6, r.trainedParameters());
    }

    @Test
    void invalidOptionsAreExplained() {
        assertThrows(GraftException.class, () -> new TextFineTuner.Options(Strategy.PARTIAL, 1, 1e-4f, 1e-3f, 8, 0, 0, 1));
        assertThrows(GraftException.class, () -> new TextFineTuner.Options(Strategy.FULL, 0, 1e-4f, 1e-3f, 8, 0, 0, 1));
        assertThrows(GraftException.class, () -> TextFineTuner.parseStrategy("everything"));
        assertThrows(GraftException.class, () -> TextFineTuner.parseStrategy("scratch"), "the image verbs' strategies are not the text encoder's");
        assertThrows(GraftException.class, () -> new TextFineTuner.Options(Strategy.AUTO, 1, 1e-4f, 1e-3f, 8, 0, 0, 1));
        assertEquals(Strategy.PARTIAL, TextFineTuner.parseStrategy("Partial"));
        assertEquals(2, TextFineTuner.layerIndex("encoder.layer.2.attention.self.query.weight"));
        assertEquals(-1, TextFineTuner.layerIndex("embeddings.word_embeddings.weight"));
    }
}
