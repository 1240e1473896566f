package dev.graft.zoo.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Zoo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** timm's stochastic depth: per-sample drops in training only, rates rising over the blocks. */
class DropPathTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    @Test
    void ratesRiseLinearlyAsTimmsLinspace() {
        assertArrayEquals(new double[] {0, 0.025, 0.05, 0.075, 0.1}, DropPath.rates(0.1, 5), 1e-12);
        assertArrayEquals(new double[] {0}, DropPath.rates(0.3, 1), 0);
    }

    @Test
    void eachSampleIsKeptWholeAndScaledOrDropped() {
        try (NDManager nd = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            NDArray x = nd.ones(new Shape(2000, 3, 2));
            assertEquals(x, DropPath.apply(x, 0.25, false), "inference: the identity");
            float[] y = DropPath.apply(x, 0.25, true).toFloatArray();
            int dropped = 0;
            for (int n = 0; n < 2000; n++) {
                float first = y[n * 6];
                for (int i = 1; i < 6; i++) {
                    assertEquals(first, y[n * 6 + i], "one draw per sample");
                }
                assertTrue(first == 0f || Math.abs(first - 1 / 0.75f) < 1e-6, "kept samples scaled by 1/keep: " + first);
                dropped += first == 0f ? 1 : 0;
            }
            assertTrue(dropped > 400 && dropped < 600, dropped + " of 2000 dropped at 0.25");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit_tiny_patch16_224", "convnext_tiny", "efficientnet_b0", "mobilenetv3_small_100"})
    void inferenceIgnoresItAndTrainingPassesDraw(String arch) {
        int size = arch.startsWith("vit") ? 224 : 64;
        GraftModel plain = Zoo.create(arch, CreateOptions.defaults().withNumClasses(3).withSeed(5));
        GraftModel deep = Zoo.create(arch, CreateOptions.defaults().withNumClasses(3).withSeed(5).withDropPathRate(0.5));
        try (NDManager nd = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray x = nd.randomNormal(new Shape(4, 3, size, size));
            assertArrayEquals(((ModelBase) plain).predict(x).toFloatArray(), ((ModelBase) deep).predict(x).toFloatArray(), 1e-5f);
            float[] a = deep.forward(null, x, true).toFloatArray();
            float[] b = deep.forward(null, x, true).toFloatArray();
            assertFalse(java.util.Arrays.equals(a, b), "two training passes draw other blocks to drop");
        }
    }

    @Test
    void ratesOutsideZeroToOneAreRefused() {
        GraftException e = assertThrows(GraftException.class, () -> CreateOptions.defaults().withDropPathRate(1.0));
        assertTrue(e.getMessage().contains("drop_path_rate must be in [0, 1)"), e.getMessage());
    }
}
