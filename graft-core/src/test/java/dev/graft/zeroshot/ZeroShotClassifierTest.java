package dev.graft.zeroshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZeroShotClassifierTest {
    /** Fixed, unnormalised vectors per prompt, so the class vectors can be computed by hand. */
    static final Map<String, float[]> VECTORS = Map.of(
            "cat", new float[] {3, 0, 0},
            "a photo of cat", new float[] {0, 4, 0},
            "dog", new float[] {0, 0, 2},
            "a photo of dog", new float[] {0, 0, 5});

    static float[][] embed(List<String> texts) {
        List<float[]> out = new ArrayList<>();
        for (String t : texts) {
            out.add(VECTORS.get(t));
        }
        return out.toArray(new float[0][]);
    }

    @Test
    void classVectorIsTheNormalisedMeanOfNormalisedTemplateVectors() {
        ZeroShotClassifier zs = ZeroShotClassifier.build(ZeroShotClassifierTest::embed, List.of("cat", "dog"), null,
                List.of("{}", "a photo of {}"));
        float s = (float) (1 / Math.sqrt(2));
        assertArrayEquals(new float[] {s, s, 0}, zs.weights()[0], 1e-6f);
        assertArrayEquals(new float[] {0, 0, 1}, zs.weights()[1], 1e-6f);
        float[] scores = zs.scores(new float[] {10, 0, 0});
        assertArrayEquals(new float[] {s, 0}, scores, 1e-6f);
        assertEquals(1, zs.predict(new float[] {0.1f, 0, 1}));
        assertEquals("dog", zs.rank(new float[] {0, 0.2f, 1}).get(0).label());
        assertEquals(0.5, zs.accuracy(new float[][] {{1, 1, 0}, {1, 0, 0}}, new int[] {0, 1}), 1e-9);
    }

    @Test
    void descriptionsReplaceLabelsInPrompts() {
        ZeroShotClassifier zs = ZeroShotClassifier.build(ZeroShotClassifierTest::embed, List.of("feline", "canine"),
                List.of("cat", "dog"), List.of("{}"));
        assertEquals("feline", zs.rank(new float[] {1, 0, 0}).get(0).label());
    }

    @Test
    void badInputIsExplained() {
        assertThrows(GraftException.class, () -> ZeroShotClassifier.build(ZeroShotClassifierTest::embed, List.of(), null, List.of("{}")));
        assertThrows(GraftException.class, () -> ZeroShotClassifier.build(ZeroShotClassifierTest::embed, List.of("cat"), null,
                List.of("no placeholder")));
        assertThrows(GraftException.class, () -> ZeroShotClassifier.build(ZeroShotClassifierTest::embed, List.of("cat", "dog"),
                List.of("cat"), List.of("{}")));
        ZeroShotClassifier zs = ZeroShotClassifier.build(ZeroShotClassifierTest::embed, List.of("cat"), null, List.of("{}"));
        assertThrows(GraftException.class, () -> zs.scores(new float[] {1, 2}));
    }
}
