package dev.graft.train;

import static dev.graft.train.FineTune.applyStrategy;
import static dev.graft.train.FineTune.cachedHeadForward;
import static dev.graft.train.FineTune.classifierHasBias;
import static dev.graft.train.FineTune.perClass;
import static dev.graft.train.FineTune.weightsDir;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import dev.graft.advise.Advice;
import dev.graft.advise.Advisor;
import dev.graft.advise.FeatureStats;
import dev.graft.data.ImageData;
import dev.graft.engine.Engines;
import dev.graft.peft.LoraAdapter;
import dev.graft.peft.LoraConfig;
import dev.graft.progress.Output;
import dev.graft.train.FineTune.RunSpec;
import dev.graft.util.Json;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.nn.LinearLayers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One execution of a {@link FineTune} spec. The spec stays as it was given; what the run decides on
 * the way (the advisor's strategy, the groups it freezes) lives here.
 */
final class FineTuneRun {
    private final FineTune job;
    private final TrainConfig config;
    private Strategy strategy;
    private int freezeStages;

    FineTuneRun(FineTune spec) {
        this.job = spec;
        this.config = spec.config();
        this.strategy = spec.strategy();
        this.freezeStages = spec.freezeStages();
    }

    FineTuneResult run() {
        Engines.pytorch();
        Engine engine = Engine.getInstance();
        RunSpec spec = job.resumed();
        boolean resuming = spec != null;
        Path outDir = job.runDir();
        RunDirectory run = new RunDirectory(outDir);
        ImageData train = job.labelsPerClass() > 0 ? perClass(job.splits().train(), job.labelsPerClass(), config.seed()) : job.splits().train();

        engine.setRandomSeed((int) config.seed());
        Strategy requested = spec == null ? strategy : spec.requestedStrategy();
        Advice advice = spec == null ? null : spec.advice();
        GraftModel model;
        if (strategy == Strategy.AUTO) {
            GraftModel pretrained = job.factory().create(true);
            Path stats = job.featureStats() != null ? job.featureStats() : weightsDir(pretrained).resolve(FeatureStats.FILE);
            GraftModel randomInit = job.factory().create(false);
            TensorSet measured = ModelInput.prepare(ModelInput.fit(train, job.fit(), pretrained.cfg()), pretrained.cfg());
            advice = Advisor.advise(pretrained, randomInit, measured, FeatureStats.read(stats), config.seed());
            advice = Advisor.probeIfSmall(Advisor.preferLora(advice, pretrained), job.factory(), measured, config, job.probeFolds(), pretrained);
            Output.note("advisor: " + advice.strategy().id() + " - " + advice.reason());
            strategy = advice.strategy();
            if (freezeStages < 0 && strategy == Strategy.PARTIAL) {
                freezeStages = advice.freezeStages();
            }
            engine.setRandomSeed((int) config.seed());
            model = strategy.usesPretrained() ? pretrained : job.factory().create(false);
        } else {
            model = job.factory().create(strategy.usesPretrained());
        }
        int classes = train.numClasses();
        PretrainedCfg baseCfg = model.cfg();
        engine.setRandomSeed((int) config.seed() + 1);
        freezeStages = applyStrategy(model, strategy, freezeStages, classes);
        // lora: the adapters go on the frozen model (A seeded here, B zero) and train with the new classifier
        LoraAdapter adapter = strategy == Strategy.LORA ? LoraAdapter.create(model, loraConfig(model)) : null;
        if (spec == null) {
            spec = new RunSpec(job.modelName(), job.dataName(), requested, strategy, freezeStages, job.labelsPerClass(), job.evalLimit(), job.fit(),
                    job.cacheFeatures(), config, advice, job.reproduce(), adapter == null ? null : (LoraConfig) adapter.config());
            try {
                Json.MAPPER.writeValue(run.root().resolve(RunDirectory.SPEC).toFile(), spec);
            } catch (IOException e) {
                throw new GraftException("cannot write " + run.root().resolve(RunDirectory.SPEC), "check the folder is writable", e);
            }
        }

        ModelInput.note(train, job.fit(), model.cfg());
        TensorSet trainSet = ModelInput.prepare(ModelInput.fit(train, job.fit(), model.cfg()), model.cfg());
        TensorSet valSet = ModelInput.prepare(ModelInput.fit(limit(job.splits().validation()), job.fit(), model.cfg()), model.cfg());
        TensorSet testSet = ModelInput.prepare(ModelInput.fit(limit(job.splits().test()), job.fit(), model.cfg()), model.cfg());
        TrainLoop.Forward forward;
        TrainLoop.Forward evalForward;
        if (strategy == Strategy.HEAD && job.cacheFeatures()) {
            Output.note("head: computing the frozen backbone's features once");
            trainSet = FeatureExtractor.features(model, trainSet, 256);
            valSet = FeatureExtractor.features(model, valSet, 256);
            testSet = FeatureExtractor.features(model, testSet, 256);
            if ((long) trainSet.size() * trainSet.sampleSize() <= job.probeMaxValues()) {
                return fitProbe(spec, run, model, baseCfg, advice, trainSet, valSet, testSet);
            }
            Output.note(String.format(Locale.ROOT, "head: %d x %d cached features are more than the full-batch probe holds (%d values);"
                    + " training the classifier by SGD for %d epochs instead", trainSet.size(), trainSet.sampleSize(), job.probeMaxValues(),
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
                adapter != null ? adapter.trainable(config.weightDecay()) : ModelParts.trainable(model, strategy, config));
        // what a checkpoint holds: the model, and a lora run's adapters beside it
        Map<String, ai.djl.nn.Parameter> state0 = new LinkedHashMap<>(model.stateDict());
        if (adapter != null) {
            state0.putAll(adapter.stateDict());
        }
        LoopState state = null;
        if (resuming) {
            state = Checkpoint.load(run.checkpointDir(), state0, optimizer);
            run.rewriteMetrics(state.history());
            Output.note(String.format(Locale.ROOT, "resuming %s at epoch %d, batch %d", run.root(), state.epoch() + 1, state.batch()));
        } else {
            run.rewriteMetrics(List.of());
        }
        Output.note(String.format(Locale.ROOT, "%s on %s: strategy %s%s, %d training samples (%d classes), %d trainable tensors",
                job.modelName(), job.dataName(), strategy.id(), strategy == Strategy.PARTIAL ? " (" + freezeStages + " groups frozen)" : "",
                trainSet.size(), classes, optimizer.params().size()));
        TrainLoop loop = new TrainLoop(config, forward, optimizer, state0)
                .withCheckpointDir(run.checkpointDir())
                .withBestDir(run.bestDir())
                .withStopSignal(job.stopSignal())
                .withLabel("epoch")
                .withOnEpoch(rec -> {
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
                Checkpoint.readInto(best, state0, nd);
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
        if (adapter != null) {
            // adapter/ is PEFT's folder; the report then exports the merged model (no extra parameters) into model/
            adapter.save(run.root().resolve(FineTuneReport.ADAPTER_DIR), "image-classification",
                    adapter.cardBody("LoRA adapter of " + adapter.config().baseModel() + " for " + FineTune.publicDataName(job.dataName()),
                            FineTune.publicDataName(job.dataName())));
            adapter.merge();
        }
        new FineTuneReport(spec).write(run, model, baseCfg, out, trainSet.size());
        if (adapter != null) {
            adapter.close();
        }
        return out;
    }

    /**
     * The LoRA settings of this run: the ones given, else the defaults for the model's linear layers; the
     * classifier always trains fully and is saved with the adapter, whose base is the model's name.
     */
    private LoraConfig loraConfig(GraftModel model) {
        LoraConfig c = (job.lora() != null ? job.lora() : LoraConfig.defaults()).withTargetsFor(LinearLayers.of(model).keySet());
        String base = job.modelName().startsWith("hf-hub:") ? job.modelName().substring(7) : model.cfg().name();
        return c.withModulesToSave(List.of(model.cfg().classifier())).withBaseModel(base);
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
                + " features to convergence (L-BFGS), L2 penalty chosen on %s", job.modelName(), job.dataName(), trainSet.size(), trainSet.numClasses(),
                trainSet.sampleSize(), valSet.size() > 0 ? "the validation split" : "a third of the training data"));
        LinearProbe.Selection sel = LinearProbe.select(trainSet, valSet, config.seed(), classifierHasBias(model), job.stopSignal()::requested);
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
        LinearProbe.Solution solution = sel.solution();
        LinearProbe.writeInto(model, solution);
        Output.note(String.format(Locale.ROOT, "head: L2 %.0e chosen on %s; %d L-BFGS iterations, max |gradient| %.1e%s, %.1f s",
                solution.l2(), sel.heldOut(), solution.iterations(), solution.gradientMax(), solution.converged() ? "" : " (iteration limit)", sel.seconds()));
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

    private ImageData limit(ImageData d) {
        if (job.evalLimit() <= 0 || d.size() <= job.evalLimit()) {
            return d;
        }
        return perClass(d, Math.max(1, job.evalLimit() / Math.max(1, d.numClasses())), config.seed() + 7);
    }
}
