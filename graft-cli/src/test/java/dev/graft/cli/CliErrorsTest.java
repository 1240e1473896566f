package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.zoo.WeightsStep;
import dev.graft.zoo.ZooException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The zoo's errors name no command or flag; the CLI words their fixes with its own. */
class CliErrorsTest {
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
}
