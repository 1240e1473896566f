package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path dir;

    @Test
    void builtinsAreRegistered() {
        assertTrue(Datasets.names().containsAll(List.of("digits", "fashion-mnist", "mnist")), Datasets.names().toString());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        GraftException e = assertThrows(GraftException.class, () -> Datasets.source("mnits"));
        assertTrue(e.getMessage().contains("'mnits'"));
        for (String known : Datasets.names()) {
            assertTrue(e.fix().contains(known), e.fix());
        }
    }

    @Test
    void specParsing() {
        DataSpec s = DataSpec.parse("folder:/data/photos?size=64x32&test=0.25");
        assertEquals(DataSpec.Kind.FOLDER, s.kind());
        assertEquals(Path.of("/data/photos"), s.path());
        assertArrayEquals(new int[] {64, 32}, s.size());
        assertEquals(0.25, s.testFraction());
        assertEquals(Splits.DEFAULT_VALIDATION_FRACTION, s.validationFraction());
        assertArrayEquals(new int[] {1, 8, 8}, DataSpec.parse("csv:d.csv?shape=8x8&max=16&label=last").shape());
        assertEquals(DataSpec.Kind.BUILTIN, DataSpec.parse("mnist").kind());
    }

    @Test
    void hubSpecsNameADataSetRepositoryWithColumnOptions() {
        DataSpec s = DataSpec.parse("hf-hub:datasets/alice/reviews@v1?text=body&label=stars&val=0.2");
        assertEquals(DataSpec.Kind.HUB, s.kind());
        assertEquals("alice/reviews@v1", s.repo());
        assertEquals("body", s.textColumn());
        assertEquals("stars", s.label());
        assertEquals(0.2, s.validationFraction());
        GraftException model = assertThrows(GraftException.class, () -> DataSpec.parse("hf-hub:alice/reviews"));
        assertTrue(model.getMessage().contains("does not name a data set repository"), model.getMessage());
        assertThrows(GraftException.class, () -> DataSpec.parse("hf-hub:datasets/alice"));
        assertThrows(GraftException.class, () -> DataSpec.parse("hf-hub:datasets/alice/x?shape=3x2x2"));
    }

    @Test
    void badSpecsSayWhatIsAllowed() {
        GraftException prefix = assertThrows(GraftException.class, () -> DataSpec.parse("zip:/x"));
        assertTrue(prefix.fix().contains("folder:") && prefix.fix().contains("csv:"), prefix.oneLine());
        GraftException key = assertThrows(GraftException.class, () -> DataSpec.parse("idx:/x?size=3"));
        assertTrue(key.fix().contains("test, val"), key.oneLine());
        assertThrows(GraftException.class, () -> DataSpec.parse("folder:/x?size=0x4"));
        assertThrows(GraftException.class, () -> DataSpec.parse("folder:/x?test=1.5"));
        assertThrows(GraftException.class, () -> DataSpec.parse("csv:/x?max=-1"));
        assertThrows(GraftException.class, () -> DataSpec.parse("csv:/x?header=maybe"));
        assertThrows(GraftException.class, () -> DataSpec.parse("folder:"));
    }

    @Test
    void folderSpecLoadsWithAFixedTestCarveOut() throws Exception {
        for (int i = 0; i < 10; i++) {
            TestFiles.grayPng(dir.resolve("pics/a/" + i + ".png"), 3, 3, i);
            TestFiles.grayPng(dir.resolve("pics/b/" + i + ".png"), 3, 3, 100 + i);
        }
        String spec = "folder:" + dir.resolve("pics") + "?test=0.2&val=0.25";
        DataSplits s1 = Datasets.load(spec, 1);
        DataSplits s2 = Datasets.load(spec, 2);
        assertEquals(4, s1.test().size());
        assertEquals(4, s1.validation().size());
        assertEquals(12, s1.train().size());
        assertArrayEquals(s1.test().pixels(), s2.test().pixels());
        assertEquals(List.of("a", "b"), s1.train().classNames());
        assertEquals("pics/test", s1.test().name());
    }

    @Test
    void idxSpecReadsMnistStyleFoldersWithClassNames() throws Exception {
        TestFiles.idxPair(dir, "train", 20, 2, 2, 2);
        TestFiles.idxPair(dir, "test", 6, 2, 2, 2);
        Files.writeString(dir.resolve("classes.txt"), "even\nodd\n");
        DataSplits s = Datasets.source("idx:" + dir).load(1, 0.0);
        assertEquals(20, s.train().size());
        assertEquals(6, s.test().size());
        assertEquals(List.of("even", "odd"), s.test().classNames());
    }

    @Test
    void missingUserDataIsAnError() {
        GraftException e = assertThrows(GraftException.class, () -> Datasets.load("folder:" + dir.resolve("nope"), 1));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertThrows(GraftException.class, () -> Datasets.source("csv:" + dir.resolve("x.csv")).fetch(true, null));
    }
}
