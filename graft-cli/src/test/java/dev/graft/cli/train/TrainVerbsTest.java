package dev.graft.cli.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.cli.CliRun;
import org.junit.jupiter.api.Test;

/** Bad input to the training verbs gives one line naming the problem and the fix, and exit code 1. */
class TrainVerbsTest {
    static String run(int expected, String... args) {
        return CliRun.run(args).expect(expected).err;
    }

    @Test
    void finetuneNeedsModelAndData() {
        String err = run(1, "finetune", "--data", "digits");
        assertTrue(err.contains("--model and --data are needed"), err);
    }

    @Test
    void unknownStrategyNamesTheChoices() {
        String err = run(1, "finetune", "--model", "small_cnn", "--data", "digits", "--strategy", "linear-probe");
        assertTrue(err.contains("unknown strategy") && err.contains("auto, scratch, partial, head, full"), err);
    }

    @Test
    void resumeWithoutARunFolderSaysSo() {
        String err = run(1, "finetune", "--resume", "no-such-run-folder");
        assertTrue(err.contains("run.json"), err);
    }

    @Test
    void pretrainNameMustCarryTheDataTag() {
        String err = run(1, "pretrain", "small_cnn.a1_in1k");
        assertTrue(err.contains("arch.graft_<data>"), err);
    }
}
