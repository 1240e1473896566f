package dev.graft.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.cli.Globals;
import dev.graft.train.OptimizerKind;
import dev.graft.train.TrainConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI trains with the library's defaults: a Java user and a CLI user get the same run. */
class TrainOptionsTest {
    @CommandLine.Command(name = "train")
    static final class Train {
        @CommandLine.Mixin
        TrainOptions options;
    }

    @BeforeEach
    void noSeedGiven() {
        Globals.seed = Globals.DEFAULT_SEED; // as a fresh run sees it; an earlier test in this JVM may have set --seed
    }

    private static TrainConfig parse(String... args) {
        Train t = new Train();
        new CommandLine(t).parseArgs(args);
        return t.options.toConfig();
    }

    @Test
    void noFlagsGiveTheLibrarysDefaults() {
        assertEquals(TrainConfig.defaults(), parse());
        assertEquals(TrainConfig.defaults(OptimizerKind.ADAMW), parse("--optimizer", "adamw"));
    }

    @Test
    void flagsChangeOnlyWhatTheyName() {
        assertEquals(TrainConfig.defaults().withEpochs(3).withLr(0.2), parse("--epochs", "3", "--lr", "0.2"));
    }
}
