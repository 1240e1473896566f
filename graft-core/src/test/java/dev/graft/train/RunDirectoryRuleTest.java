package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output-folder rule and the divergence rule every trainer shares. */
class RunDirectoryRuleTest {
    @TempDir
    Path tmp;

    @Test
    void aNonEmptyFolderIsRefusedUnlessOverwriteIsGiven() throws Exception {
        Path missing = tmp.resolve("new");
        assertEquals(missing, RunDirectory.claim(missing, false, null));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(empty, RunDirectory.claim(empty, false, null));
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("model.safetensors"), "good");
        Files.createDirectories(used.resolve("best"));
        GraftException e = assertThrows(GraftException.class, () -> RunDirectory.claim(used, false, "FineTune.resume(" + used + ")"));
        assertTrue(e.getMessage().contains(used.toString()) && e.getMessage().contains("best, model.safetensors"), e.getMessage());
        assertTrue(e.fix().contains("allow overwriting") && e.fix().contains("FineTune.resume(" + used + ")"), e.fix());
        GraftException noResume = assertThrows(GraftException.class, () -> RunDirectory.claim(used, false, null));
        assertTrue(!noResume.fix().contains("resume"), noResume.fix());
        assertEquals(used, RunDirectory.claim(used, true, null));
        assertEquals("good", Files.readString(used.resolve("model.safetensors")), "claiming writes nothing");
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertThrows(GraftException.class, () -> RunDirectory.claim(file, true, null));
    }

    @Test
    void aNonFiniteLossIsAnErrorThatSaysNothingWasExported() {
        Divergence.check(1.5, "the loss", "epoch 1", 0.1);
        GraftException e = assertThrows(GraftException.class, () -> Divergence.check(Double.NaN, "the loss", "epoch 2, step 3", 1e10));
        assertTrue(e.getMessage().contains("training diverged: the loss is NaN at epoch 2, step 3 (learning rate 1.00e+10)"), e.getMessage());
        assertTrue(e.fix().contains("TrainConfig.lr 1.00e+09") && e.fix().contains("nothing was exported"), e.fix());
        assertThrows(GraftException.class, () -> Divergence.check(Double.POSITIVE_INFINITY, "the loss", "step 1", Double.NaN));
    }
}
