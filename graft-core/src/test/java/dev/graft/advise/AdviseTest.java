package dev.graft.advise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.engine.Engines;
import dev.graft.train.Strategy;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdviseTest {

    static float[][] gaussian(int n, int d, double shift, double scale, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) (shift + scale * r.nextGaussian());
            }
        }
        return x;
    }

    @Test
    void frechetIsZeroForIdenticalAndClosedFormForDiagonalGaussians() {
        FeatureStats a = FeatureStats.of(gaussian(400, 4, 0, 1, 1));
        assertEquals(0, Frechet.distance(a, a), 1e-8);
        // diagonal covariances: FD = |mu1-mu2|^2 + sum (s1 - s2)^2 with s the standard deviations
        double[][] c1 = {{4, 0}, {0, 1}};
        double[][] c2 = {{1, 0}, {0, 9}};
        FeatureStats p = new FeatureStats(new double[] {0, 0}, c1, 10);
        FeatureStats q = new FeatureStats(new double[] {1, 2}, c2, 10);
        assertEquals(1 + 4 + (2 - 1) * (2 - 1) + (1 - 3) * (1 - 3), Frechet.distance(p, q), 1e-9);
    }

    @Test
    void featureStatsRoundTrip(@TempDir Path dir) {
        Engines.pytorch();
        FeatureStats a = FeatureStats.of(gaussian(50, 3, 1, 2, 2));
        a.write(dir.resolve(FeatureStats.FILE));
        FeatureStats b = FeatureStats.read(dir.resolve(FeatureStats.FILE));
        assertEquals(a.count(), b.count());
        assertEquals(0, Frechet.distance(a, b), 1e-12);
        assertEquals(a.cov()[1][2], b.cov()[1][2], 0);
    }

    @Test
    void logmeMatchesTheReferenceAlgorithm() {
        // reference: the authors' SVD formulation in NumPy on the same inputs gives 4.992135524180569
        int n = 30;
        int d = 5;
        int[] labels = new int[n];
        float[][] f = new float[n][d];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < d; j++) {
                f[i][j] = (float) (Math.sin(0.37 * i + 1.3 * j) + (labels[i] == j % 3 ? 0.5 : 0.0));
            }
        }
        assertEquals(4.992135524180569, LogME.score(f, labels, 3), 1e-6);
    }

    @Test
    void logmePrefersInformativeFeatures() {
        int n = 200;
        int[] labels = new int[n];
        float[][] noise = gaussian(n, 6, 0, 1, 3);
        float[][] informative = gaussian(n, 6, 0, 0.3, 4);
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            informative[i][labels[i]] += 2;
        }
        assertTrue(LogME.score(informative, labels, 3) > LogME.score(noise, labels, 3));
    }

    @Test
    void leepIsZeroForAPerfectSourceAndLowerOtherwise() {
        float[][] perfect = {{1, 0}, {0, 1}, {1, 0}, {0, 1}};
        int[] y = {0, 1, 0, 1};
        assertEquals(0, Leep.score(perfect, y, 2), 1e-9);
        float[][] uniform = {{0.5f, 0.5f}, {0.5f, 0.5f}, {0.5f, 0.5f}, {0.5f, 0.5f}};
        assertEquals(Math.log(0.5), Leep.score(uniform, y, 2), 1e-6);
    }

    @Test
    void eachQuadrantMapsToItsStrategy() {
        assertEquals(Strategy.HEAD, Advisor.decide(10, 10, 1, 0.1, 1.0, Double.NaN, -0.5, 100, 4).strategy());
        Advice largeSimilar = Advisor.decide(1000, 900, 1, 0.1, 1.0, Double.NaN, -0.5, 3000, 4);
        assertEquals(Strategy.PARTIAL, largeSimilar.strategy());
        assertEquals(3, largeSimilar.freezeStages(), "stem + half of 4 stages");
        assertEquals(Strategy.SCRATCH, Advisor.decide(1000, 900, 50, 2.0, -1.0, Double.NaN, -2, 3000, 4).strategy());
        Advice smallDissimilar = Advisor.decide(10, 10, 50, 2.0, -1.0, Double.NaN, -2, 100, 4);
        assertEquals(Strategy.HEAD, smallDissimilar.strategy());
        assertTrue(smallDissimilar.small() && !smallDissimilar.similar());
        assertTrue(smallDissimilar.reason().contains("small and dissimilar"), smallDissimilar.reason());
        assertEquals(Strategy.SCRATCH, Advisor.decide(100, 100, 50, 0.5, 1.0, Double.NaN, -2, 1000, 4).strategy(), "thresholds are exclusive");
        assertEquals(Strategy.HEAD, Advisor.decide(99.9, 99, 0, 0.49, 1.0, Double.NaN, -2, 1000, 4).strategy());
        Advice noGain = Advisor.decide(10, 10, 50, 2.0, 0.1, 0.2, -2, 100, 4);
        assertEquals(Strategy.SCRATCH, noGain.strategy(), "dissimilar and no better than random features");
        assertEquals(Strategy.HEAD, Advisor.decide(10, 10, 50, 2.0, 0.3, 0.2, -2, 100, 4).strategy(), "dissimilar but better than random");
        assertEquals(Strategy.HEAD, Advisor.decide(10, 10, 1, 0.1, 0.1, 0.2, -2, 100, 4).strategy(), "similar data keeps the rule");
        Advice largeGain = Advisor.decide(1000, 900, 50, 2.0, 0.6, 0.35, -2, 3000, 4);
        assertEquals(Strategy.FULL, largeGain.strategy(), "large, dissimilar, but better than random features");
        assertTrue(largeGain.reason().contains("better than a randomly initialised"), largeGain.reason());
        assertEquals(Strategy.SCRATCH, Advisor.decide(1000, 900, 50, 2.0, 0.35, 0.35, -2, 3000, 4).strategy(), "no gain over random");
        assertEquals(Strategy.PARTIAL, Advisor.decide(1000, 900, 1, 0.1, 0.6, 0.35, -2, 3000, 4).strategy(), "similar data keeps the rule");
    }

    @Test
    void aLargeTransformerOnSmallToMediumDataGetsLora() {
        Advice smallSimilar = Advisor.decide(50, 50, 1, 0.1, 1.0, Double.NaN, -0.5, 400, 4);
        Advice lora = Advisor.decideLora(smallSimilar, 22_700_000, true);
        assertEquals(Strategy.LORA, lora.strategy(), "MiniLM-sized on 50 per class");
        assertTrue(lora.reason().contains("LoRA: a large transformer (22.7 million parameters") && lora.reason().contains("replaces head"), lora.reason());
        assertEquals(0, lora.freezeStages());
        assertEquals(Strategy.HEAD, Advisor.decideLora(smallSimilar, 5_700_000, true).strategy(), "a small model keeps the rule");
        assertEquals(Strategy.HEAD, Advisor.decideLora(smallSimilar, 86_000_000, false).strategy(), "no layers LoRA adapts (a CNN)");
        Advice medium = Advisor.decide(999, 900, 1, 0.1, 1.0, Double.NaN, -0.5, 3000, 4);
        assertEquals(Strategy.LORA, Advisor.decideLora(medium, 86_000_000, true).strategy(), "below the per-class threshold");
        Advice large = Advisor.decide(1000, 900, 1, 0.1, 1.0, Double.NaN, -0.5, 3000, 4);
        assertEquals(Strategy.PARTIAL, Advisor.decideLora(large, 86_000_000, true).strategy(), "thresholds are exclusive: large data keeps partial");
        Advice scratch = Advisor.decide(10, 10, 50, 2.0, 0.1, 0.2, -2, 100, 4);
        assertEquals(Strategy.SCRATCH, Advisor.decideLora(scratch, 86_000_000, true).strategy(), "features not worth keeping stay scratch");
    }
}
