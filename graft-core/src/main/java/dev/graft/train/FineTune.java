package dev.graft.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.advise.Advice;
import dev.graft.advise.Advisor;
import dev.graft.advise.FeatureStats;
import dev.graft.data.DataSplits;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.engine.Engines;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fine-tunes a model on a data set with one of the strategies (or the advisor's pick) and writes a
 * run folder. The Java face of {@code graft finetune}.
 *
 * <pre>{@code
 * FineTuneResult r = FineTune.builder()
 *         .model("small_cnn.graft_mnist", pretrained -> Zoo.create(...))
 *         .data("digits", Datasets.load("digits", 42))
 *         .strategy(Strategy.AUTO)
 *         .labelsPerClass(10)
 *         .config(TrainConfig.defaults().withEpochs(20))
 *         .outDir(Path.of("runs/digits"))
 *         .run();
 * System.out.println(r.strategy() + " " + r.test().top1());
 * }</pre>
 */
public final class FineTune {
    private String modelName;
    private ModelFactory factory;
    private String dataName;
    private DataSplits splits;
    private Strategy strategy = Strategy.AUTO;
    private int freezeStages = -1;
    private TrainConfig config = TrainConfig.defaults();
    private int labelsPerClass;
    private int evalLimit;
    private int fitBox;
    private Path outDir;
    private Path resume;
    private Path featureStats;
    private boolean cacheFeatures = true;
    private int probeFolds = StrategyProbe.DEFAULT_FOLDS;
    private long probeMaxValues = LinearProbe.MAX_VALUES;
    private StopSignal stop = new StopSignal();
    private String reproduce;

    private FineTune() {}

    public static FineTune builder() {
        return new FineTune();
    }

    /** The model by name (for reports and model cards) and how to make it. */
    public FineTune model(String name, ModelFactory f) {
        this.modelName = name;
        this.factory = f;
        return this;
    }

    /** The data set by name (for reports) and its splits. */
    public FineTune data(String name, DataSplits s) {
        this.dataName = name;
        this.splits = s;
        return this;
    }

    public FineTune strategy(Strategy s) {
        this.strategy = s;
        return this;
    }

    /** For {@code partial}: how many groups (stem first) stay frozen; -1 = half of the stages plus the stem. */
    public FineTune freezeStages(int k) {
        this.freezeStages = k;
        return this;
    }

    public FineTune config(TrainConfig c) {
        this.config = c;
        return this;
    }

    /** Keep only this many training samples per class (seeded); 0 = all. */
    public FineTune labelsPerClass(int n) {
        this.labelsPerClass = n;
        return this;
    }

    /** Evaluate on at most this many validation and test samples (a seeded, class-balanced subset); 0 = all. */
    public FineTune evalLimit(int n) {
        this.evalLimit = n;
        return this;
    }

    /** Resize images into a {@code box x box} square centred on the model's input (see {@link ModelInput#fit}); 0 = off. */
    public FineTune fit(int box) {
        this.fitBox = box;
        return this;
    }

    public FineTune outDir(Path p) {
        this.outDir = p;
        return this;
    }

    /** Continue the run in this folder from its checkpoint (settings come from its run.json). */
    public FineTune resume(Path runDir) {
        this.resume = runDir;
        return this;
    }

    /** Feature statistics of the pretraining data (for {@code auto}); default: next to the weights. */
    public FineTune featureStats(Path file) {
        this.featureStats = file;
        return this;
    }

    /**
     * For {@code head}: compute backbone features once and fit the classifier on them to convergence
     * ({@link LinearProbe}; SGD epochs on the cached features beyond {@link LinearProbe#MAX_VALUES}) (default true).
     * Off: the classifier is trained by SGD for the configured epochs, the frozen backbone running every step.
     */
    public FineTune cacheFeatures(boolean on) {
        this.cacheFeatures = on;
        return this;
    }

    /** For {@code auto} on small data: folds of the strategy probe ({@link Advisor#probeIfSmall}); 0 = rules only. */
    public FineTune probeFolds(int k) {
        this.probeFolds = k;
        return this;
    }

    /** Test hook: the largest cached training set (samples x features) fitted by the probe; larger ones train by SGD epochs. */
    FineTune probeMaxValues(long v) {
        this.probeMaxValues = v;
        return this;
    }

    public FineTune stopSignal(StopSignal s) {
        this.stop = s;
        return this;
    }

    /** The command that reproduces the run, shown in the report. */
    public FineTune reproduceCommand(String cmd) {
        this.reproduce = cmd;
        return this;
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
            @JsonProperty("reproduce") String reproduce) {

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
        return Path.of("runs", (dataName + "-" + modelName + "-" + strategy.id()).replaceAll("[^A-Za-z0-9_.-]", "_"));
    }

    public FineTuneResult run() {
        try {
            return runUnguarded();
        } finally {
            // a shutdown hook waiting for a checkpoint must not wait for a run that already ended (or never started)
            stop.markFinished();
        }
    }

    private FineTuneResult runUnguarded() {
        if (factory == null || splits == null) {
            throw new GraftException("fine-tuning needs a model and a data set", "call model(...) and data(...) on the builder");
        }
        Engines.pytorch();
        Engine engine = Engine.getInstance();
        RunSpec spec = null;
        if (resume != null) {
            spec = RunSpec.read(resume);
            outDir = resume;
            strategy = spec.strategy();
            freezeStages = spec.freezeStages();
            config = spec.config();
            labelsPerClass = spec.labelsPerClass();
            evalLimit = spec.evalLimit();
            fitBox = spec.fit();
            cacheFeatures = spec.cacheFeatures();
            reproduce = spec.reproduce() != null ? spec.reproduce() : reproduce;  // the report shows how the run began
        }
        if (outDir == null) {
            outDir = defaultOutDir(dataName, modelName, strategy);
        }
        RunDirectory run = new RunDirectory(outDir);
        ImageData train = labelsPerClass > 0 ? perClass(splits.train(), labelsPerClass, config.seed()) : splits.train();

        engine.setRandomSeed((int) config.seed());
        Strategy requested = spec == null ? strategy : spec.requestedStrategy();
        Advice advice = spec == null ? null : spec.advice();
        GraftModel model;
        if (strategy == Strategy.AUTO) {
            GraftModel pretrained = factory.create(true);
            Path stats = featureStats != null ? featureStats : weightsDir(pretrained).resolve(FeatureStats.FILE);
            GraftModel randomInit = factory.create(false);
            TensorSet measured = ModelInput.prepare(ModelInput.fit(train, fitBox, pretrained.cfg()), pretrained.cfg());
            advice = Advisor.advise(pretrained, randomInit, measured, FeatureStats.read(stats), config.seed());
            advice = Advisor.probeIfSmall(advice, factory, measured, config, probeFolds, pretrained);
            Output.note("advisor: " + advice.strategy().id() + " - " + advice.reason());
            strategy = advice.strategy();
            if (freezeStages < 0 && strategy == Strategy.PARTIAL) {
                freezeStages = advice.freezeStages();
            }
            engine.setRandomSeed((int) config.seed());
            model = strategy.usesPretrained() ? pretrained : factory.create(false);
        } else {
            model = factory.create(strategy.usesPretrained());
        }
        int classes = train.numClasses();
        PretrainedCfg baseCfg = model.cfg();
        engine.setRandomSeed((int) config.seed() + 1);
        freezeStages = applyStrategy(model, strategy, freezeStages, classes);
        if (spec == null) {
            spec = new RunSpec(modelName, dataName, requested, strategy, freezeStages, labelsPerClass, evalLimit, fitBox, cacheFeatures, config, advice, reproduce);
            try {
                Json.MAPPER.writeValue(run.root().resolve(RunDirectory.SPEC).toFile(), spec);
            } catch (IOException e) {
                throw new GraftException("cannot write " + run.root().resolve(RunDirectory.SPEC), "check the folder is writable", e);
            }
        }

        ModelInput.note(train, fitBox, model.cfg());
        TensorSet trainSet = ModelInput.prepare(ModelInput.fit(train, fitBox, model.cfg()), model.cfg());
        TensorSet valSet = ModelInput.prepare(ModelInput.fit(limit(splits.validation()), fitBox, model.cfg()), model.cfg());
        TensorSet testSet = ModelInput.prepare(ModelInput.fit(limit(splits.test()), fitBox, model.cfg()), model.cfg());
        TrainLoop.Forward forward;
        TrainLoop.Forward evalForward;
        if (strategy == Strategy.HEAD && cacheFeatures) {
            Output.note("head: computing the frozen backbone's features once");
            trainSet = FeatureExtractor.features(model, trainSet, 256);
            valSet = FeatureExtractor.features(model, valSet, 256);
            testSet = FeatureExtractor.features(model, testSet, 256);
            if ((long) trainSet.size() * trainSet.sampleSize() <= probeMaxValues) {
                return fitProbe(spec, run, model, baseCfg, advice, trainSet, valSet, testSet);
            }
            Output.note(String.format(Locale.ROOT, "head: %d x %d cached features are more than the full-batch probe holds (%d values);"
                    + " training the classifier by SGD for %d epochs instead", trainSet.size(), trainSet.sampleSize(), probeMaxValues,
                    config.epochs()));
            forward = cachedHeadForward(model);
            evalForward = forward;
        } else if (strategy == Strategy.HEAD) {
            forward = (ps, x, training) -> model.forwardHead(ps, model.forwardFeatures(ps, x, false), training, false);
            evalForward = model::forward;
        } else {
            forward = model::forward;
            evalForward = model::forward;
        }

        GroupedOptimizer optimizer = new GroupedOptimizer(config.optimizer(), config.momentum(),
                ModelParts.trainable(model, strategy, config));
        LoopState state = null;
        if (resume != null) {
            state = Checkpoint.load(run.checkpointDir(), model.stateDict(), optimizer);
            run.rewriteMetrics(state.history());
            Output.note(String.format(Locale.ROOT, "resuming %s at epoch %d, batch %d", run.root(), state.epoch() + 1, state.batch()));
        } else {
            run.rewriteMetrics(List.of());
        }
        Output.note(String.format(Locale.ROOT, "%s on %s: strategy %s%s, %d training samples (%d classes), %d trainable tensors",
                modelName, dataName, strategy.id(), strategy == Strategy.PARTIAL ? " (" + freezeStages + " groups frozen)" : "",
                trainSet.size(), classes, optimizer.params().size()));
        TrainLoop loop = new TrainLoop(config, forward, optimizer, model.stateDict())
                .checkpointDir(run.checkpointDir())
                .bestDir(run.bestDir())
                .stopSignal(stop)
                .label("epoch")
                .onEpoch(rec -> {
                    run.appendMetrics(rec);
                    Output.note(String.format(Locale.ROOT, "epoch %s: train loss %.4f acc %.2f%%%s", rec.get("epoch"),
                            (double) rec.get("train_loss"), 100 * (double) rec.get("train_top1"),
                            rec.containsKey("val_top1") ? String.format(Locale.ROOT, ", val loss %.4f acc %.2f%%",
                                    (double) rec.get("val_loss"), 100 * (double) rec.get("val_top1")) : ""));
                });
        TrainLoop.Result result = loop.run(trainSet, valSet, state);
        double ips = result.samplesSeen() / Math.max(1e-9, result.trainSeconds());
        if (result.interrupted()) {
            Output.note("stopped; the run in " + run.root() + " can be resumed from its checkpoint");
            return new FineTuneResult(run.root(), strategy, freezeStages, advice, result.history(), result.bestEpoch(), null, null,
                    result.trainSeconds(), ips, true, false, null);
        }
        Path best = run.bestDir().resolve(Checkpoint.MODEL_FILE);
        if (Files.isRegularFile(best)) {
            try (NDManager nd = NDManager.newBaseManager()) {
                Checkpoint.readInto(best, model.stateDict(), nd);
            } catch (IOException e) {
                throw new GraftException("cannot read " + best + ": " + e.getMessage(), "rerun the training", e);
            }
        }
        int evalBatch = Math.max(256, config.batchSize());
        EvalResult val = valSet.size() > 0 ? TrainLoop.evaluate(evalForward, valSet, evalBatch, 0.0) : null;
        EvalResult test = TrainLoop.evaluate(evalForward, testSet, evalBatch, 0.0);
        Divergence.check(test.loss(), "the test loss", "the end of training", config.lr());
        if (val != null) {
            run.appendMetrics(RunDirectory.record("validation", val));
        }
        run.appendMetrics(RunDirectory.record("test", test));
        FineTuneResult out = new FineTuneResult(run.root(), strategy, freezeStages, advice, result.history(), result.bestEpoch(), val,
                test, result.trainSeconds(), ips, false, result.stoppedEarly(), null);
        new FineTuneReport(spec).write(run, model, baseCfg, out, trainSet.size());
        return out;
    }

    /**
     * {@code head} on cached features: the classifier is fitted to convergence ({@link LinearProbe}), its L2
     * penalty chosen on the validation split, so epochs, batch size and learning rate do not matter. Nothing
     * to checkpoint: a resumed run fits again (seconds, the same result).
     */
    private FineTuneResult fitProbe(RunSpec spec, RunDirectory run, GraftModel model, PretrainedCfg baseCfg, Advice advice, TensorSet trainSet,
                                    TensorSet valSet, TensorSet testSet) {
        run.rewriteMetrics(List.of());
        Output.note(String.format(Locale.ROOT, "%s on %s: strategy head, %d training samples (%d classes): fitting the classifier on %d"
                + " features to convergence (L-BFGS), L2 penalty chosen on %s", modelName, dataName, trainSet.size(), trainSet.numClasses(),
                trainSet.sampleSize(), valSet.size() > 0 ? "the validation split" : "a third of the training data"));
        LinearProbe.Selection sel = LinearProbe.select(trainSet, valSet, config.seed(), classifierHasBias(model), stop::requested);
        for (LinearProbe.Candidate c : sel.path()) {
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("probe_l2", c.l2());
            rec.put("train_loss", c.trainLoss());
            rec.put("train_top1", c.trainTop1());
            rec.put("val_loss", c.heldOutLoss());
            rec.put("val_top1", c.heldOutTop1());
            rec.put("iterations", c.iterations());
            rec.put("converged", c.converged());
            rec.put("chosen", c.l2() == sel.l2());
            run.appendMetrics(rec);
        }
        if (sel.interrupted()) {
            Output.note("stopped; the run in " + run.root() + " can be resumed from its checkpoint");
            return new FineTuneResult(run.root(), strategy, freezeStages, advice, List.of(), 0, null, null, sel.seconds(), 0, true, false, sel);
        }
        LinearProbe.Solution s = sel.solution();
        LinearProbe.writeInto(model, s);
        Output.note(String.format(Locale.ROOT, "head: L2 %.0e chosen on %s; %d L-BFGS iterations, max |gradient| %.1e%s, %.1f s",
                s.l2(), sel.heldOut(), s.iterations(), s.gradientMax(), s.converged() ? "" : " (iteration limit)", sel.seconds()));
        TrainLoop.Forward forward = cachedHeadForward(model);
        EvalResult val = valSet.size() > 0 ? TrainLoop.evaluate(forward, valSet, 256, 0.0) : null;
        EvalResult test = TrainLoop.evaluate(forward, testSet, 256, 0.0);
        if (val != null) {
            run.appendMetrics(RunDirectory.record("validation", val));
        }
        run.appendMetrics(RunDirectory.record("test", test));
        FineTuneResult out = new FineTuneResult(run.root(), strategy, freezeStages, advice, List.of(), 0, val, test, sel.seconds(),
                trainSet.size() / Math.max(1e-9, sel.seconds()), false, false, sel);
        new FineTuneReport(spec).write(run, model, baseCfg, out, trainSet.size());
        return out;
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
            case HEAD -> {
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

    private ImageData limit(ImageData d) {
        if (evalLimit <= 0 || d.size() <= evalLimit) {
            return d;
        }
        return perClass(d, Math.max(1, evalLimit / Math.max(1, d.numClasses())), config.seed() + 7);
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
