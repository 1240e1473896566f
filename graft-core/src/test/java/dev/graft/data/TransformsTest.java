package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.transform.Transform;
import dev.graft.data.transform.Transforms;
import dev.graft.zoo.PretrainedCfg;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransformsTest {
    private static Pixels ramp(int c, int h, int w) {
        float[] v = new float[c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return new Pixels(c, h, w, v);
    }

    @Test
    void bilinearUpscaleMatchesPyTorch() {
        // torch.nn.functional.interpolate([[0,1],[2,3]], size=(4,4), mode="bilinear", align_corners=False)
        Pixels out = Transforms.resize(4, 4).apply(ramp(1, 2, 2), null);
        float[] expect = {
            0.0f, 0.25f, 0.75f, 1.0f,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2.0f, 2.25f, 2.75f, 3.0f};
        assertArrayEquals(expect, out.values(), 1e-6f);
    }

    @Test
    void bilinearDownscaleSamplesAtPixelCentres() {
        // v(y, x) = 4y + x is linear, so bilinear sampling returns 4*sy + sx exactly, with
        // sy = (o + 0.5) * 2 - 0.5 and sx = (o + 0.5) * 4/3 - 0.5.
        Pixels out = Transforms.resize(2, 3).apply(ramp(1, 4, 4), null);
        float[] expect = {2f + 1f / 6, 3.5f, 4f + 5f / 6, 10f + 1f / 6, 11.5f, 12f + 5f / 6};
        assertArrayEquals(expect, out.values(), 1e-5f);
    }

    @Test
    void bicubicKeepsConstantsAndLinearRampsInTheInterior() {
        Pixels flat = Transforms.resize(5, 7, "bicubic").apply(new Pixels(1, 3, 3, new float[] {2, 2, 2, 2, 2, 2, 2, 2, 2}), null);
        for (float v : flat.values()) {
            assertEquals(2f, v, 1e-5f);
        }
        // 8x8 ramp 8y + x down to 4x4: output 1 and 2 sample 2.5 and 4.5, whose 4 taps are inside
        Pixels out = Transforms.resize(4, 4, "bicubic").apply(ramp(1, 8, 8), null);
        assertEquals(8 * 2.5f + 2.5f, out.get(0, 1, 1), 1e-4f);
        assertEquals(8 * 4.5f + 2.5f, out.get(0, 2, 1), 1e-4f);
        assertEquals(8 * 2.5f + 4.5f, out.get(0, 1, 2), 1e-4f);
    }

    @Test
    void nearestPicksFloorOfScaledIndex() {
        Pixels out = Transforms.resize(2, 4, "nearest").apply(ramp(1, 2, 2), null);
        assertArrayEquals(new float[] {0, 0, 1, 1, 2, 2, 3, 3}, out.values());
        assertThrows(GraftException.class, () -> Transforms.resize(2, 2, "lanczos"));
    }

    @Test
    void resizeShorterKeepsAspect() {
        Pixels out = Transforms.resizeShorter(4).apply(ramp(3, 8, 12), null);
        assertEquals(3, out.channels());
        assertEquals(4, out.height());
        assertEquals(6, out.width());
    }

    @Test
    void centerCropRoundsHalvesToEvenAsTorchvision() {
        // 5 -> 2: offset round(1.5) = 2 in Python
        Pixels out = Transforms.centerCrop(2, 2).apply(ramp(1, 5, 5), null);
        assertArrayEquals(new float[] {12, 13, 17, 18}, out.values());
        Pixels pad = Transforms.centerCrop(4, 4).apply(ramp(1, 2, 2), null);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 3, 0, 0, 0, 0, 0}, pad.values());
    }

    @Test
    void randomCropIsAWindowOfThePaddedImageAndRepeatsForASeed() {
        Pixels in = ramp(1, 4, 4);
        Transform t = Transforms.randomCrop(4, 4, 1);
        Set<String> seen = new HashSet<>();
        for (int s = 0; s < 40; s++) {
            Pixels a = t.apply(in, new Random(s));
            Pixels b = t.apply(in, new Random(s));
            assertArrayEquals(a.values(), b.values());
            seen.add(java.util.Arrays.toString(a.values()));
            // every non-zero value sits at its source position shifted by one offset
            int dy = Integer.MIN_VALUE;
            int dx = Integer.MIN_VALUE;
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    float v = a.get(0, y, x);
                    if (v > 0) {
                        int sy = (int) v / 4;
                        int sx = (int) v % 4;
                        if (dy == Integer.MIN_VALUE) {
                            dy = sy - y;
                            dx = sx - x;
                        }
                        assertEquals(dy, sy - y);
                        assertEquals(dx, sx - x);
                    }
                }
            }
            assertTrue(Math.abs(dy) <= 1 && Math.abs(dx) <= 1);
        }
        assertEquals(9, seen.size(), "3 x 3 offsets should all occur");
    }

    @Test
    void flipMirrorsRowsAndRespectsProbability() {
        Pixels out = Transforms.horizontalFlip(1.0).apply(ramp(2, 2, 3), new Random(1));
        assertArrayEquals(new float[] {2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9}, out.values());
        Pixels same = Transforms.horizontalFlip(0.0).apply(ramp(1, 2, 3), new Random(1));
        assertArrayEquals(ramp(1, 2, 3).values(), same.values());
    }

    @Test
    void grayToRgbAndNormalize() {
        Pixels rgb = Transforms.grayscaleToRgb().apply(new Pixels(1, 1, 2, new float[] {0.5f, 1f}), null);
        assertArrayEquals(new float[] {0.5f, 1f, 0.5f, 1f, 0.5f, 1f}, rgb.values());
        Pixels n = Transforms.normalize(new double[] {0.5, 0.0, 1.0}, new double[] {0.25, 2.0, 0.5}).apply(rgb, null);
        assertArrayEquals(new float[] {0f, 2f, 0.25f, 0.5f, -1f, 0f}, n.values(), 1e-6f);
        GraftException e = assertThrows(GraftException.class,
                () -> Transforms.normalize(new double[] {0, 0, 0}, new double[] {1, 1, 1}).apply(new Pixels(1, 1, 1, new float[1]), null));
        assertTrue(e.fix().contains("grayscaleToRgb"), e.oneLine());
    }

    @Test
    void evalForFollowsTheConfig() {
        PretrainedCfg cfg = new PretrainedCfg("resnet18", null, 10, 512, null, List.of(3, 4, 4), "bilinear", 0.5,
                List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5), "conv1", "fc", null, null, null);
        Pixels out = Transforms.evalFor(cfg).apply(new Pixels(1, 2, 2, new float[] {1, 1, 1, 1}), null);
        assertEquals(3, out.channels());
        assertEquals(4, out.height());
        assertEquals(4, out.width());
        for (float v : out.values()) {
            assertEquals(1f, v, 1e-6f); // (1 - 0.5) / 0.5
        }
    }

    @Test
    void applyAllTransformsEveryImage() {
        ImageData d = TestFiles.tiny(new int[] {0, 1, 1}, 2);
        ImageData big = Transforms.applyAll(d, Transforms.compose(Transforms.grayscaleToRgb(), Transforms.resize(4, 4)), 0);
        assertEquals(3, big.channels());
        assertEquals(4, big.height());
        assertEquals(3, big.size());
        assertEquals(2f / 3, big.image(2)[47], 1e-6f);
        assertArrayEquals(d.labels(), big.labels());
        assertNotEquals(d.pixels().length, big.pixels().length);
    }
}
