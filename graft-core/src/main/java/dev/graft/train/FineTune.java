package dev.graft.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.graft.GraftException;
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
                throw new GraftException("no " + RunDirectory.SPEC + " in " + runDir, "pass a run folder written by 'graft finetune'");
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
                return fitProbe(run, model, baseCfg, advice, trainSet, valSet, testSet);
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
            Output.note("stopped; resume with: graft finetune --resume " + run.root());
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
        writeReport(run, model, baseCfg, out, trainSet.size());
        return out;
    }

    /**
     * {@code head} on cached features: the classifier is fitted to convergence ({@link LinearProbe}), its L2
     * penalty chosen on the validation split, so epochs, batch size and learning rate do not matter. Nothing
     * to checkpoint: a resumed run fits again (seconds, the same result).
     */
    private FineTuneResult fitProbe(RunDirectory run, GraftModel model, PretrainedCfg baseCfg, Advice advice, TensorSet trainSet,
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
            Output.note("stopped; resume with: graft finetune --resume " + run.root());
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
        writeReport(run, model, baseCfg, out, trainSet.size());
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
            throw new GraftException("model " + model.cfg().name() + " has no '" + cls + ".weight' classifier", "use --strategy full or partial");
        }
        return (ps, x, training) -> Linear.linear(x, w.getArray(), b == null ? null : b.getArray()).singletonOrThrow();
    }

    private void writeReport(RunDirectory run, GraftModel model, PretrainedCfg baseCfg, FineTuneResult r, int trainSize) {
        try {
            if (r.probe() != null) {
                Charts.probePath(r.probe(), run.root().resolve(RunDirectory.CURVES));
            } else {
                Charts.learningCurves(r.history(), run.root().resolve(RunDirectory.CURVES));
            }
            Charts.confusion(r.test().confusion(), r.test().classNames(), run.root().resolve(RunDirectory.CONFUSION));
        } catch (IOException e) {
            throw new GraftException("cannot write plots into " + run.root() + ": " + e.getMessage(), "check the folder is writable", e);
        }
        // a model from the hub names its repository (the Hugging Face base_model convention), so the hub links the two
        String base = !strategy.usesPretrained() ? null : modelName.startsWith("hf-hub:") ? modelName.substring(7) : baseCfg.name();
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("base_model", base == null ? "none (random initialisation)" : base);
        provenance.put("dataset", dataName);
        provenance.put("strategy", strategy.id());
        provenance.put("freeze_stages", freezeStages);
        provenance.put("labels_per_class", labelsPerClass);
        provenance.put("train_samples", trainSize);
        provenance.put("seed", config.seed());
        provenance.put("config", config);
        provenance.put("test_top1", r.test().top1());
        if (r.probe() != null) {
            provenance.put("head_fit", probeSummary(r.probe()));
        } else {
            provenance.put("best_epoch", r.bestEpoch());
        }
        provenance.put("versions", RunDirectory.versions());
        String tag = "ft_" + publicDataName(dataName).replaceAll("[^A-Za-z0-9]", "_") + "_" + strategy.id();
        String license = baseCfg.license() == null ? "apache-2.0" : baseCfg.license();
        PretrainedCfg cfg = model.cfg().withNumClasses(r.test().classNames().size(), r.test().classNames())
                .withOrigin(tag, license, "graft finetune", provenance);
        run.exportModel(model, cfg, modelCard(base, license, r), cardBody(base, r, trainSize));
        try {
            Files.writeString(run.root().resolve(RunDirectory.REPORT), report(base, r, trainSize));
        } catch (IOException e) {
            throw new GraftException("cannot write the report: " + e.getMessage(), "check the folder is writable", e);
        }
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

    private Map<String, Object> modelCard(String base, String license, FineTuneResult r) {
        String dataName = publicDataName(this.dataName);
        CardFrontMatter fm = new CardFrontMatter(license, "image-classification").baseModel(base).dataset(dataName)
                .tags("graft", "image-classification", "strategy-" + strategy.id())
                .result(modelName + "-" + dataName + "-" + strategy.id(), "image-classification", dataName,
                        CardFrontMatter.metric("accuracy", "top-1", round(r.test().top1())),
                        CardFrontMatter.metric("accuracy", "top-5", round(r.test().top5())),
                        CardFrontMatter.metric("loss", "cross-entropy", round(r.test().loss())));
        Map<String, Object> graft = new LinkedHashMap<>();
        graft.put("strategy", strategy.id());
        graft.put("freeze_stages", freezeStages);
        graft.put("seed", config.seed());
        if (r.probe() != null) {
            graft.put("head_fit", probeSummary(r.probe()));
        } else {
            graft.put("epochs_run", r.history().size());
            graft.put("best_epoch", r.bestEpoch());
        }
        graft.put("labels_per_class", labelsPerClass);
        graft.put("versions", RunDirectory.versions());
        return fm.extra("graft", graft).toMap();
    }

    private String cardBody(String base, FineTuneResult r, int trainSize) {
        return "# " + modelName + " fine-tuned on " + publicDataName(dataName) + "\n\n"
                + (base == null ? "Trained from random initialisation (strategy `scratch`)."
                        : "Fine-tuned from `" + base + "` with the `" + strategy.id() + "` strategy.")
                + (r.probe() != null
                        ? String.format(Locale.ROOT, " %d training samples; the classifier is a multinomial logistic regression on the"
                                + " frozen features, fitted to convergence (L-BFGS) with L2 penalty %.0e chosen on %s; seed %d.%n%n",
                                trainSize, r.probe().l2(), r.probe().heldOut(), config.seed())
                        : String.format(Locale.ROOT, " %d training samples, %d epochs (best: %d), seed %d.%n%n", trainSize, r.history().size(),
                                r.bestEpoch(), config.seed()))
                + String.format(Locale.ROOT, "Test top-1 %.2f%%, top-5 %.2f%% on %d samples.%n%n", 100 * r.test().top1(),
                        100 * r.test().top5(), r.test().count())
                + "Load it with `Zoo.create(\"local-dir:<this folder>\")` or `graft predict --model <this folder> image.png`.\n"
                + "See `report.md` for the learning curves, per-class metrics and confusion matrix.\n";
    }

    private String report(String base, FineTuneResult r, int trainSize) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Fine-tuning report: ").append(modelName).append(" on ").append(dataName).append("\n\n");
        sb.append("| | |\n|---|---|\n");
        sb.append("| base model | ").append(base == null ? "none (random initialisation)" : "`" + base + "`").append(" |\n");
        sb.append("| strategy | `").append(strategy.id()).append('`')
                .append(strategy == Strategy.PARTIAL ? " (" + freezeStages + " groups frozen)" : "").append(" |\n");
        sb.append("| training samples | ").append(trainSize).append(labelsPerClass > 0 ? " (" + labelsPerClass + " per class)" : "").append(" |\n");
        if (r.probe() != null) {
            LinearProbe.Solution s = r.probe().solution();
            sb.append(String.format(Locale.ROOT, "| classifier fit | multinomial logistic regression on the cached features, L-BFGS in double"
                    + " precision: %d iterations, max |gradient| %.1e%s (epochs, batch size and learning rate do not apply) |%n",
                    s.iterations(), s.gradientMax(), s.converged() ? "" : ", stopped at the iteration limit"));
            sb.append(String.format(Locale.ROOT, "| L2 penalty | %.0e, the lowest cross-entropy on %s among %s |%n", s.l2(),
                    r.probe().heldOut(), grid()));
            sb.append(String.format(Locale.ROOT, "| fitting time | %.1f s (penalty sweep and fit) |%n", r.trainSeconds()));
        } else {
            sb.append(String.format(Locale.ROOT, "| optimizer | %s, lr %.3g, momentum %.2f, weight decay %.2g, batch %d |%n",
                    config.optimizer().name().toLowerCase(Locale.ROOT), config.lr(), config.momentum(), config.weightDecay(), config.batchSize()));
            sb.append(String.format(Locale.ROOT, "| schedule | %.1f warm-up epochs, cosine to %.2g x, label smoothing %.2f, clip %.1f |%n",
                    config.warmupEpochs(), config.minLrRatio(), config.labelSmoothing(), config.clipNorm()));
            if (strategy != Strategy.SCRATCH) {
                sb.append(String.format(Locale.ROOT, "| discriminative LRs | backbone x%.2g, layer decay %.2f |%n", config.backboneLrScale(),
                        config.layerDecay()));
            }
            sb.append(String.format(Locale.ROOT, "| epochs | %d run, best %d%s |%n", r.history().size(), r.bestEpoch(),
                    r.stoppedEarly() ? " (early stopping)" : ""));
            sb.append(String.format(Locale.ROOT, "| training time | %.1f s, %.0f samples/s |%n", r.trainSeconds(), r.imagesPerSecond()));
        }
        sb.append("| seed | ").append(config.seed()).append(" |\n");
        if (fitBox > 0) {
            sb.append("| input | images resized to ").append(fitBox).append('x').append(fitBox)
                    .append(" and centred on the model's input with zero padding (`--fit`) |\n");
        }
        if (evalLimit > 0) {
            sb.append("| evaluation | at most ").append(evalLimit).append(" validation and test samples (seeded, class-balanced) |\n");
        }
        sb.append("| versions | ").append(RunDirectory.versions()).append(" |\n\n");
        if (r.advice() != null) {
            sb.append("## Advisor\n\n").append(r.advice().reason()).append("\n\n");
            sb.append(String.format(Locale.ROOT, "Fréchet distance %.4g (relative %.4f), LogME %.4f, LEEP %.4f.%n%n", r.advice().frechet(),
                    r.advice().frechetRelative(), r.advice().logme(), r.advice().leep()));
        }
        sb.append("## Results\n\n| split | top-1 | top-5 | loss |\n|---|---|---|---|\n");
        if (r.validation() != null) {
            sb.append(String.format(Locale.ROOT, "| validation | %.2f%% | %.2f%% | %.4f |%n", 100 * r.validation().top1(),
                    100 * r.validation().top5(), r.validation().loss()));
        }
        sb.append(String.format(Locale.ROOT, "| test | %.2f%% | %.2f%% | %.4f |%n%n", 100 * r.test().top1(), 100 * r.test().top5(),
                r.test().loss()));
        sb.append("![learning curves](").append(RunDirectory.CURVES).append(")\n\n");
        sb.append("## Per class (test)\n\n").append(RunDirectory.perClassTable(r.test())).append('\n');
        sb.append("![confusion matrix](").append(RunDirectory.CONFUSION).append(")\n\n");
        if (r.probe() != null) {
            sb.append("## L2 penalty sweep\n\n| L2 | train loss | train top-1 | held-out loss | held-out top-1 | iterations |\n"
                    + "|---|---|---|---|---|---|\n");
            for (LinearProbe.Candidate c : r.probe().path()) {
                String mark = c.l2() == r.probe().l2() ? "**" : "";
                sb.append(String.format(Locale.ROOT, "| %s%.0e%s | %.4f | %.2f%% | %.4f | %.2f%% | %d%s |%n", mark, c.l2(), mark, c.trainLoss(),
                        100 * c.trainTop1(), c.heldOutLoss(), 100 * c.heldOutTop1(), c.iterations(), c.converged() ? "" : " (limit)"));
            }
        }
        sb.append(r.probe() != null ? "" : "## Epochs\n\n| epoch | lr | train loss | train top-1 | val loss | val top-1 | s |\n|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> e : r.history()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.3g | %.4f | %.2f%% | %s | %s | %.1f |%n", e.get("epoch"), (double) e.get("lr"),
                    (double) e.get("train_loss"), 100 * (double) e.get("train_top1"),
                    e.containsKey("val_loss") ? String.format(Locale.ROOT, "%.4f", (double) e.get("val_loss")) : "-",
                    e.containsKey("val_top1") ? String.format(Locale.ROOT, "%.2f%%", 100 * (double) e.get("val_top1")) : "-",
                    (double) e.get("seconds")));
        }
        if (reproduce != null) {
            sb.append("\n## Reproduce\n\n```bash\n").append(reproduce).append("\n```\n");
        }
        return sb.toString();
    }

    /** What the card and config.json record about a fitted probe. */
    private static Map<String, Object> probeSummary(LinearProbe.Selection sel) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", "multinomial logistic regression, L-BFGS");
        m.put("l2", sel.l2());
        m.put("l2_chosen_on", sel.heldOut());
        m.put("l2_grid", java.util.Arrays.stream(LinearProbe.L2_GRID).boxed().toList());
        m.put("iterations", sel.solution().iterations());
        m.put("converged", sel.solution().converged());
        return m;
    }

    private static String grid() {
        List<String> g = new ArrayList<>();
        for (double v : LinearProbe.L2_GRID) {
            g.add(String.format(Locale.ROOT, "%.0e", v));
        }
        return String.join(", ", g);
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
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
