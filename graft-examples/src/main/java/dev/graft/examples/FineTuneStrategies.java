package dev.graft.examples;

import dev.graft.data.DataSplits;
import dev.graft.train.FineTune;
import dev.graft.train.FineTuneResult;
import dev.graft.train.Strategy;
import dev.graft.train.TrainConfig;
import dev.graft.train.ZooModels;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Fine-tunes the pretrained {@code small_cnn.graft_mnist} on a small new task with every strategy
 * Graft has: from scratch, freezing the early layers, the classifier only, everything, and {@code auto}
 * (the advisor measures the data and picks one). Each run writes a run folder (metrics, report, plots,
 * the exported model with its card). Usage: {@code FineTuneStrategies [OUT_DIR]}.
 */
public final class FineTuneStrategies {
    private FineTuneStrategies() {}

    public static void main(String[] args) {
        Path out = Examples.outDir(args, "finetune");
        DataSplits data = ToyImages.textures(10, 42);
        // example:begin strategies
        TrainConfig config = TrainConfig.defaults().withEpochs(2).withBatchSize(16).withLr(0.05).withSeed(42);
        for (Strategy s : Strategy.values()) {                  // AUTO, SCRATCH, PARTIAL, HEAD, FULL
            FineTune run = FineTune.of("small_cnn.graft_mnist", ZooModels.factory("small_cnn.graft_mnist", 0.0), "textures", data)
                    .withStrategy(s)
                    .withConfig(config)
                    .withOutDir(out.resolve(s.id()));
            if (s == Strategy.PARTIAL) {
                run = run.withFreezeStages(2);                  // the stem and the first stage stay as pretrained
            }
            FineTuneResult r = run.run();
            System.out.printf(Locale.ROOT, "%-8s -> %-7s test top-1 %.1f%%%n", s.id(), r.strategy().id(), 100 * r.test().top1());
        }
        // example:end strategies
    }
}
