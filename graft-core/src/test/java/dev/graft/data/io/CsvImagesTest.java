package dev.graft.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvImagesTest {
    @TempDir
    Path dir;

    @Test
    void headerWithLabelColumnAndSquarePixels() throws Exception {
        Path f = dir.resolve("m.csv");
        Files.writeString(f, "p0,p1,label,p2,p3\n0,255,2,51,102\n255,0,0,0,0\n");
        ImageData d = CsvImages.load(f, "m", null);
        assertEquals(List.of("0", "1", "2"), d.classNames());
        assertArrayEquals(new int[] {2, 0}, d.labels());
        assertEquals(2, d.height());
        assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f}, d.image(0), 1e-7f);
    }

    @Test
    void noHeaderLabelLastWithMaxAndShape() throws Exception {
        Path f = dir.resolve("d.csv.gz");
        Files.write(f, TestFiles.gzip("0,8,16,4,1,2\n16,16,16,16,16,7\n".getBytes(StandardCharsets.UTF_8)));
        ImageData d = CsvImages.load(f, "d", new CsvImages.Options("last", new int[] {1, 1, 5}, 16.0, null, null));
        assertEquals(8, d.numClasses());
        assertArrayEquals(new int[] {2, 7}, d.labels());
        assertArrayEquals(new float[] {0f, 0.5f, 1f, 0.25f, 0.0625f}, d.image(0), 1e-7f);
    }

    @Test
    void textLabelsBecomeSortedClassNames() throws Exception {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "label,a\ndog,1\ncat,2\ndog,3\n");
        ImageData d = CsvImages.load(f, "t", null);
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertArrayEquals(new int[] {1, 0, 1}, d.labels());
    }

    @Test
    void sparseWholeNumberLabelsBecomeDenseClassesNamedByTheirNumbers() throws Exception {
        Path f = dir.resolve("s.csv");
        Files.writeString(f, "label,a\n1000000,1\n7,2\n1000000,3\n0,4\n");
        ImageData d = CsvImages.load(f, "s", null);
        assertEquals(List.of("0", "7", "1000000"), d.classNames(), "3 classes, not 1,000,001");
        assertArrayEquals(new int[] {2, 1, 2, 0}, d.labels());
        // small ids stay class ids, gaps included (a class may be missing from a small file)
        Files.writeString(f, "label,a\n2,1\n7,2\n");
        assertEquals(8, CsvImages.load(f, "s", null).numClasses());
    }

    @Test
    void tooManyClassesAreRefusedUnlessAllowed() throws Exception {
        Path f = dir.resolve("many.csv");
        StringBuilder sb = new StringBuilder("label,a\n");
        for (int i = 0; i < 30; i++) {
            sb.append("c").append(i).append(",1\n");
        }
        Files.writeString(f, sb.toString());
        GraftException e = assertThrows(GraftException.class,
                () -> CsvImages.load(f, "many", new CsvImages.Options(null, null, null, null, null, 20)));
        assertTrue(e.getMessage().contains("30 classes") && e.fix().contains("max-classes=30"), e.oneLine());
        assertEquals(30, CsvImages.load(f, "many", new CsvImages.Options(null, null, null, null, null, 30)).numClasses());
        assertEquals(30, CsvImages.load(f, "many", null).numClasses(), "the default allows " + CsvImages.DEFAULT_MAX_CLASSES);
        assertEquals(20, dev.graft.data.DataSpec.parse("csv:" + f + "?max-classes=20").maxClasses());
        assertThrows(GraftException.class, () -> dev.graft.data.DataSpec.parse("csv:" + f + "?max-classes=0"));
    }

    @Test
    void valueOutOfRangeNamesLineAndColumn() throws Exception {
        Path f = dir.resolve("r.csv");
        Files.writeString(f, "1,0,0,0,0\n1,0,300,0,0\n");
        GraftException e = assertThrows(GraftException.class, () -> CsvImages.load(f, "r", null));
        assertTrue(e.getMessage().contains("line 2 column 3") && e.fix().contains("max="), e.oneLine());
    }

    @Test
    void nonNumericPixelAndRaggedRowsAreErrors() throws Exception {
        Path f = dir.resolve("n.csv");
        Files.writeString(f, "1,0,0,0,0\n1,0,x,0,0\n");
        assertTrue(assertThrows(GraftException.class, () -> CsvImages.load(f, "n", null)).getMessage().contains("'x', not a number"));
        Path g = dir.resolve("g.csv");
        Files.writeString(g, "1,0,0,0,0\n1,0,0\n");
        GraftException e = assertThrows(GraftException.class, () -> CsvImages.load(g, "g", null));
        assertTrue(e.getMessage().contains("line 2 has 3 columns"), e.getMessage());
    }

    @Test
    void nonSquareNeedsAShape() throws Exception {
        Path f = dir.resolve("s.csv");
        Files.writeString(f, "1,0,0,0\n");
        assertTrue(assertThrows(GraftException.class, () -> CsvImages.load(f, "s", null)).fix().contains("shape="));
        GraftException e = assertThrows(GraftException.class,
                () -> CsvImages.load(f, "s", new CsvImages.Options(null, new int[] {1, 2, 2}, null, null, null)));
        assertTrue(e.getMessage().contains("3 pixel columns"), e.getMessage());
    }

    @Test
    void pathLabelRowsReadImagesRelativeToTheCsv() throws Exception {
        TestFiles.grayPng(dir.resolve("img/a.png"), 2, 2, 255);
        TestFiles.grayPng(dir.resolve("img/b.png"), 2, 2, 0);
        Path f = dir.resolve("list.csv");
        Files.writeString(f, "path,label\nimg/a.png,yes\nimg/b.png,no\n");
        ImageData d = CsvImages.load(f, "l", null);
        assertEquals(List.of("no", "yes"), d.classNames());
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertEquals(1f, d.image(0)[0], 1e-7);
        Path missing = dir.resolve("missing.csv");
        Files.writeString(missing, "img/a.png,yes\nimg/zzz.png,no\n");
        GraftException e = assertThrows(GraftException.class, () -> CsvImages.load(missing, "m", null));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("zzz.png"), e.getMessage());
    }

    @Test
    void emptyFileAndUnknownLabelColumnAreErrors() throws Exception {
        Path f = dir.resolve("e.csv");
        Files.writeString(f, "");
        assertTrue(assertThrows(GraftException.class, () -> CsvImages.load(f, "e", null)).getMessage().contains("empty"));
        Path g = dir.resolve("h.csv");
        Files.writeString(g, "a,b\n1,2\n");
        GraftException e = assertThrows(GraftException.class,
                () -> CsvImages.load(g, "h", new CsvImages.Options("klass", null, null, null, null)));
        assertTrue(e.getMessage().contains("no column 'klass'"), e.getMessage());
    }
}
