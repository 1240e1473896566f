package dev.graft.train;

import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.advise.Advice;
import dev.graft.advise.Advisor;
import dev.graft.data.DataSplits;
import dev.graft.data.ImageData;
import dev.graft.peft.LoraConfig;
import dev.graft.util.Json;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One fine-tuning run's settings, validated once on construction, and {@link #run()} to carry them
 * out: fine-tunes a model on a data set with one of the strategies (or the advisor's pick) and writes
 * a run folder. The Java face of {@code graft finetune}. Immutable: each {@code withX} returns a
 * copy, so one base spec serves several runs.
 *
 * <!-- example: FineTuneDigits#finetune -->
 * <pre>{@code
 * FineTuneResult r = FineTune.of("small_cnn.graft_mnist", ZooModels.factory("small_cnn.graft_mnist", 0.0),
 *                 "digits", Datasets.load("digits", 42))
 *         .withStrategy(Strategy.AUTO)          // or SCRATCH, PARTIAL (with .withFreezeStages(k)), HEAD, FULL
 *         .withLabelsPerClass(10)
 *         .withConfig(TrainConfig.defaults().withEpochs(30).withLr(0.05))
 *         .withOutDir(out)
 *         .run();
 * System.out.printf("%s: %.2f%%%n", r.strategy(), 100 * r.test().top1());
 * }</pre>
 *
 * @param modelName the model's name, for reports and model cards
 * @param factory makes the model, pretrained or not
 * @param dataName the data set's name, for reports
 * @param splits the data
 * @param strategy see {@link #withStrategy}
 * @param freezeStages see {@link #withFreezeStages}
 * @param config see {@link #withConfig}
 * @param labelsPerClass see {@link #withLabelsPerClass}
 * @param evalLimit see {@link #withEvalLimit}
 * @param fit see {@link #withFit}
 * @param outDir see {@link #withOutDir}; null = the default
 * @param featureStats see {@link #withFeatureStats}; null = the default
 * @param cacheFeatures see {@link #withCacheFeatures}
 * @param probeFolds see {@link #withProbeFolds}
 * @param probeMaxValues the largest cached training set the probe fits
 * @param stopSignal see {@link #withStopSignal}
 * @param reproduce see {@link #withReproduce}; may be null
 * @param resumed the recorded settings of the run being continued ({@link #resume}), else null
 * @param lora see {@link #withLora}; null = the defaults for the model
 */
public record FineTune(
        String modelName,
        ModelFactory factory,
        String dataName,
        DataSplits splits,
        Strategy strategy,
        int freezeStages,
        TrainConfig config,
        int labelsPerClass,
        int evalLimit,
        int fit,
        Path outDir,
        Path featureStats,
        boolean cacheFeatures,
        int probeFolds,
        long probeMaxValues,
        StopSignal stopSignal,
        String reproduce,
        RunSpec resumed,
        LoraConfig lora) {

    public FineTune {
        if (factory == null || splits == null || modelName == null || dataName == null) {
            throw new GraftException("fine-tuning needs a model and a data set", "create the run with FineTune.of(model, factory, data, splits)");
        }
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(stopSignal, "stopSignal");
        check(freezeStages >= -1, "freeze stages " + freezeStages + " is below -1", "use -1 (half of the stages) or 0 and more");
        check(labelsPerClass >= 0, "labels per class " + labelsPerClass + " is negative", "use 0 (all) or more");
        check(evalLimit >= 0, "evaluation limit " + evalLimit + " is negative", "use 0 (all) or more");
        check(fit >= 0, "fit box " + fit + " is negative", "use 0 (off) or the side of the square in pixels");
        check(probeFolds >= 0, "probe folds " + probeFolds + " is negative", "use 0 (rules only) or e.g. 3");
    }

    private static void check(boolean ok, String problem, String fix) {
        if (!ok) {
            throw new GraftException(problem, fix);
        }
    }

    /** A run of {@code factory}'s model on {@code splits} with the defaults: strategy auto, {@link TrainConfig#defaults()}. */
    public static FineTune of(String modelName, ModelFactory factory, String dataName, DataSplits splits) {
        return new FineTune(modelName, factory, dataName, splits, Strategy.AUTO, -1, TrainConfig.defaults(), 0, 0, 0, null, null, true,
                StrategyProbe.DEFAULT_FOLDS, LinearProbe.MAX_VALUES, new StopSignal(), null, null, null);
    }

    /**
     * The interrupted run in {@code runDir}, to continue from its checkpoint with the settings its
     * {@code run.json} recorded ({@code recorded}, from {@link RunSpec#read}).
     */
    public static FineTune resume(Path runDir, RunSpec recorded, ModelFactory factory, DataSplits splits) {
        return new FineTune(recorded.model(), factory, recorded.data(), splits, recorded.strategy(), recorded.freezeStages(), recorded.config(),
                recorded.labelsPerClass(), recorded.evalLimit(), recorded.fit(), runDir, null, recorded.cacheFeatures(), StrategyProbe.DEFAULT_FOLDS,
                LinearProbe.MAX_VALUES, new StopSignal(), recorded.reproduce(), recorded, recorded.lora());
    }

    /** The strategy (default {@link Strategy#AUTO}: the advisor picks). */
    public FineTune withStrategy(Strategy v) {
        if (v == Strategy.IA3 || v == Strategy.PROMPT_TUNING) {
            throw new GraftException("image fine-tuning has no strategy '" + v.id() + "'", "use lora for an adapter of an image model (" + v.id() + " is text-finetune's)");
        }
        return new FineTune(modelName, factory, dataName, splits, v, freezeStages, config, labelsPerClass, evalLimit, fit, outDir, featureStats, cacheFeatures, probeFolds, probeMaxValues, stopSignal, reproduce, resumed, lora);
    }

    /** For {@code partial}: how many groups (stem first) stay frozen; -1 (default) = half of the stages plus the stem. */
    public FineTune withFreezeStages(int v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, v, config, labelsPerClass, evalLimit, fit, outDir, featureStats, cacheFeatures, probeFolds, probeMaxValues, stopSignal, reproduce, resumed, lora);
    }

    /** The hyper-parameters (default {@link TrainConfig#defaults()}). */
    public FineTune withConfig(TrainConfig v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, v, labelsPerClass, evalLimit, fit, outDir, featureStats, cacheFeatures, probeFolds, probeMaxValues, stopSignal, reproduce, resumed, lora);
    }

    /** Keep only this many training samples per class (seeded); 0 (default) = all. */
    public FineTune withLabelsPerClass(int v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, config, v, evalLimit, fit, outDir, featureStats, cacheFeatures, probeFolds, probeMaxValues, stopSignal, reproduce, resumed, lora);
    }

    /** Evaluate on at most this many validation and test samples (a seeded, class-balanced subset); 0 (default) = all. */
    public FineTune withEvalLimit(int v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, config, labelsPerClass, v, fit, outDir, featureStats, cacheFeatures, probeFolds, probeMaxValues, stopSignal, reproduce, resumed, lora);
    }

    /** Resize images into a {@code box x box} square centred on the model's input (see {@link ModelInput#fit}); 0 (default) = off. */
    public FineTune withFit(int v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, config, labelsPerClass, evalLimit, v, outDir, featureStats, cacheFeatures, probeFolds, probeMaxValues, stopSignal, reproduce, resumed, lora);
    }

    /** The run folder (default {@link #defaultOutDir}). */
    public FineTune withOutDir(Path v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, config, labelsPerClass, evalLimit, fit, v, featureStats, cacheFeatures, probeFolds, probeMaxValues, stopSignal, reproduce, resumed, lora);
    }

    /** Feature statistics of the pretraining data (for {@code auto}); default: next to the weights ({@link #weightsDir}). */
    public FineTune withFeatureStats(Path v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, config, labelsPerClass, evalLimit, fit, outDir, v, cacheFeatures, probeFolds, probeMaxValues, stopSignal, reproduce, resumed, lora);
    }

    /** For {@code head}: compute backbone features once and fit the classifier on them to convergence
     * ({@link LinearProbe}; SGD epochs on the cached features beyond {@link LinearProbe#MAX_VALUES}) (default true).
     * Off: the classifier is trained by SGD for the configured epochs, the frozen backbone running every step.
     */
    public FineTune withCacheFeatures(boolean v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, config, labelsPerClass, evalLimit, fit, outDir, featureStats, v, probeFolds, probeMaxValues, stopSignal, reproduce, resumed, lora);
    }

    /** For {@code auto} on small data: folds of the strategy probe ({@link Advisor#probeIfSmall}); 0 = rules only. */
    public FineTune withProbeFolds(int v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, config, labelsPerClass, evalLimit, fit, outDir, featureStats, cacheFeatures, v, probeMaxValues, stopSignal, reproduce, resumed, lora);
    }

    /** Stops the run at the next batch boundary with a checkpoint (default: a signal nobody triggers). */
    public FineTune withStopSignal(StopSignal v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, config, labelsPerClass, evalLimit, fit, outDir, featureStats, cacheFeatures, probeFolds, probeMaxValues, v, reproduce, resumed, lora);
    }

    /** The command that reproduces the run, shown in the report. */
    public FineTune withReproduce(String v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, config, labelsPerClass, evalLimit, fit, outDir, featureStats, cacheFeatures, probeFolds, probeMaxValues, stopSignal, v, resumed, lora);
    }

    /**
     * For {@code lora}: the adapters' settings (rank, alpha, target modules...); default null =
     * {@link LoraConfig#defaults()}, whose targets are the model's attention projections. The classifier is always trained fully
     * and saved with the adapter ({@code modules_to_save}).
     */
    public FineTune withLora(LoraConfig v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, config, labelsPerClass, evalLimit, fit, outDir, featureStats, cacheFeatures, probeFolds, probeMaxValues, stopSignal, reproduce, resumed, v);
    }

    /** Test hook: the largest cached training set (samples x features) fitted by the probe; larger ones train by SGD epochs. */
    FineTune withProbeMaxValues(long v) {
        return new FineTune(modelName, factory, dataName, splits, strategy, freezeStages, config, labelsPerClass, evalLimit, fit, outDir, featureStats, cacheFeatures, probeFolds, v, stopSignal, reproduce, resumed, lora);
    }

    /** Runs it: trains, evaluates and writes the run folder. */
    public FineTuneResult run() {
        try {
            return new FineTuneRun(this).run();
        } finally {
            // a shutdown hook waiting for a checkpoint must not wait for a run that already ended (or never started)
            stopSignal.markFinished();
        }
    }

    /** The run folder: the one given, else {@link #defaultOutDir}. */
    public Path runDir() {
        return outDir != null ? outDir : defaultOutDir(dataName, modelName, strategy);
    }

    /**
     * What a run folder's {@code run.json} records so {@code --resume} can rebuild the same run.
     */
    public record RunSpec(
            @JsonProperty("model") String model,
            @JsonProperty("data") String data,
            @JsonProperty("requested_strategy") Strategy requestedStrategy,
            @JsonProperty("strategy") Strategy strategy,
            @JsonProperty("freeze_stages") int freezeStages,
            @JsonProperty("labels_per_class") int labelsPerClass,
            @JsonProperty("eval_limit") int evalLimit,
            @JsonProperty("fit") int fit,
            @JsonProperty("cache_features") boolean cacheFeatures,
            @JsonProperty("config") TrainConfig config,
            @JsonProperty("advice") Advice advice,
            @JsonProperty("reproduce") String reproduce,
            @JsonProperty("lora") LoraConfig lora) {

        public static RunSpec read(Path runDir) {
            Path f = runDir.resolve(RunDirectory.SPEC);
            if (!Files.isRegularFile(f)) {
                throw new GraftException("no " + RunDirectory.SPEC + " in " + runDir, "pass the run folder of an earlier fine-tuning run");
            }
            try {
                return Json.MAPPER.readValue(f.toFile(), RunSpec.class);
            } catch (IOException e) {
                throw new GraftException("cannot read " + f + ": " + e.getMessage(), "the run folder is damaged", e);
            }
        }
    }

    /** The run folder used when none is given: {@code runs/<data>-<model>-<strategy>}. */
    public static Path defaultOutDir(String dataName, String modelName, Strategy strategy) {
        return RunDirectory.defaultDir(dataName + "-" + modelName + "-" + strategy.id());
    }

    /** Whether the model's classifier has a bias ({@code <classifier>.bias}). */
    static boolean classifierHasBias(GraftModel model) {
        return model.stateDict().containsKey(model.cfg().classifier() + ".bias");
    }

    /**
     * Gives {@code model} a new classifier for {@code classes} classes (kept when a scratch model already has that
     * many) and freezes what {@code strategy} keeps: everything but the classifier for {@code head}, the stem and
     * the first groups for {@code partial} ({@code freezeStages} of them; -1 = the stem and half of the stages).
     * The engine's random seed should be set before the call (the new classifier is initialised here).
     *
     * @return the number of groups frozen (stem first)
     */
    static int applyStrategy(GraftModel model, Strategy strategy, int freezeStages, int classes) {
        if (strategy != Strategy.SCRATCH || model.numClasses() != classes) {
            model.resetClassifier(classes);
        }
        int stages = Math.max(0, model.groupMatcher().size() - 2);
        switch (strategy) {
            case HEAD, LORA -> {
                ModelParts.freezeAllButClassifier(model);
                return stages + 1;
            }
            case PARTIAL -> {
                int k = freezeStages < 0 ? ModelParts.defaultPartialFreeze(stages) : freezeStages;
                ModelParts.freezeGroups(model, k);
                return k;
            }
            default -> {
                return 0;
            }
        }
    }

    /** The classifier alone, applied to cached backbone features (what {@code head} trains on). */
    static TrainLoop.Forward cachedHeadForward(GraftModel model) {
        Map<String, Parameter> sd = model.stateDict();
        String cls = model.cfg().classifier();
        Parameter w = sd.get(cls + ".weight");
        Parameter b = sd.get(cls + ".bias");
        if (w == null) {
            throw new SettingException(SettingException.Reason.NO_CLASSIFIER, null, "model " + model.cfg().name() + " has no '" + cls
                    + ".weight' classifier", "use strategy full or partial");
        }
        return (ps, x, training) -> Linear.linear(x, w.getArray(), b == null ? null : b.getArray()).singletonOrThrow();
    }

    /**
     * The data set's name as a published card shows it: a user's own data ({@code folder:/home/x/pets})
     * is named by its last path element ({@code folder:pets}), so no local path leaves the machine.
     */
    static String publicDataName(String spec) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(folder|idx|csv):([^?]*)(\\?.*)?$").matcher(spec);
        if (!m.matches()) {
            return spec;
        }
        Path p = Path.of(m.group(2)).getFileName();
        return m.group(1) + ":" + (p == null ? "data" : p.toString());
    }

    /**
     * Where a pretrained model's weights and their feature statistics are: the folder it was loaded
     * from (a hub snapshot for {@code hf-hub:} models), else the catalogue folder of its name.
     */
    public static Path weightsDir(GraftModel m) {
        return m.weightsDir() != null ? m.weightsDir() : Zoo.weightsDir(m.cfg().name());
    }

    /** The first {@code n} samples of each class in a seeded shuffle (fewer where a class has fewer). */
    public static ImageData perClass(ImageData data, int n, long seed) {
        int[] order = TrainLoop.permutation(data.size(), seed, -2);
        int[] taken = new int[data.numClasses()];
        List<Integer> keep = new ArrayList<>();
        for (int i : order) {
            int c = data.label(i);
            if (taken[c] < n) {
                taken[c]++;
                keep.add(i);
            }
        }
        int[] idx = keep.stream().mapToInt(Integer::intValue).sorted().toArray();
        return data.subset(data.name() + "-" + n + "-per-class", idx);
    }
}

