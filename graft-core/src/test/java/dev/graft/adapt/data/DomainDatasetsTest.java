package dev.graft.adapt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.TestHome;
import dev.graft.data.DataSplits;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DomainDatasetsTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @Test
    void printedDigitsAreDeterministicBalancedAndCached() throws Exception {
        Path dejavu = PrintedDigitsSource.SYSTEM_FONTS.resolve("truetype").resolve("dejavu");
        PrintedDigitsSource a = new PrintedDigitsSource("printed-test", dejavu, 60, 20);
        assertTrue(!a.isCached());
        a.fetch();
        assertTrue(a.isCached());
        assertTrue(Files.readAllLines(home.dir().resolve("data/printed-test/fonts.txt")).size() >= 3);
        DataSplits s = a.load(7);
        assertEquals(60, s.train().size() + s.validation().size());
        assertTrue(s.validation().size() > 0);
        assertEquals(20, s.test().size());
        assertEquals(1, s.test().channels());
        assertEquals(28, s.test().height());
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, s.test().countsPerClass());
        float max = 0;
        for (float v : s.test().pixels()) {
            assertTrue(v >= 0f && v <= 1f);
            max = Math.max(max, v);
        }
        assertTrue(max > 0.6f, "digits are drawn");

        ImageData again = PrintedDigitsSource.render("x", PrintedDigitsSource.usableFonts(dejavu), 20, new SplittableRandom(5));
        ImageData twice = PrintedDigitsSource.render("x", PrintedDigitsSource.usableFonts(dejavu), 20, new SplittableRandom(5));
        assertArrayEquals(again.pixels(), twice.pixels(), 0f);
        // The cache stores bytes: a reload equals the generated images to 1/255.
        DataSplits reloaded = a.load(7);
        assertArrayEquals(s.test().pixels(), reloaded.test().pixels(), 0f);
    }

    @Test
    void mnistMStyleBlendIsAbsoluteDifferenceOfPatchAndDigit() {
        BufferedImage photo = new BufferedImage(120, 100, BufferedImage.TYPE_INT_RGB);
        SplittableRandom r = new SplittableRandom(1);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 120; x++) {
                photo.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        float[] zeros = new float[784];
        float[] ones = new float[784];
        Arrays.fill(ones, 1f);
        ImageData blank = new ImageData("blank", List.of("a"), 1, 28, 28, zeros, new int[] {0});
        ImageData full = new ImageData("full", List.of("a"), 1, 28, 28, ones, new int[] {0});
        float[] overBlank = MnistMStyleSource.blend("b", blank, List.of(photo), new SplittableRandom(9)).pixels();
        float[] overFull = MnistMStyleSource.blend("f", full, List.of(photo), new SplittableRandom(9)).pixels();
        assertEquals(3 * 784, overBlank.length);
        boolean varied = false;
        for (int i = 0; i < overBlank.length; i++) {
            // |p - 0| + |p - 1| = 1 for a patch value p in [0, 1]
            assertEquals(1f, overBlank[i] + overFull[i], 1e-6f);
            varied |= Math.abs(overBlank[i] - overBlank[0]) > 0.05f;
        }
        assertTrue(varied, "the background is a photo patch, not a flat colour");
    }

    @Test
    void domainSourcesAreRegistered() {
        assertTrue(Datasets.names().containsAll(List.of("printed-digits", "mnist-m-style", "digits-28")), Datasets.names().toString());
    }
}
