package dev.graft.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path root;

    @Test
    void grayFolderGivesSortedClassesAndExactValues() throws Exception {
        TestFiles.grayPng(root.resolve("zebra/a.png"), 3, 4, 51);
        TestFiles.grayPng(root.resolve("ant/x.png"), 3, 4, 255);
        TestFiles.grayPng(root.resolve("ant/y.png"), 3, 4, 0);
        Files.writeString(root.resolve("ant/notes.txt"), "not an image");
        ImageFolder.Loaded l = ImageFolder.load(root, null);
        assertNull(l.test());
        ImageData d = l.train();
        assertEquals(List.of("ant", "zebra"), d.classNames());
        assertArrayEquals(new int[] {0, 0, 1}, d.labels());
        assertEquals(1, d.channels());
        assertEquals(3, d.height());
        assertEquals(4, d.width());
        assertEquals(1f, d.image(0)[0], 1e-7);
        assertEquals(0f, d.image(1)[5], 1e-7);
        assertEquals(0.2f, d.image(2)[11], 1e-7);
    }

    @Test
    void anyColourImageMakesAllThreeChannel() throws Exception {
        TestFiles.grayPng(root.resolve("a/g.png"), 2, 2, 102);
        TestFiles.rgbPng(root.resolve("b/c.png"), 2, 2, 255, 0, 51);
        ImageData d = ImageFolder.load(root, null).train();
        assertEquals(3, d.channels());
        float[] gray = d.image(0);
        assertEquals(0.4f, gray[0], 1e-7);
        assertEquals(0.4f, gray[4], 1e-7);
        assertEquals(0.4f, gray[8], 1e-7);
        float[] colour = d.image(1);
        assertEquals(1f, colour[0], 1e-7);
        assertEquals(0f, colour[4], 1e-7);
        assertEquals(0.2f, colour[8], 1e-7);
    }

    @Test
    void trainAndTestSubfolders() throws Exception {
        TestFiles.grayPng(root.resolve("train/cat/1.png"), 2, 2, 1);
        TestFiles.grayPng(root.resolve("train/dog/1.png"), 2, 2, 2);
        TestFiles.grayPng(root.resolve("test/dog/1.png"), 2, 2, 3);
        ImageFolder.Loaded l = ImageFolder.load(root, null);
        assertEquals(2, l.train().size());
        assertEquals(List.of("cat", "dog"), l.test().classNames());
        assertArrayEquals(new int[] {1}, l.test().labels());
    }

    @Test
    void testClassMissingFromTrainIsAnError() throws Exception {
        TestFiles.grayPng(root.resolve("train/cat/1.png"), 2, 2, 1);
        TestFiles.grayPng(root.resolve("test/emu/1.png"), 2, 2, 3);
        assertTrue(assertThrows(GraftException.class, () -> ImageFolder.load(root, null)).getMessage().contains("[emu]"));
    }

    @Test
    void corruptImageIsAnErrorNamingTheFile() throws Exception {
        TestFiles.grayPng(root.resolve("a/good.png"), 2, 2, 1);
        Files.write(root.resolve("a/bad.png"), new byte[] {1, 2, 3, 4, 5});
        GraftException e = assertThrows(GraftException.class, () -> ImageFolder.load(root, null));
        assertTrue(e.getMessage().contains("bad.png"), e.getMessage());
    }

    @Test
    void truncatedPngIsAnError() throws Exception {
        TestFiles.rgbPng(root.resolve("a/full.png"), 16, 16, 10, 20, 30);
        byte[] full = Files.readAllBytes(root.resolve("a/full.png"));
        Files.write(root.resolve("a/cut.png"), java.util.Arrays.copyOf(full, full.length / 2));
        GraftException e = assertThrows(GraftException.class, () -> ImageFolder.load(root, null));
        assertTrue(e.getMessage().contains("cut.png"), e.getMessage());
    }

    @Test
    void differentSizesNeedASize() throws Exception {
        TestFiles.grayPng(root.resolve("a/1.png"), 2, 2, 1);
        TestFiles.grayPng(root.resolve("a/2.png"), 4, 4, 1);
        GraftException e = assertThrows(GraftException.class, () -> ImageFolder.load(root, null));
        assertTrue(e.getMessage().contains("2.png") && e.fix().contains("size=HxW"), e.oneLine());
        ImageData d = ImageFolder.load(root, new int[] {3, 3}).train();
        assertEquals(3, d.height());
        assertEquals(3, d.width());
        assertEquals(1 / 255f, d.image(1)[4], 1e-6);
    }

    @Test
    void emptyClassFolderAndNoClassesAreErrors() throws Exception {
        TestFiles.grayPng(root.resolve("a/1.png"), 2, 2, 1);
        Files.createDirectories(root.resolve("b"));
        assertTrue(assertThrows(GraftException.class, () -> ImageFolder.load(root, null)).getMessage().contains("holds no images"));
        Path flat = Files.createDirectories(root.resolve("flat"));
        TestFiles.grayPng(flat.resolve("x.png"), 2, 2, 1);
        assertTrue(assertThrows(GraftException.class, () -> ImageFolder.load(flat, null)).getMessage().contains("no class folders"));
    }
}
