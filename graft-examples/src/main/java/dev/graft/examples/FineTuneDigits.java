package dev.graft.examples;

import dev.graft.data.Datasets;
import dev.graft.train.FineTune;
import dev.graft.train.FineTuneResult;
import dev.graft.train.Strategy;
import dev.graft.train.TrainConfig;
import dev.graft.train.ZooModels;
import java.nio.file.Path;

/**
 * Fine-tunes {@code small_cnn.graft_mnist} on the built-in {@code digits} data set (8x8 scans) with
 * 10 labels per class and {@code auto}, as {@code docs/finetuning.md} measures it. Needs the data set
 * once: {@code graft data get digits}. Usage: {@code FineTuneDigits [OUT_DIR]}.
 */
public final class FineTuneDigits {
    private FineTuneDigits() {}

    public static void main(String[] args) {
        Path out = Examples.outDir(args, "digits");
        // example:begin finetune
        FineTuneResult r = FineTune.of("small_cnn.graft_mnist", ZooModels.factory("small_cnn.graft_mnist", 0.0),
                        "digits", Datasets.load("digits", 42))
                .withStrategy(Strategy.AUTO)          // or SCRATCH, PARTIAL (with .withFreezeStages(k)), HEAD, FULL
                .withLabelsPerClass(10)
                .withConfig(TrainConfig.defaults().withEpochs(30).withLr(0.05))
                .withOutDir(out)
                .run();
        System.out.printf("%s: %.2f%%%n", r.strategy(), 100 * r.test().top1());
        // example:end finetune
    }
}
