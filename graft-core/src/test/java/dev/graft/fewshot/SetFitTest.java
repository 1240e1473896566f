package dev.graft.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.text.TextData;
import dev.graft.text.TextEncoder;
import dev.graft.text.TextFineTunerTest;
import dev.graft.text.TextHead;
import dev.graft.zoo.bert.TinyBert;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetFitTest {
    @TempDir
    Path tmp;

    /** The first twelve texts of the fine-tuning tests' toy set: six animals, six tools. */
    static TextData toy() {
        TextData all = TextFineTunerTest.toy();
        return new TextData("toy", all.classNames(), all.texts().subList(0, 12), java.util.Arrays.copyOf(all.labels(), 12));
    }

    @Test
    void pairsAreSetFitsPositivesAndNegativesPerTextAndIteration() {
        int[] labels = {0, 0, 1, 1, 1, 2, 2};
        List<SetFit.Pair> pairs = SetFit.pairs(labels, List.of("a", "b", "c"), 3, 7);
        assertEquals(2 * labels.length * 3, pairs.size());
        for (int k = 0; k < pairs.size(); k++) {
            SetFit.Pair p = pairs.get(k);
            assertEquals((k / 2) % labels.length, p.first());
            if (k % 2 == 0) {
                assertEquals(1f, p.target());
                assertEquals(labels[p.first()], labels[p.second()]);
                assertNotEquals(p.first(), p.second());
            } else {
                assertEquals(0f, p.target());
                assertNotEquals(labels[p.first()], labels[p.second()]);
            }
        }
        assertEquals(pairs, SetFit.pairs(labels, List.of("a", "b", "c"), 3, 7));
        assertNotEquals(pairs, SetFit.pairs(labels, List.of("a", "b", "c"), 3, 8));
    }

    @Test
    void badSupportSetsFailInOneLineNamingTheLabels() {
        GraftException one = assertThrows(GraftException.class, () -> SetFit.pairs(new int[] {0, 0, 1}, List.of("pet", "tool"), 1, 1));
        assertTrue(one.getMessage().contains("labels [tool] have one example each"), one.getMessage());
        assertTrue(one.fix().contains("at least two examples per label"), one.fix());
        assertTrue(!one.oneLine().contains("\n"), one.oneLine());
        GraftException single = assertThrows(GraftException.class, () -> SetFit.pairs(new int[] {0, 0}, List.of("pet"), 1, 1));
        assertTrue(single.getMessage().contains("at least two labels"), single.getMessage());
        GraftException none = assertThrows(GraftException.class, () -> SetFit.pairs(new int[] {0, 0}, List.of("pet", "tool"), 1, 1));
        assertTrue(none.getMessage().contains("no examples for [tool]"), none.getMessage());
        GraftException shots = assertThrows(GraftException.class, () -> SetFit.checkShots(1));
        assertTrue(shots.getMessage().contains("at least 2 shots"), shots.getMessage());
        assertThrows(GraftException.class, () -> SetFit.Options.defaults().withNumIterations(0));
    }

    @Test
    void theLogisticHeadClassifiesASeparableToySet() {
        float[][] x = {{1, 0.1f}, {0.9f, -0.2f}, {1.2f, 0}, {-1, 0.2f}, {-0.8f, 0}, {-1.1f, -0.1f}, {0.1f, 1}, {0, 1.3f}};
        int[] y = {0, 0, 0, 1, 1, 1, 2, 2};
        TextHead head = SetFit.logisticHead(x, y, List.of("east", "west", "north"));
        assertEquals(1.0, head.accuracy(x, y));
        assertEquals(0, head.predict(new float[] {2, 0}));
        assertEquals(1, head.predict(new float[] {-2, 0}));
        assertEquals(2, head.predict(new float[] {0, 2}));
    }

    @Test
    void contrastiveTrainingLowersThePairLossAndTheHeadFitsTheSupport() throws Exception {
        Path dir = TinyBert.folder(tmp.resolve("tiny"), 3);
        TextData data = toy();
        try (TextEncoder enc = TextEncoder.open(dir.toString())) {
            float[] before = enc.model().stateDict().get("encoder.layer.0.output.dense.weight").getArray().toFloatArray();
            SetFit.Options o = new SetFit.Options(5, 2, 1e-3f, 8, 0.01f, 11);
            SetFit.Result r = SetFit.fit(enc, data, o);
            assertEquals(2 * 12 * 5, r.pairs());
            assertEquals(2 * (120 / 8), r.steps());
            assertTrue(r.lossAfter() < 0.7 * r.lossBefore(), "pair loss " + r.lossBefore() + " -> " + r.lossAfter());
            assertTrue(!java.util.Arrays.equals(before,
                    enc.model().stateDict().get("encoder.layer.0.output.dense.weight").getArray().toFloatArray()), "encoder unchanged");
            double acc = r.head().accuracy(enc.embed(data.texts()), data.labels());   // C = 1 regularises: not every support text
            assertTrue(acc >= 0.75, "support accuracy " + acc);
        }
    }

    @Test
    void episodesPutTheEncoderBackAfterEachEpisode() throws Exception {
        Path dir = TinyBert.folder(tmp.resolve("tiny-ep"), 4);
        TextData data = toy();
        try (TextEncoder enc = TextEncoder.open(dir.toString())) {
            float[][] start = enc.embed(data.texts());
            SetFit.Options o = new SetFit.Options(2, 1, 1e-3f, 4, 0.01f, 3);
            EpisodicEvaluation.Result r = SetFit.episodes(enc, data, 2, 2, 2, 2, 5, o);
            assertEquals(2, r.episodes());
            assertTrue(r.mean() >= 0 && r.mean() <= 1);
            float[][] end = enc.embed(data.texts());
            for (int i = 0; i < start.length; i++) {
                assertArrayEquals(start[i], end[i], 0f);
            }
        }
    }
}
