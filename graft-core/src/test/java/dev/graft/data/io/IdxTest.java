package dev.graft.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path dir;

    private static final byte[] SIX = {0, 1, 2, (byte) 253, (byte) 254, (byte) 255};

    @Test
    void readsRawAndGzipWithTheSameResult() throws Exception {
        byte[] raw = TestFiles.idx(new int[] {3, 2}, SIX);
        Files.write(dir.resolve("a"), raw);
        Files.write(dir.resolve("a.gz"), TestFiles.gzip(raw));
        for (String f : List.of("a", "a.gz")) {
            Idx.Array a = Idx.read(dir.resolve(f));
            assertArrayEquals(new int[] {3, 2}, a.dims());
            assertArrayEquals(SIX, a.data());
            assertEquals(3, a.count());
            assertEquals(2, a.itemSize());
        }
    }

    @Test
    void truncatedDataIsAnErrorNamingTheFile() throws Exception {
        byte[] raw = TestFiles.idx(new int[] {3, 2}, SIX);
        Path f = dir.resolve("short-idx");
        Files.write(f, Arrays.copyOf(raw, raw.length - 2));
        GraftException e = assertThrows(GraftException.class, () -> Idx.read(f));
        assertTrue(e.getMessage().contains("short-idx") && e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("needs 6 bytes") && e.getMessage().contains("holds 4"), e.getMessage());
    }

    @Test
    void truncatedGzipIsAnError() throws Exception {
        byte[] gz = TestFiles.gzip(TestFiles.idx(new int[] {100}, new byte[100]));
        Path f = dir.resolve("cut.gz");
        Files.write(f, Arrays.copyOf(gz, gz.length / 2));
        GraftException e = assertThrows(GraftException.class, () -> Idx.read(f));
        assertTrue(e.getMessage().contains("cut.gz") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedHeaderAndEmptyFileAreErrors() throws Exception {
        Path empty = dir.resolve("empty");
        Files.write(empty, new byte[0]);
        assertTrue(assertThrows(GraftException.class, () -> Idx.read(empty)).getMessage().contains("too short"));
        Path head = dir.resolve("head");
        Files.write(head, new byte[] {0, 0, 8, 3, 0, 0, 0, 5, 0, 0});
        assertTrue(assertThrows(GraftException.class, () -> Idx.read(head)).getMessage().contains("inside its header"));
    }

    @Test
    void wrongMagicAndTypeAreErrors() throws Exception {
        Path png = dir.resolve("image.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 1});
        GraftException e = assertThrows(GraftException.class, () -> Idx.read(png));
        assertTrue(e.getMessage().contains("wrong magic") && e.getMessage().contains("image.png"), e.getMessage());
        Path floats = dir.resolve("floats");
        Files.write(floats, new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0});
        assertTrue(assertThrows(GraftException.class, () -> Idx.read(floats)).getMessage().contains("0x0d"));
    }

    @Test
    void trailingBytesAreAnError() throws Exception {
        byte[] raw = TestFiles.idx(new int[] {3, 2}, SIX);
        Path f = dir.resolve("long");
        Files.write(f, Arrays.copyOf(raw, raw.length + 1));
        assertTrue(assertThrows(GraftException.class, () -> Idx.read(f)).getMessage().contains("bytes after"));
    }

    @Test
    void imagesAreScaledAndLabelled() throws Exception {
        TestFiles.idxPair(dir, "train", 4, 2, 3, 2);
        ImageData d = IdxImages.load("t", dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), null);
        assertEquals(4, d.size());
        assertEquals(List.of("0", "1"), d.classNames());
        assertEquals(1, d.channels());
        assertEquals(2, d.height());
        assertEquals(3, d.width());
        assertEquals(30 / 255f, d.image(3)[5], 1e-7);
        assertArrayEquals(new int[] {0, 1, 0, 1}, d.labels());
    }

    @Test
    void channelsLastImagesBecomeChannelsFirst() throws Exception {
        // one 1x2 image with 3 channels: pixel0 = (1,2,3), pixel1 = (4,5,6)
        Files.write(dir.resolve("img"), TestFiles.idx(new int[] {1, 1, 2, 3}, new byte[] {1, 2, 3, 4, 5, 6}));
        Files.write(dir.resolve("lab"), TestFiles.idx(new int[] {1}, new byte[] {0}));
        ImageData d = IdxImages.load("t", dir.resolve("img"), dir.resolve("lab"), List.of("only"));
        float[] v = d.image(0);
        float[] expect = {1, 4, 2, 5, 3, 6};
        for (int i = 0; i < 6; i++) {
            assertEquals(expect[i] / 255f, v[i], 1e-7);
        }
    }

    @Test
    void countMismatchAndSwappedFilesAreErrors() throws Exception {
        TestFiles.idxPair(dir, "train", 4, 2, 2, 2);
        Files.write(dir.resolve("three-labels"), TestFiles.idx(new int[] {3}, new byte[3]));
        GraftException e = assertThrows(GraftException.class,
                () -> IdxImages.load("t", dir.resolve("train-images-idx3-ubyte"), dir.resolve("three-labels"), null));
        assertTrue(e.getMessage().contains("4 images but 3 labels"), e.getMessage());
        assertThrows(GraftException.class,
                () -> IdxImages.load("t", dir.resolve("train-labels-idx1-ubyte"), dir.resolve("train-images-idx3-ubyte"), null));
    }

    @Test
    void labelBeyondClassNamesIsAnError() throws Exception {
        TestFiles.idxPair(dir, "train", 4, 2, 2, 3);
        GraftException e = assertThrows(GraftException.class, () -> IdxImages.load("t",
                dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), List.of("a", "b")));
        assertTrue(e.getMessage().contains("label 2"), e.getMessage());
    }
}
