package dev.graft.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.io.ImageFolder;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image episodes on one image per class: views, within-set and cross-set episodes, bad input. */
class ImageEpisodesTest {
    @TempDir
    Path tmp;

    /** Six classes, one 16x16 gray image each: a bright square at a class-specific place; {@code shift} moves it. */
    private static ImageData squares(String name, int shift) {
        int n = 6;
        float[] px = new float[n * 16 * 16];
        for (int c = 0; c < n; c++) {
            int y0 = (c / 3) * 8 + shift;
            int x0 = (c % 3) * 5 + shift;
            for (int y = y0; y < Math.min(16, y0 + 6); y++) {
                for (int x = x0; x < Math.min(16, x0 + 4); x++) {
                    px[c * 256 + y * 16 + x] = 1f;
                }
            }
        }
        return new ImageData(name, List.of("a", "b", "c", "d", "e", "f"), 1, 16, 16, px, new int[] {0, 1, 2, 3, 4, 5});
    }

    @Test
    void viewsKeepTheImageFirstAndCropTheRest() {
        ImageData d = squares("s", 0);
        ImageData v = ImageEpisodes.views(d, 4, 1L);
        assertEquals(24, v.size());
        assertEquals(List.of(4, 4, 4, 4, 4, 4), java.util.Arrays.stream(v.countsPerClass()).boxed().toList());
        assertTrue(java.util.Arrays.equals(d.image(0), v.image(0)));
        assertTrue(!java.util.Arrays.equals(v.image(1), v.image(2)) || !java.util.Arrays.equals(v.image(1), v.image(0)));
    }

    @Test
    void episodesRunWithinAndAcrossSetsAndRefuseTooManyWays() {
        GraftModel m = Zoo.create("small_cnn", CreateOptions.defaults().withSeed(3));
        EpisodicEvaluation.Result within = ImageEpisodes.run(m, squares("s", 0), null, 3, 1, 2, 20, 5L);
        assertEquals(20, within.episodes());
        assertTrue(within.mean() > 0 && within.mean() <= 1, String.valueOf(within.mean()));
        EpisodicEvaluation.Result across = ImageEpisodes.run(m, squares("s", 0), squares("t", 1), 3, 2, 1, 20, 5L);
        assertEquals(1, across.queries());
        assertEquals(across, ImageEpisodes.run(m, squares("s", 0), squares("t", 1), 3, 2, 1, 20, 5L));
        GraftException e = assertThrows(GraftException.class, () -> ImageEpisodes.run(m, squares("s", 0), null, 7, 1, 1, 5, 5L));
        assertTrue(e.getMessage().contains("7-way episodes need 7 classes but s has 6"), e.getMessage());
    }

    @Test
    void aFolderWithANonImageIsRefusedByName() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("imgs"));
        dev.graft.data.io.ImageFiles.writePng(dev.graft.data.Pixels.zeros(1, 4, 4), 1, dir.resolve("a.png"));
        assertEquals(List.of(dir.resolve("a.png")), ImageFolder.imageFiles(List.of(dir)));
        Files.writeString(dir.resolve("notes.txt"), "x");
        GraftException e = assertThrows(GraftException.class, () -> ImageFolder.imageFiles(List.of(dir)));
        assertTrue(e.getMessage().contains("notes.txt is not an image"), e.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(assertThrows(GraftException.class, () -> ImageFolder.imageFiles(List.of(empty))).getMessage().contains("holds no images"));
    }
}
