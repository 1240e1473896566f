package dev.graft.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Softmax against values worked out by hand (torch.softmax gives the same). */
class SoftmaxTest {
    @Test
    void givesProbabilitiesAndIgnoresAShiftOfAllScores() {
        double e = Math.E;
        double[] expected = {1 / (1 + e + e * e), e / (1 + e + e * e), e * e / (1 + e + e * e)};
        assertArrayEquals(expected, Softmax.of(new double[] {0, 1, 2}), 1e-12);
        assertArrayEquals(expected, Softmax.of(new float[] {1000, 1001, 1002}), 1e-12, "large logits do not overflow");
        assertArrayEquals(new double[] {0.5, 0.5}, Softmax.of(new double[] {-3, -3}), 1e-15);
    }
}
