package dev.graft.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.Pixels;
import dev.graft.data.TestFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image decoding is bounded: the header's size is checked first, and large images are decoded subsampled. */
class ImageFilesTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearLimit() {
        System.clearProperty(ImageFiles.MAX_PIXELS_PROPERTY);
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
        Path bomb = dir.resolve("bomb.png");
        TestFiles.bombPng(bomb, 40000, 40000);
        assertTrue(Files.size(bomb) < 100_000, "small on disk: " + Files.size(bomb));
        GraftException e = assertThrows(GraftException.class, () -> ImageFiles.read(bomb));
        assertTrue(e.getMessage().contains("40000x40000") && e.getMessage().contains("over the limit"), e.getMessage());
        assertTrue(e.fix().contains(ImageFiles.MAX_PIXELS_ENV), e.fix());
        // also when it would be subsampled: the limit is on what the file claims
        assertThrows(GraftException.class, () -> ImageFiles.read(bomb, 28, 28));
    }

    @Test
    void theLimitIsConfigurable() throws Exception {
        Path png = dir.resolve("p.png");
        TestFiles.grayPng(png, 20, 30, 100);
        assertEquals(ImageFiles.DEFAULT_MAX_PIXELS, ImageFiles.maxPixels());
        System.setProperty(ImageFiles.MAX_PIXELS_PROPERTY, "599");
        GraftException e = assertThrows(GraftException.class, () -> ImageFiles.read(png));
        assertTrue(e.getMessage().contains("30x20 = 600 pixels, over the limit of 599"), e.getMessage());
        System.setProperty(ImageFiles.MAX_PIXELS_PROPERTY, "600");
        assertEquals(30, ImageFiles.read(png).width());
        System.setProperty(ImageFiles.MAX_PIXELS_PROPERTY, "lots");
        assertThrows(GraftException.class, ImageFiles::maxPixels);
    }

    @Test
    void aLargeImageIsDecodedSubsampledToWhatTheCallerNeeds() throws Exception {
        int w = 1000;
        int h = 800;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x % 256) << 16) | ((y % 256) << 8) | ((x + y) % 256));
            }
        }
        Path png = dir.resolve("big.png");
        ImageIO.write(img, "png", png.toFile());
        assertEquals(14, ImageFiles.subsampling(w, h, 28, 28), "min(1000 / 56, 800 / 56)");
        Pixels p = ImageFiles.read(png, 28, 28);
        assertEquals(3, p.channels());
        assertEquals((w + 13) / 14, p.width());
        assertEquals((h + 13) / 14, p.height());
        assertTrue(p.width() >= 56 && p.height() >= 56, "keeps twice the target");
        Pixels full = ImageFiles.read(png);
        assertEquals(w, full.width());
        // subsampling keeps every 14th pixel of the full decode
        for (int[] yx : new int[][] {{0, 0}, {3, 5}, {56, 70}}) {
            for (int c = 0; c < 3; c++) {
                assertEquals(full.get(c, yx[0] * 14, yx[1] * 14), p.get(c, yx[0], yx[1]), 0f);
            }
        }
        assertEquals(1, ImageFiles.subsampling(w, h, 600, 600), "never below the target");
        assertEquals(1, ImageFiles.subsampling(w, h, 0, 0), "0 = full resolution");
    }

    @Test
    void aMissingImageIsMissingNotDamaged() {
        GraftException e = assertThrows(GraftException.class, () -> ImageFiles.read(dir.resolve("nope.png")));
        assertTrue(e.getMessage().contains("missing") && !e.oneLine().contains("damaged"), e.oneLine());
    }

    @Test
    void folderDataSetsReadThroughTheSameLimit() throws Exception {
        TestFiles.grayPng(dir.resolve("pics/a/1.png"), 8, 8, 10);
        TestFiles.bombPng(dir.resolve("pics/b/2.png"), 30000, 30000);
        GraftException e = assertThrows(GraftException.class, () -> ImageFolder.load(dir.resolve("pics"), new int[] {8, 8}));
        assertTrue(e.getMessage().contains("2.png") && e.getMessage().contains("over the limit"), e.getMessage());
        TestFiles.grayPng(dir.resolve("pics/b/2.png"), 8, 8, 200);
        ImageData ok = ImageFolder.load(dir.resolve("pics"), new int[] {8, 8}).train();
        assertEquals(2, ok.size());
    }
}
