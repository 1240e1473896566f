package dev.graft.cli.text;

import dev.graft.text.LmFineTuner;
import picocli.CommandLine.Option;

/** The training options {@code lm-finetune} and {@code lm-pretrain} share; unset ones keep the verb's defaults. */
public final class LmTrainingOptions {
    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training blocks (default 1).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Blocks a step (default: lm-finetune 4, lm-pretrain 8).")
    Integer batchSize;

    @Option(names = "--block-size", paramLabel = "N", description = "Tokens a block (default 128, at most the model's n_positions).")
    Integer blockSize;

    @Option(names = "--lr", paramLabel = "LR", description = "AdamW's peak learning rate (default: lm-finetune 5e-5, lm-pretrain 2e-3).")
    Double lr;

    /** {@code o} with the options given on the command line. */
    LmFineTuner.Options apply(LmFineTuner.Options o) {
        if (epochs != null) {
            o = o.withEpochs(epochs);
        }
        if (batchSize != null) {
            o = o.withBatchSize(batchSize);
        }
        if (blockSize != null) {
            o = o.withBlockSize(blockSize);
        }
        if (lr != null) {
            o = o.withLearningRate(lr);
        }
        return o;
    }
}
