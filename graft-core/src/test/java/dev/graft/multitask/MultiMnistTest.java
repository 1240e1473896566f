package dev.graft.multitask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MultiMNIST generation on synthetic 28x28 "digits" (random sparse strokes, each labelled by its index % 10). */
class MultiMnistTest {

    static ImageData fakeDigits(int n, long seed) {
        Random rnd = new Random(seed);
        float[] px = new float[n * 784];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int k = 0; k < 60; k++) {
                px[i * 784 + rnd.nextInt(784)] = (1 + rnd.nextInt(255)) / 255f;
            }
        }
        List<String> names = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            names.add(Integer.toString(d));
        }
        return new ImageData("fake", names, 1, 28, 28, px, labels);
    }

    @Test
    void sameSeedSameImagesOtherSeedOtherImages() {
        ImageData base = fakeDigits(30, 1);
        MultiTaskData a = MultiMnist.generate(base, 50, 7);
        MultiTaskData b = MultiMnist.generate(base, 50, 7);
        MultiTaskData c = MultiMnist.generate(base, 50, 8);
        assertArrayEquals(a.pixels(), b.pixels());
        assertFalse(Arrays.equals(a.pixels(), c.pixels()));
        assertEquals(List.of("left", "right"), a.tasks().stream().map(TaskSpec::name).toList());
        assertEquals(36, a.height());
        assertEquals(36, a.width());
        assertEquals(50, a.size());
    }

    @Test
    void labelsAreTheDigitsDrawnTopLeftAndBottomRight() {
        ImageData base = fakeDigits(25, 3);
        MultiTaskData m = MultiMnist.generate(base, 40, 11);
        for (int i = 0; i < m.size(); i++) {
            // The left digit is base digit i % 25, so its label is known exactly.
            assertEquals(base.label(i % 25), (int) m.target(0, i));
            // Some placement of some base digit with the right label, plus the left digit at some allowed
            // placement, must reproduce the image exactly.
            boolean found = false;
            for (int r = 0; r < base.size() && !found; r++) {
                if (base.label(r) != (int) m.target(1, i)) {
                    continue;
                }
                for (int la = 0; la <= 4 && !found; la++) {
                    for (int lb = 0; lb <= 4 && !found; lb++) {
                        for (int ra = 4; ra <= 8 && !found; ra++) {
                            for (int rb = 4; rb <= 8 && !found; rb++) {
                                found = Arrays.equals(compose(base, i % 25, la, lb, r, ra, rb), m.image(i));
                            }
                        }
                    }
                }
            }
            assertTrue(found, "sample " + i + " is not left digit + a right digit labelled " + m.target(1, i));
        }
    }

    private static float[] compose(ImageData base, int left, int la, int lb, int right, int ra, int rb) {
        float[] out = new float[36 * 36];
        float[] l = base.image(left);
        float[] r = base.image(right);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                out[(la + y) * 36 + lb + x] = Math.max(out[(la + y) * 36 + lb + x], l[y * 28 + x]);
                out[(ra + y) * 36 + rb + x] = Math.max(out[(ra + y) * 36 + rb + x], r[y * 28 + x]);
            }
        }
        return out;
    }

    @Test
    void digitsMustBe28By28() {
        ImageData wrong = new ImageData("w", List.of("a", "b"), 1, 8, 8, new float[64], new int[] {0});
        assertThrows(GraftException.class, () -> MultiMnist.generate(wrong, 1, 1));
    }

    @Test
    void cacheFileRoundTripsImagesLabelsAndMasks(@TempDir Path dir) {
        MultiTaskData m = MultiMnist.generate(fakeDigits(20, 5), 30, 2).withMissingLabels("right", 0.5, 3);
        MultiTaskFiles.write(dir.resolve("x.bin.gz"), m);
        MultiTaskData back = MultiTaskFiles.read(dir.resolve("x.bin.gz"));
        assertArrayEquals(m.pixels(), back.pixels(), 1e-7f);
        assertEquals(m.tasks(), back.tasks());
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < m.size(); i++) {
                assertEquals(m.hasLabel(t, i), back.hasLabel(t, i));
                assertEquals(m.target(t, i), back.target(t, i));
            }
        }
        assertTrue(back.labelledCount(1) < 30 && back.labelledCount(0) == 30);
    }

    @Test
    void mnistTasksDeriveParityAndGreaterThanFour() {
        MultiTaskData m = MnistTasks.fromDigits(fakeDigits(10, 1));
        assertEquals(List.of("digit", "parity", "greater_than_4"), m.tasks().stream().map(TaskSpec::name).toList());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, (int) m.target(0, i));
            assertEquals(i % 2, (int) m.target(1, i));
            assertEquals(i > 4 ? 1 : 0, (int) m.target(2, i));
        }
    }

    @Test
    void carvingIsDeterministicAndDisjoint() {
        MultiTaskData m = MultiMnist.generate(fakeDigits(20, 5), 40, 2);
        MultiTaskData[] a = MultiTaskFiles.carve(m, 10, 9);
        MultiTaskData[] b = MultiTaskFiles.carve(m, 10, 9);
        assertEquals(30, a[0].size());
        assertEquals(10, a[1].size());
        assertArrayEquals(a[1].pixels(), b[1].pixels());
    }
}
