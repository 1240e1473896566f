package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.io.ImageFiles;
import dev.graft.data.io.ParquetTables;
import dev.graft.text.TextData;
import dev.graft.text.TextSplits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hugging Face data set layouts read back: Parquet as written, image folders, JSON Lines, and the errors of bad input. */
class HubDatasetLayoutTest {
    @TempDir
    Path tmp;

    private static final DataSpec SPEC = DataSpec.parse("hf-hub:datasets/alice/tiny");

    /** n gray 4x4 images with 17 levels (as digits has: not exact in 8 bits) and labels cycling over 3 classes. */
    static ImageData levels(String name, int n, long seed) {
        Random r = new Random(seed);
        float[] px = new float[n * 16];
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextInt(17) / 16f;
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        return new ImageData(name, List.of("a", "b", "c"), 1, 4, 4, px, labels);
    }

    @Test
    void parquetImagesRoundTripWithCardClassNames() throws Exception {
        ImageData train = levels("t/train", 30, 1);
        ImageData test = levels("t/test", 9, 2);
        Map<String, ImageData> splits = new LinkedHashMap<>();
        splits.put("train", train);
        splits.put("test", test);
        Path repo = tmp.resolve("repo");
        HubDatasetWriter.writeImages(splits, repo, new HubDatasetWriter.Info("tiny", "mit", "made up"));
        String card = Files.readString(repo.resolve("README.md"));
        assertTrue(card.contains("num_examples: 30"), card);
        assertTrue(card.contains("path: data/train-*"), card);
        HubDatasetLayout l = HubDatasetLayout.detect(repo, "tiny");
        assertEquals(List.of("a", "b", "c"), l.declaredClassNames("label"));
        assertEquals(HubDatasetLayout.Format.PARQUET, l.splits().get(HubDatasetLayout.Split.TRAIN).format());
        DataSplits s = l.images(SPEC, 7, 0.0);
        assertEquals(30, s.train().size());
        assertEquals(9, s.test().size());
        assertArrayEquals(train.labels(), s.train().labels());
        assertEquals("tiny/train", s.train().name());
        // 17 levels: a 16-bit PNG that says it holds sixteenths, read back exactly
        assertArrayEquals(train.pixels(), s.train().pixels());
        List<ParquetTables.Column> cols = ParquetTables.columns(repo.resolve(HubDatasetWriter.parquetFile("train")));
        assertTrue(cols.get(0).isImage(), cols.toString());
        assertEquals("BIGINT", cols.get(1).type());
    }

    @Test
    void withoutACardTheParquetMetadataNamesTheClasses() throws Exception {
        Path repo = tmp.resolve("nocard");
        HubDatasetWriter.writeImages(Map.of("train", levels("n", 9, 4)), repo, new HubDatasetWriter.Info("n", "mit", "made up"));
        Files.delete(repo.resolve("README.md"));
        HubDatasetLayout l = HubDatasetLayout.detect(repo, "n");
        assertEquals(List.of("a", "b", "c"), l.declaredClassNames("label"));
        assertEquals(List.of("a", "b", "c"), l.images(SPEC, 1, 0.0).test().classNames());
    }

    @Test
    void eightBitImagesComeBackExactly() {
        float[] px = new float[2 * 3 * 2 * 2];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i * 37 % 256) / 255f;
        }
        ImageData rgb = new ImageData("rgb", List.of("x", "y"), 3, 2, 2, px, new int[] {0, 1});
        Pixels back = ImageFiles.read(ImageFiles.png(new Pixels(3, 2, 2, rgb.image(1))), "image", 0, 0);
        assertArrayEquals(rgb.image(1), back.values());
    }

    @Test
    void classFoldersPerSplit() throws Exception {
        Path repo = tmp.resolve("folders");
        for (String split : List.of("train", "test")) {
            for (String c : List.of("cat", "dog")) {
                for (int i = 0; i < (split.equals("train") ? 5 : 2); i++) {
                    float v = c.equals("cat") ? 0.2f : 0.8f;
                    ImageFiles.writePng(new Pixels(1, 3, 3, new float[] {v, v, v, v, v, v, v, v, i / 255f}), 1,
                            repo.resolve(split).resolve(c).resolve(i + ".png"));
                }
            }
        }
        DataSplits s = HubDatasetLayout.detect(repo, "pets").images(SPEC, 1, 0.2);
        assertEquals(List.of("cat", "dog"), s.train().classNames());
        assertEquals(8, s.train().size());
        assertEquals(2, s.validation().size());
        assertEquals(4, s.test().size());
    }

    @Test
    void metadataJsonlGivesLabels() throws Exception {
        Path dir = tmp.resolve("meta/train");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ImageFiles.writePng(Pixels.zeros(1, 2, 2), 1, dir.resolve("img" + i + ".png"));
            lines.add("{\"file_name\": \"img" + i + ".png\", \"label\": \"" + (i % 2 == 0 ? "even" : "odd") + "\"}");
        }
        Files.write(dir.resolve("metadata.jsonl"), lines);
        DataSplits s = HubDatasetLayout.detect(tmp.resolve("meta"), "m").images(SPEC, 1, 0.0);
        assertEquals(List.of("even", "odd"), s.train().classNames());
        assertEquals(6, s.train().size() + s.test().size());
    }

    @Test
    void jsonlTextWithTrainAndTest() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("text/data"));
        List<String> train = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            train.add("{\"sentence\": \"text number " + i + "\", \"label\": " + (i % 2) + "}");
        }
        Files.write(repo.resolve("train.jsonl"), train);
        Files.write(repo.resolve("test.jsonl"), List.of("{\"sentence\": \"a\", \"label\": 0}", "{\"sentence\": \"b\", \"label\": 1}"));
        TextSplits s = HubDatasetLayout.detect(tmp.resolve("text"), "t").texts(SPEC, 3);
        assertEquals(List.of("0", "1"), s.train().classNames());
        assertEquals(2, s.test().size());
        assertEquals(20, s.train().size() + s.validation().size());
        assertEquals("b", s.test().text(1));
    }

    @Test
    void noSplitFilesSaysWhatIsThereAndWhatIsExpected() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("none"));
        Files.writeString(repo.resolve("notes.txt"), "hello");
        Files.writeString(repo.resolve("all.bin"), "x");
        GraftException e = assertThrows(GraftException.class, () -> HubDatasetLayout.detect(repo, "none"));
        assertEquals("data set none has no split files: it holds all.bin, notes.txt; expected train*/test*/validation* files or folders"
                + " (e.g. data/train-00000-of-00001.parquet, train.csv, train.jsonl, train/<class>/*.png) or configs: data_files in README.md",
                e.getMessage().lines().findFirst().orElseThrow());
    }

    @Test
    void parquetWithoutAnImageColumnNamesTheFileAndItsColumns() {
        Path repo = tmp.resolve("texts");
        TextData t = new TextData("x", List.of("a", "b"), List.of("one", "two"), new int[] {0, 1});
        HubDatasetWriter.writeTexts(Map.of("train", t), repo, new HubDatasetWriter.Info("x", "mit", "made up"));
        GraftException e = assertThrows(GraftException.class, () -> HubDatasetLayout.detect(repo, "x").images(SPEC, 1, 0.1));
        assertEquals("data/train-00000-of-00001.parquet has no image column (a struct of bytes and path, as Hugging Face writes an"
                + " Image feature); its columns: [text VARCHAR, label BIGINT]", e.getMessage());
    }

    @Test
    void parquetWithoutALabelColumnNamesTheFile() {
        Path file = tmp.resolve("nolabel/data/train-00000-of-00001.parquet");
        ParquetTables.write(file, List.of("image STRUCT(bytes BLOB, path VARCHAR)", "note VARCHAR"), "{'bytes': ?::BLOB, 'path': ?}, ?",
                List.<Object[]>of(new Object[] {ImageFiles.png(Pixels.zeros(1, 2, 2)), "a.png", "hi"}), null);
        GraftException e = assertThrows(GraftException.class, () -> HubDatasetLayout.detect(tmp.resolve("nolabel"), "n").images(SPEC, 1, 0.1));
        assertEquals("data/train-00000-of-00001.parquet has no label column (class ids or names); its columns:"
                + " [image STRUCT(bytes BLOB, path VARCHAR), note VARCHAR]", e.getMessage());
    }

    @Test
    void labelOutsideTheDeclaredClassNamesNamesFileAndRow() throws Exception {
        Path repo = tmp.resolve("bad");
        HubDatasetWriter.writeImages(Map.of("train", levels("b", 6, 3)), repo, new HubDatasetWriter.Info("b", "mit", "made up"));
        Path readme = repo.resolve("README.md");
        Files.writeString(readme, Files.readString(readme).replaceAll("(?m)^ +[\"']2[\"']: c\n", "")); // declare a and b only
        GraftException e = assertThrows(GraftException.class, () -> HubDatasetLayout.detect(repo, "b").images(SPEC, 1, 0.1));
        assertEquals("data/train-00000-of-00001.parquet row 3: label 2 is outside the 2 class names README.md declares for 'label' (a, b)",
                e.getMessage());
    }

    private static final String CARD_AB = "---\ndataset_info:\n  features:\n  - name: image\n    dtype: image\n  - name: label\n    dtype:\n"
            + "      class_label:\n        names:\n          '0': a\n          '1': b\n---\n";

    /** A repository of one Parquet train file with {@code rows} (image bytes, label) and a card declaring classes a and b. */
    private Path parquetRepo(String dir, List<Object[]> rows) throws Exception {
        List<Object[]> withPaths = new ArrayList<>();
        for (Object[] r : rows) {
            withPaths.add(new Object[] {r[0], r[0] == null ? null : "x.png", r[1]});
        }
        ParquetTables.write(tmp.resolve(dir + "/data/train-00000-of-00001.parquet"), List.of("image STRUCT(bytes BLOB, path VARCHAR)", "label BIGINT"),
                "{'bytes': ?::BLOB, 'path': ?}, ?", withPaths, null);
        Files.writeString(tmp.resolve(dir + "/README.md"), CARD_AB);
        return tmp.resolve(dir);
    }

    private static Object[] row(int size, int value, Long label) {
        Pixels p = Pixels.zeros(1, size, size);
        java.util.Arrays.fill(p.values(), value / 255f);
        return new Object[] {ImageFiles.png(p), label};
    }

    private static List<Object[]> goodRows() {
        return new ArrayList<>(List.of(row(2, 10, 0L), row(2, 20, 1L), row(2, 30, 0L), row(2, 40, 1L)));
    }

    /** The one-line error of a repository whose train split is 4 good rows and then {@code bad}. */
    private String errorWith(String dir, Object[] bad) throws Exception {
        List<Object[]> rows = goodRows();
        rows.add(bad);
        Path repo = parquetRepo(dir, rows);
        GraftException e = assertThrows(GraftException.class, () -> HubDatasetLayout.detect(repo, dir).images(SPEC, 1, 0.0));
        assertTrue(e.fix().endsWith("or leave such rows out with --skip-bad"), e.fix());
        return e.getMessage();
    }

    @Test
    void everyKindOfBadRowIsOneLineNamingTheFileAndRow() throws Exception {
        String file = "data/train-00000-of-00001.parquet row 5";
        assertEquals("image " + file + " is not in a format Java can read",
                errorWith("undecodable", new Object[] {"not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0L}));
        assertEquals("image " + file + " is 3x3 but data/train-00000-of-00001.parquet row 1 is 2x2", errorWith("mixed", row(3, 50, 0L)));
        assertEquals(file + ": label 7 is outside the 2 class names README.md declares for 'label' (a, b)", errorWith("outside", row(2, 50, 7L)));
        assertEquals(file + " has no image bytes in column 'image'", errorWith("noimage", new Object[] {null, 1L}));
        assertEquals(file + " has no label in column 'label'", errorWith("nolabel", row(2, 50, null)));
    }

    @Test
    void skipBadLeavesBadRowsOutCountsAndReportsThem() throws Exception {
        List<Object[]> rows = goodRows();
        rows.add(1, new Object[] {"not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0L});
        rows.add(row(3, 50, 0L));
        rows.add(row(2, 50, 7L));
        rows.add(new Object[] {null, 1L});
        rows.add(row(2, 60, null));
        Path repo = parquetRepo("mixedbag", rows);
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        DataSplits s;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            s = HubDatasetLayout.detect(repo, "mixedbag").images(DataSpec.parse("hf-hub:datasets/alice/mixedbag?skip-bad=true&test=0.5"), 1, 0.0);
        } finally {
            System.setErr(old);
        }
        assertEquals(4, s.train().size() + s.validation().size() + s.test().size(), "the 4 good rows");
        float[] kept = new float[4];
        int k = 0;
        for (ImageData d : List.of(s.train(), s.test())) {
            for (int i = 0; i < d.size(); i++) {
                kept[k++] = Math.round(d.image(i)[0] * 255);
            }
        }
        java.util.Arrays.sort(kept);
        assertArrayEquals(new float[] {10, 20, 30, 40}, kept, "the good rows' images, none of the bad ones");
        String report = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        // the rows without an image or label, then those outside the class names, then those that do not decode or fit
        assertTrue(report.contains("warning: skipped 5 bad rows of hf-hub:datasets/alice/mixedbag?skip-bad=true&test=0.5: "
                + "data/train-00000-of-00001.parquet row 8 has no image bytes in column 'image'; data/train-00000-of-00001.parquet row 9 has no label"
                + " in column 'label'; data/train-00000-of-00001.parquet row 7: label 7 is outside the 2 class names"), report);
        assertTrue(report.strip().endsWith("; ..."), report);
    }

    @Test
    void skipBadLeavesEmptyTextsAndMissingLabelsOutOfATextSet() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("texts-bad"));
        Files.write(repo.resolve("train.jsonl"), List.of("{\"text\": \"a cat\", \"label\": \"animal\"}", "{\"text\": \"\", \"label\": \"tool\"}",
                "{\"text\": \"a saw\", \"label\": \"tool\"}", "{\"text\": \"a dog\"}", "{\"text\": \"a cow\", \"label\": \"animal\"}",
                "{\"text\": \"an axe\", \"label\": \"tool\"}"));
        GraftException e = assertThrows(GraftException.class, () -> HubDatasetLayout.detect(repo, "t").texts(SPEC, 1));
        assertEquals("train.jsonl row 2 has an empty text in column 'text'", e.getMessage());
        BadRows.skipByDefault(true);
        TextSplits s;
        try {
            s = HubDatasetLayout.detect(repo, "t").texts(DataSpec.parse("hf-hub:datasets/alice/t?test=0.5"), 1);
        } finally {
            BadRows.skipByDefault(false);
        }
        assertEquals(4, s.train().size() + s.validation().size() + s.test().size());
        assertEquals(List.of("animal", "tool"), s.train().classNames());
    }
}
