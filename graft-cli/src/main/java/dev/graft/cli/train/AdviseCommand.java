package dev.graft.cli.train;

import dev.graft.cli.Globals;
import dev.graft.data.ImageData;
import dev.graft.progress.Output;
import dev.graft.advise.Advice;
import dev.graft.advise.Advisor;
import dev.graft.advise.FeatureStats;
import dev.graft.train.FineTune;
import dev.graft.train.TensorSet;
import dev.graft.util.Json;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft advise}: measures a data set against a pretrained model and recommends a strategy. */
@Command(name = "advise", description = "Measure data against a pretrained model (size, Frechet distance, LogME, LEEP) and pick a strategy.")
public final class AdviseCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Pretrained model arch.tag (its weights folder holds feature_stats.safetensors).")
    String model;

    @Mixin
    TargetDataOption data;

    @Option(names = "--labels-per-class", defaultValue = "0", description = "Measure as if only N labels per class were available.")
    int labelsPerClass;

    @Option(names = "--feature-stats", description = "Feature statistics of the pretraining data (default: next to the weights).")
    Path featureStats;

    @Mixin
    FitOption fit;

    @Option(names = "--probe-folds", defaultValue = "3", description = "Small data: cross-validate every strategy with the"
            + " training options below in K folds and pick the best (default: ${DEFAULT-VALUE}); 0 = rules only.")
    int probeFolds;

    @Mixin
    TrainOptions trainOptions;

    @Override
    public Integer call() {
        GraftModel m = Zoo.create(model, CreateOptions.defaults().withPretrained(true));
        ImageData train = data.train(labelsPerClass);
        Path stats = featureStats != null ? featureStats : FineTune.weightsDir(m).resolve(FeatureStats.FILE);
        dev.graft.engine.Engines.pytorch();
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) Globals.seed);
        GraftModel random = dev.graft.train.ZooModels.factory(model, 0.0).create(false);
        TensorSet measured = fit.prepare(train, m.cfg());
        Advice a = Advisor.advise(m, random, measured, FeatureStats.read(stats), Globals.seed);
        a = Advisor.probeIfSmall(Advisor.preferLora(a, m), dev.graft.train.ZooModels.factory(model, 0.0), measured, trainOptions.toConfig(),
                probeFolds, m);
        if (Output.json()) {
            System.out.println(Json.MAPPER.valueToTree(a).toPrettyString());
        } else {
            System.out.printf(Locale.ROOT, "strategy            %s%s%n", a.strategy().id(),
                    a.strategy() == dev.graft.train.Strategy.PARTIAL ? " (--freeze-stages " + a.freezeStages() + ")" : "");
            System.out.printf(Locale.ROOT, "samples per class   %.1f (smallest class %d)%n", a.samplesPerClass(), a.minSamplesPerClass());
            System.out.printf(Locale.ROOT, "frechet distance    %.4g (relative to the pretraining variance: %.4f)%n", a.frechet(), a.frechetRelative());
            System.out.printf(Locale.ROOT, "logme               %.4f (random initialisation: %.4f)%n", a.logme(), a.logmeRandom());
            System.out.printf(Locale.ROOT, "leep                %.4f%n", a.leep());
            System.out.printf(Locale.ROOT, "measured samples    %d%n", a.measuredSamples());
            if (a.probe() != null) {
                System.out.printf(Locale.ROOT, "probe               %s (%d-fold cross-validation, %.0f s)%n", a.probe().describe(),
                        a.probe().folds(), a.probe().seconds());
            }
            System.out.println("reason              " + a.reason());
        }
        return 0;
    }
}
