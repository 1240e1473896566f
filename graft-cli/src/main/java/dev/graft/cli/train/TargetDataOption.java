package dev.graft.cli.train;

import dev.graft.cli.Globals;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.train.FineTune;
import picocli.CommandLine.Option;

/** The required {@code --data} of the verbs that measure a data set against pretrained models (a picocli mixin). */
public final class TargetDataOption {
    @Option(names = "--data", required = true, description = "Target data set name.")
    String data;

    /** Its training split; with {@code labelsPerClass} over 0, only that many samples of each class (seeded). */
    ImageData train(int labelsPerClass) {
        ImageData train = Datasets.load(data, Globals.seed).train();
        return labelsPerClass > 0 ? FineTune.perClass(train, labelsPerClass, Globals.seed) : train;
    }
}
