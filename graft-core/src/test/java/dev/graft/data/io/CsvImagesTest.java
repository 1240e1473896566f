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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CsvImagesTest {
    @TempDir
    Path dir;

    /** A file {@code name} in the test folder holding {@code text}. */
    private Path csv(String name, String text) throws java.io.IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    /** The error loading {@code f} with {@code options} must give. */
    private static GraftException loadFails(Path f, CsvImages.Options options) {
        return assertThrows(GraftException.class, () -> CsvImages.load(f, f.getFileName().toString(), options));
    }

    @Test
    void headerWithLabelColumnAndSquarePixels() throws Exception {
        Path f = csv("m.csv", "p0,p1,label,p2,p3\n0,255,2,51,102\n255,0,0,0,0\n");
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
        Path f = csv("t.csv", "label,a\ndog,1\ncat,2\ndog,3\n");
        ImageData d = CsvImages.load(f, "t", null);
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertArrayEquals(new int[] {1, 0, 1}, d.labels());
    }

    @Test
    void sparseWholeNumberLabelsBecomeDenseClassesNamedByTheirNumbers() throws Exception {
        Path f = csv("s.csv", "label,a\n1000000,1\n7,2\n1000000,3\n0,4\n");
        ImageData d = CsvImages.load(f, "s", null);
        assertEquals(List.of("0", "7", "1000000"), d.classNames(), "3 classes, not 1,000,001");
        assertArrayEquals(new int[] {2, 1, 2, 0}, d.labels());
        // small ids stay class ids, gaps included (a class may be missing from a small file)
        Files.writeString(f, "label,a\n2,1\n7,2\n");
        assertEquals(8, CsvImages.load(f, "s", null).numClasses());
    }

    @Test
    void tooManyClassesAreRefusedUnlessAllowed() throws Exception {
        StringBuilder sb = new StringBuilder("label,a\n");
        for (int i = 0; i < 30; i++) {
            sb.append("c").append(i).append(",1\n");
        }
        Path f = csv("many.csv", sb.toString());
        GraftException e = loadFails(f, new CsvImages.Options(null, null, null, null, null, 20));
        assertTrue(e.getMessage().contains("30 classes") && e.fix().contains("max-classes=30"), e.oneLine());
        assertEquals(30, CsvImages.load(f, "many", new CsvImages.Options(null, null, null, null, null, 30)).numClasses());
        assertEquals(30, CsvImages.load(f, "many", null).numClasses(), "the default allows " + CsvImages.DEFAULT_MAX_CLASSES);
        assertEquals(20, dev.graft.data.DataSpec.parse("csv:" + f + "?max-classes=20").maxClasses());
        assertThrows(GraftException.class, () -> dev.graft.data.DataSpec.parse("csv:" + f + "?max-classes=0"));
    }

    /** Files that cannot load, the options they are read with, and words the error's message and fix must hold (null: any). */
    static Stream<Arguments> unloadableFiles() {
        return Stream.of(
                Arguments.of("a value out of range", "1,0,0,0,0\n1,0,300,0,0\n", null, "line 2 column 3", "max="),
                Arguments.of("a pixel that is not a number", "1,0,0,0,0\n1,0,x,0,0\n", null, "'x', not a number", null),
                Arguments.of("a ragged row", "1,0,0,0,0\n1,0,0\n", null, "line 2 has 3 columns", null),
                Arguments.of("non-square pixels without a shape", "1,0,0,0\n", null, null, "shape="),
                Arguments.of("pixels that do not fit the shape", "1,0,0,0\n", new CsvImages.Options(null, new int[] {1, 2, 2}, null, null, null),
                        "3 pixel columns", null),
                Arguments.of("an empty file", "", null, "empty", null),
                Arguments.of("an unknown label column", "a,b\n1,2\n", new CsvImages.Options("klass", null, null, null, null),
                        "no column 'klass'", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unloadableFiles")
    void unloadableFileIsExplained(String problem, String text, CsvImages.Options options, String inMessage, String inFix) throws Exception {
        GraftException e = loadFails(csv("bad.csv", text), options);
        assertTrue(inMessage == null || e.getMessage().contains(inMessage), e.oneLine());
        assertTrue(inFix == null || e.fix().contains(inFix), e.oneLine());
    }

    @Test
    void pathLabelRowsReadImagesRelativeToTheCsv() throws Exception {
        TestFiles.grayPng(dir.resolve("img/a.png"), 2, 2, 255);
        TestFiles.grayPng(dir.resolve("img/b.png"), 2, 2, 0);
        Path f = csv("list.csv", "path,label\nimg/a.png,yes\nimg/b.png,no\n");
        ImageData d = CsvImages.load(f, "l", null);
        assertEquals(List.of("no", "yes"), d.classNames());
        assertArrayEquals(new int[] {1, 0}, d.labels());
        assertEquals(1f, d.image(0)[0], 1e-7);
        Path missing = csv("missing.csv", "img/a.png,yes\nimg/zzz.png,no\n");
        GraftException e = loadFails(missing, null);
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("zzz.png"), e.getMessage());
    }
}
