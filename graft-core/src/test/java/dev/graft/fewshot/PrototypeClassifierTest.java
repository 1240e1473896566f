package dev.graft.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrototypeClassifierTest {
    @Test
    void nearestClassMeanDecides() {
        float[][] support = {{0, 0}, {2, 0}, {10, 10}, {12, 10}, {12, 12}};
        int[] labels = {0, 0, 1, 1, 1};
        PrototypeClassifier p = PrototypeClassifier.fit(support, labels, List.of("low", "high"));
        assertArrayEquals(new int[] {2, 3}, p.shots());
        // prototypes (1, 0) and (11.333, 10.667)
        assertArrayEquals(new float[] {-1f, (float) -(Math.pow(11.333333, 2) + Math.pow(10.666667, 2))}, p.scores(new float[] {0, 0}), 1e-3f);
        assertEquals(0, p.predict(new float[] {5, 4}));
        assertEquals(1, p.predict(new float[] {7, 6}));
        assertEquals("high", p.rank(new float[] {9, 9}).get(0).label());
    }

    @Test
    void classesWithoutExamplesAreNamed() {
        GraftException e = assertThrows(GraftException.class,
                () -> PrototypeClassifier.fit(new float[][] {{1}}, new int[] {0}, List.of("a", "b", "c")));
        assertTrue(e.getMessage().contains("[b, c]"), e.getMessage());
        assertThrows(GraftException.class, () -> PrototypeClassifier.fit(new float[][] {{1}}, new int[] {5}, List.of("a")));
    }

    @Test
    void confidenceIntervalIsOnePointNineSixStandardErrors() {
        EpisodicEvaluation.Result r = EpisodicEvaluation.summarize(5, 1, 15, new double[] {0.5, 0.7, 0.6, 0.8});
        assertEquals(0.65, r.mean(), 1e-12);
        double std = Math.sqrt((0.0225 + 0.0025 + 0.0025 + 0.0225) / 3);
        assertEquals(std, r.std(), 1e-12);
        assertEquals(1.96 * std / 2, r.ci95(), 1e-12);
    }

    @Test
    void episodesOnSeparableClustersAreNearlyPerfectAndOnNoiseNearChance() {
        Random rnd = new Random(3);
        int classes = 10;
        int per = 30;
        float[][] clustered = new float[classes * per][];
        float[][] noise = new float[classes * per][];
        int[] labels = new int[classes * per];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < per; i++) {
                int k = c * per + i;
                labels[k] = c;
                clustered[k] = new float[8];
                noise[k] = new float[8];
                for (int j = 0; j < 8; j++) {
                    clustered[k][j] = (j == c % 8 ? 5f : 0f) + (c >= 8 && j == 0 ? -5f : 0f) + (c >= 8 ? 3f * (c - 7) : 0) * (j == 7 ? 1 : 0)
                            + (float) rnd.nextGaussian() * 0.3f;
                    noise[k][j] = (float) rnd.nextGaussian();
                }
            }
        }
        EpisodicEvaluation.Result good = EpisodicEvaluation.run(clustered, labels, 5, 1, 15, 200, 7);
        assertEquals(200, good.episodes());
        assertTrue(good.mean() > 0.95, "clustered " + good.mean());
        EpisodicEvaluation.Result chance = EpisodicEvaluation.run(noise, labels, 5, 5, 15, 200, 7);
        assertTrue(Math.abs(chance.mean() - 0.2) < 0.05, "noise " + chance.mean());
        assertTrue(chance.ci95() > 0 && chance.ci95() < 0.02, "ci " + chance.ci95());
        assertThrows(GraftException.class, () -> EpisodicEvaluation.run(clustered, labels, 11, 1, 15, 10, 1));
        assertThrows(GraftException.class, () -> EpisodicEvaluation.run(clustered, labels, 5, 20, 15, 10, 1));
    }
}
