package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.advise.FeatureStats;
import dev.graft.data.DataSplits;
import dev.graft.progress.Output;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Graft's own pretrained weights: trains an architecture from scratch on a data set, then writes
 * {@code GRAFT_HOME/weights/<arch>.<tag>/} with {@code model.safetensors}, {@code config.json}, an
 * honest model card and {@code feature_stats.safetensors} (mean and covariance of the penultimate
 * features on the training set, for the advisor). The Java face of {@code graft pretrain}.
 *
 * <pre>{@code
 * Pretrain.Result r = Pretrain.run("small_cnn", "mnist", Datasets.load("mnist", 42), TrainConfig.defaults().withEpochs(3), runs);
 * }</pre>
 */
public final class Pretrain {
    private Pretrain() {}

    /**
     * @param weightsDir the folder written
     * @param run the fine-tuning run behind it
     */
    public record Result(Path weightsDir, FineTuneResult run) {}

    static String recipe(String arch, String data, int labelsPerClass, TrainConfig c) {
        return String.format(Locale.ROOT, "graft pretrain --model %s --data %s --epochs %d --lr %s --batch-size %d --seed %d%s", arch, data,
                c.epochs(), c.lr(), c.batchSize(), c.seed(), labelsPerClass > 0 ? " --labels-per-class " + labelsPerClass : "");
    }

    /** The tag of weights trained on {@code data}: {@code graft_} plus the data name with dashes as underscores. */
    public static String tagFor(String data) {
        return "graft_" + data.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    }

    /**
     * @param labelsPerClass train on this many samples per class (seeded subset; 0 = all), to fit a time budget
     */
    public static Result run(String arch, String dataName, DataSplits splits, int labelsPerClass, TrainConfig config, Path runDir,
                             StopSignal stop) {
        String name = arch + "." + tagFor(dataName);
        PretrainedCfg target;
        try {
            target = Zoo.cfg(name);
        } catch (GraftException e) {
            // not in the catalogue: the architecture's defaults with this data set's labels
            target = Zoo.cfg(arch);
        }
        PretrainedCfg inputCfg = target;
        int classes = splits.train().numClasses();
        ModelFactory factory = pretrained -> {
            GraftModel m = Zoo.create(arch, CreateOptions.defaults().withPretrained(false).withNumClasses(classes));
            return new InputOverride(m, inputCfg);
        };
        FineTuneResult r = FineTune.of(arch, factory, dataName, splits).withStrategy(Strategy.SCRATCH)
                .withConfig(config).withOutDir(runDir).withStopSignal(stop).withLabelsPerClass(labelsPerClass)
                .withReproduce(recipe(arch, dataName, labelsPerClass, config))
                .run();
        if (r.interrupted()) {
            return new Result(null, r);
        }
        GraftModel model = Zoo.create("local-dir:" + r.runDir(), CreateOptions.defaults());
        Path dir = Weights.catalogueDir(name);
        try {
            Files.createDirectories(dir);
            Map<String, Object> prov = new LinkedHashMap<>();
            prov.put("dataset", dataName);
            prov.put("recipe", recipe(arch, dataName, labelsPerClass, config));
            prov.put("test_top1", r.test().top1());
            prov.put("test_top5", r.test().top5());
            prov.put("epochs", r.history().size());
            prov.put("seed", config.seed());
            int trainSamples = labelsPerClass > 0 ? FineTune.perClass(splits.train(), labelsPerClass, config.seed()).size() : splits.train().size();
            prov.put("train_samples", trainSamples);
            prov.put("versions", RunDirectory.versions());
            prov.put("notes", "trained from random initialisation by Graft on this machine; no external pretrained weights");
            PretrainedCfg cfg = new PretrainedCfg(target.architecture(), tagFor(dataName), classes, target.numFeatures(),
                    splits.train().classNames(), target.inputSize(), target.interpolation(), target.cropPct(), target.mean(),
                    target.std(), target.firstConv(), target.classifier(), "apache-2.0",
                    target.source() != null ? target.source() : "trained by Graft on " + dataName, prov);
            Weights.saveStateDict(model.stateDict(), dir.resolve(ResolvedWeights.WEIGHTS_FILE), Map.of("graft_recipe", (String) prov.get("recipe")));
            model.writeConfig(cfg, dir);
            Output.note("feature statistics of the training set (for the advisor)");
            TensorSet feats = FeatureExtractor.features(model, ModelInput.prepare(splits.train(), cfg), 256);
            FeatureStats.of(FeatureExtractor.rows(feats)).write(dir.resolve(FeatureStats.FILE));
            Map<String, Object> fm = new CardFrontMatter("apache-2.0", "image-classification").withDataset(dataName)
                    .withTags("graft", "image-classification", "pretrained-by-graft")
                    .withResult(name, "image-classification", dataName, CardFrontMatter.metric("accuracy", "top-1", r.test().top1()))
                    .withExtra("graft", Map.of("seed", config.seed(), "epochs", r.history().size(), "versions", RunDirectory.versions()))
                    .toMap();
            String body = "# " + name + "\n\n"
                    + "Weights for `" + arch + "` trained from random initialisation by Graft on " + dataName + " ("
                    + trainSamples + " training images, " + r.history().size() + " epochs, seed " + config.seed() + ").\n\n"
                    + String.format(Locale.ROOT, "Test top-1: %.2f%% on %d images.%n%n", 100 * r.test().top1(), r.test().count())
                    + "These are not ImageNet weights: nothing could be downloaded where they were made, so Graft pretrains its own"
                    + " small models to make transfer learning testable. They carry the knowledge of one small data set only.\n\n"
                    + "`feature_stats.safetensors` holds the mean and covariance of the penultimate features on the training set;"
                    + " `graft advise` compares new data against them.\n\n"
                    + "Reproduce: `" + prov.get("recipe") + "`\n";
            RunDirectory.writeCard(dir.resolve("README.md"), fm, body);
        } catch (IOException e) {
            throw new GraftException("cannot write " + dir + ": " + e.getMessage(), "check GRAFT_HOME is writable", e);
        }
        Output.note("wrote " + dir);
        return new Result(dir, r);
    }
}
