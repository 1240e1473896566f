package dev.graft.examples;

import dev.graft.advise.Advice;
import dev.graft.advise.Advisor;
import dev.graft.advise.FeatureStats;
import dev.graft.data.ImageData;
import dev.graft.train.FineTune;
import dev.graft.train.ModelInput;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Asks Graft which fine-tuning strategy suits a data set: it measures the data against a pretrained
 * model (samples per class, Fréchet distance to the pretraining features, LogME, LEEP) and recommends
 * a strategy with its reasons.
 */
public final class AdviseStrategy {
    private AdviseStrategy() {}

    public static void main(String[] args) {
        ImageData train = ToyImages.textures(10, 42).train();
        // example:begin advise
        GraftModel model = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
        Path statsFile = FineTune.weightsDir(model).resolve(FeatureStats.FILE);   // saved with the weights
        Advice a = Advisor.advise(model, ModelInput.prepare(train, model.cfg()), FeatureStats.read(statsFile), 42);
        System.out.println(a.strategy().id() + ": " + a.reason());
        // example:end advise
        System.out.printf(Locale.ROOT, "samples per class %.1f, relative Frechet distance %.3f, LogME %.3f%n",
                a.samplesPerClass(), a.frechetRelative(), a.logme());
    }
}
