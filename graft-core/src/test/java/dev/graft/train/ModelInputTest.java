package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.Pixels;
import dev.graft.data.transform.Transforms;
import dev.graft.engine.Engines;
import dev.graft.multitask.MultiTaskData;
import dev.graft.multitask.TaskSpec;
import dev.graft.zoo.PretrainedCfg;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelInputTest {
    private static PretrainedCfg cfg(int c, int h, int w, String interpolation, double mean, double std) {
        return new PretrainedCfg("probe", null, 2, 4, null, List.of(c, h, w), interpolation, 1.0,
                java.util.Collections.nCopies(c, mean), java.util.Collections.nCopies(c, std), null, null, null, null, null);
    }

    private static ImageData images(String name, int n, int c, int h, int w, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] px = new float[n * c * h * w];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rng.nextDouble();
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
        }
        return new ImageData(name, List.of("a", "b"), c, h, w, px, labels);
    }

    @Test
    void describeSaysWhatIsDoneAndNothingWhenNothingChanges() {
        ImageData digits = images("digits", 3, 1, 8, 8, 1);
        assertEquals("digits 8x8 -> 28x28 bilinear, 1 channel", ModelInput.describe(digits, cfg(1, 28, 28, "bilinear", 0.5, 0.5)));
        assertEquals("digits 8x8 -> 28x28 bilinear, 1 channel", ModelInput.describe(digits, cfg(1, 28, 28, null, 0.5, 0.5)),
                "no interpolation in the config means bilinear");
        assertEquals("digits 8x8 -> 20x20 bilinear centred on 28x28, 1 channel",
                ModelInput.describe(digits, 20, cfg(1, 28, 28, "bilinear", 0.5, 0.5)));
        assertEquals("digits 8x8 -> 32x32 bicubic, grey -> 3 channels", ModelInput.describe(digits, cfg(3, 32, 32, "bicubic", 0.5, 0.25)));
        assertEquals("", ModelInput.describe(digits, cfg(1, 8, 8, "bilinear", 0.1, 0.3)), "normalisation alone is not reported");
        ImageData colour = images("photos", 2, 3, 28, 28, 2);
        assertEquals("photos 28x28, 3 channels -> grey (their mean)", ModelInput.describe(colour, cfg(1, 28, 28, "bilinear", 0.5, 0.5)));
        GraftException e = assertThrows(GraftException.class, () -> ModelInput.describe(images("four", 1, 4, 8, 8, 3), cfg(3, 8, 8, null, 0, 1)));
        assertTrue(e.getMessage().contains("4 channels"), e.getMessage());
    }

    @Test
    void prepareIsShapeThenNormalizeExactly() {
        Engines.pytorch();
        ImageData digits = images("digits", 4, 1, 8, 8, 4);
        for (PretrainedCfg cfg : List.of(cfg(1, 28, 28, "bilinear", 0.5, 0.5), cfg(3, 12, 10, "bicubic", 0.4, 0.2), cfg(1, 8, 8, null, 0.1, 0.3))) {
            TensorSet prepared = ModelInput.prepare(digits, cfg);
            ImageData shaped = ModelInput.shape(digits, cfg);
            assertEquals(cfg.inputSize(), List.of(shaped.channels(), shaped.height(), shaped.width()));
            try (NDManager nd = NDManager.newBaseManager()) {
                float[] viaBatch = ModelInput.normalize(shaped.images(nd, new int[] {0, 1, 2, 3}), cfg).toFloatArray();
                assertArrayEquals(prepared.values(), viaBatch, 0f, "the adapt/multitask path gives the same numbers as prepare");
            }
        }
        PretrainedCfg same = cfg(1, 8, 8, "bilinear", 0.5, 0.5);
        assertSame(digits, ModelInput.shape(digits, same), "nothing to change: the data itself");
    }

    @Test
    void theConfigsInterpolationIsUsed() {
        ImageData digits = images("digits", 2, 1, 8, 8, 5);
        ImageData bilinear = ModelInput.shape(digits, cfg(1, 20, 20, "bilinear", 0, 1));
        ImageData bicubic = ModelInput.shape(digits, cfg(1, 20, 20, "bicubic", 0, 1));
        ImageData nearest = ModelInput.shape(digits, cfg(1, 20, 20, "nearest", 0, 1));
        Pixels second = new Pixels(1, 8, 8, digits.image(1));
        assertArrayEquals(Transforms.resize(20, 20, "bicubic").apply(second, null).values(), bicubic.image(1), 0f);
        assertArrayEquals(Transforms.resize(20, 20, "nearest").apply(second, null).values(), nearest.image(1), 0f);
        float[] plane = new float[400];
        ModelInput.resize(digits.image(1), 0, 8, 8, plane, 20, 20);
        assertArrayEquals(plane, bilinear.image(1), 0f);
        assertNotEquals(bilinear.image(1)[45], bicubic.image(1)[45]);
        GraftException e = assertThrows(GraftException.class, () -> ModelInput.shape(digits, cfg(1, 20, 20, "lanczos", 0, 1)));
        assertTrue(e.getMessage().contains("lanczos"), e.getMessage());
    }

    @Test
    void multiTaskDataIsFittedByTheSameCode() {
        ImageData digits = images("digits", 3, 1, 8, 8, 6);
        MultiTaskData mt = new MultiTaskData("digits", 1, 8, 8, digits.pixels(), List.of(TaskSpec.classification("digit", List.of("a", "b"))),
                new float[][] {{0, 1, 0}}, null);
        PretrainedCfg cfg = cfg(3, 28, 28, "bilinear", 0.5, 0.5);
        MultiTaskData fitted = mt.fittedTo(cfg);
        ImageData shaped = ModelInput.shape(digits, cfg);
        assertEquals(3, fitted.channels());
        assertEquals(28, fitted.height());
        try (NDManager nd = NDManager.newBaseManager()) {
            int[] all = {0, 1, 2};
            assertArrayEquals(shaped.images(nd, all).toFloatArray(), fitted.images(nd, all).toFloatArray(), 0f);
        }
        assertSame(mt, mt.fittedTo(cfg(1, 8, 8, "bilinear", 0.5, 0.5)));
    }
}
