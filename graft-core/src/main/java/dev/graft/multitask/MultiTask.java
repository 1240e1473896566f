package dev.graft.multitask;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import dev.graft.progress.Output;
import dev.graft.train.Divergence;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.ModelInput;
import dev.graft.train.OptimizerKind;
import dev.graft.train.TrainableParam;
import dev.graft.train.loop.Batches;
import dev.graft.train.loop.Loop;
import dev.graft.train.loop.Step;
import dev.graft.train.loop.StepContext;
import dev.graft.util.Records;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Multi-task training with hard parameter sharing: a backbone, one head per task and a weighting
 * strategy, trained with AdamW on the one training {@link Loop} (the weighting's backward is its step);
 * per-task test metrics, Delta_m against single-task baselines, and a run
 * directory with metrics, report, curves and the exported model (all heads, with their task names).
 * The run's settings are validated once on construction; each {@code withX} returns a copy.
 *
 * <!-- example: MultiTaskExample#multimnist -->
 * <pre>{@code
 * MultiTaskResult r = MultiTask.of("small_cnn", () -> Zoo.create("small_cnn", CreateOptions.defaults().withSeed(42)), "multimnist")
 *         .withWeighting("gradnorm")                     // or .withWeighting(new GradNorm(0.5, 0.025))
 *         .withEpochs(3).withTrainLimit(10_000).withTestLimit(2_000).withSeed(42)
 *         .withBaselines(MultiTaskReport.readMetrics(runs.resolve("mm-single")))
 *         .withOutDir(runs.resolve("mm-gradnorm"))
 *         .run();
 * r.testMetrics();   // {left=..., right=...}
 * r.deltaM();        // Delta_m in percent against the baselines
 * }</pre>
 *
 * @param backboneName the backbone's name, for reports
 * @param backbone a fresh backbone per trained model (baselines train one per task)
 * @param dataName a registered multi-task data set ({@code multimnist}, {@code mnist-tasks}) or the name of {@code splits}
 * @param splits the data given directly (a user's own), or null to load {@code dataName}
 * @param weightingName see {@link #withWeighting(String)}
 * @param weighting see {@link #withWeighting(Weighting)}; null = by name
 * @param epochs see {@link #withEpochs}
 * @param batchSize see {@link #withBatchSize}
 * @param learningRate see {@link #withLearningRate}
 * @param weightDecay see {@link #withWeightDecay}
 * @param seed see {@link #withSeed}
 * @param trainLimit see {@link #withTrainLimit}
 * @param testLimit see {@link #withTestLimit}
 * @param validationLimit see {@link #withValidationLimit}
 * @param outDir see {@link #withOutDir}
 * @param baselines see {@link #withBaselines}
 * @param taskNames see {@link #withTasks}
 * @param labelFractions see {@link #withLabelFraction}
 * @param singleTask see {@link #withSingleTask}
 */
public record MultiTask(
        String backboneName,
        Supplier<GraftModel> backbone,
        String dataName,
        MultiTaskSplits splits,
        String weightingName,
        Weighting weighting,
        int epochs,
        int batchSize,
        double learningRate,
        double weightDecay,
        long seed,
        int trainLimit,
        int testLimit,
        int validationLimit,
        Path outDir,
        Map<String, Double> baselines,
        List<String> taskNames,
        Map<String, Double> labelFractions,
        boolean singleTask) {

    public MultiTask {
        if (backbone == null) {
            throw new GraftException("no backbone given", "pass a backbone factory, e.g. a zoo model");
        }
        if (dataName == null) {
            throw new GraftException("no data set given", "name a registered data set (\"multimnist\") or pass its splits");
        }
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || weightDecay < 0) {
            throw new GraftException("epochs " + epochs + ", batch size " + batchSize + ", learning rate " + learningRate
                    + ", weight decay " + weightDecay, "give epochs >= 1, batch size >= 1, learning rate > 0, weight decay >= 0");
        }
        if (trainLimit < 0 || testLimit < 0 || validationLimit < 0) {
            throw new GraftException("negative image limit", "give limits >= 0 (0 = all)");
        }
        if (weighting == null) {
            Weightings.create(weightingName, seed); // fails early on an unknown name
        }
        labelFractions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labelFractions)); // kept in the order given
        taskNames = taskNames == null ? null : List.copyOf(taskNames);
    }

    // The defaults, named so the command line shows and uses the same values as Java.
    public static final String DEFAULT_WEIGHTING = "ew";
    public static final int DEFAULT_EPOCHS = 3;
    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final int DEFAULT_VALIDATION_LIMIT = 1000;

    /** A run on a registered multi-task data set ({@code multimnist}, {@code mnist-tasks}) with the defaults. */
    public static MultiTask of(String backboneName, Supplier<GraftModel> backbone, String dataName) {
        return of(backboneName, backbone, dataName, null);
    }

    /** A run on splits given directly (a user's own data) with the defaults. */
    public static MultiTask of(String backboneName, Supplier<GraftModel> backbone, String dataName, MultiTaskSplits splits) {
        return new MultiTask(backboneName, backbone, dataName, splits, DEFAULT_WEIGHTING, null, DEFAULT_EPOCHS, DEFAULT_BATCH_SIZE,
                DEFAULT_LEARNING_RATE, 0, 42, 0, 0, DEFAULT_VALIDATION_LIMIT, null, null, null, Map.of(), false);
    }

    /** A weighting by name: ew, uw, dwa, gradnorm, pcgrad (default ew). */
    public MultiTask withWeighting(String name) {
        return Records.with(this, "weightingName", name, "weighting", null);
    }

    /** A weighting object (e.g. GradNorm with another alpha). */
    public MultiTask withWeighting(Weighting w) {
        return Records.with(this, "weightingName", w.name(), "weighting", w);
    }

    /** Epochs (default 3). */
    public MultiTask withEpochs(int n) {
        return Records.with(this, "epochs", n);
    }

    /** Images per batch (default 64). */
    public MultiTask withBatchSize(int n) {
        return Records.with(this, "batchSize", n);
    }

    /** AdamW learning rate (default 1e-3). */
    public MultiTask withLearningRate(double lr) {
        return Records.with(this, "learningRate", lr);
    }

    /** AdamW weight decay (default 0). */
    public MultiTask withWeightDecay(double wd) {
        return Records.with(this, "weightDecay", wd);
    }

    /** Seed of initialisation, data order and the weighting (default 42). */
    public MultiTask withSeed(long s) {
        return Records.with(this, "seed", s);
    }

    /** Train on the first {@code n} training images only (0 = all, the default). */
    public MultiTask withTrainLimit(int n) {
        return Records.with(this, "trainLimit", n);
    }

    /** Evaluate on the first {@code n} test images only (0 = all, the default). */
    public MultiTask withTestLimit(int n) {
        return Records.with(this, "testLimit", n);
    }

    /** Validation images evaluated after each epoch (0 = none; default 1000). */
    public MultiTask withValidationLimit(int n) {
        return Records.with(this, "validationLimit", n);
    }

    /** Run directory to write (none when null, the default). */
    public MultiTask withOutDir(Path dir) {
        return Records.with(this, "outDir", dir);
    }

    /** Single-task baseline metrics per task, for Delta_m. */
    public MultiTask withBaselines(Map<String, Double> b) {
        return Records.with(this, "baselines", b);
    }

    /** Train only these tasks of the data set, in this order. */
    public MultiTask withTasks(List<String> names) {
        return Records.with(this, "taskNames", names);
    }

    /** Keep task {@code task}'s labels on only a fraction of the training images (the rest are missing). */
    public MultiTask withLabelFraction(String task, double fraction) {
        Map<String, Double> f = new LinkedHashMap<>(labelFractions);
        f.put(task, fraction);
        return Records.with(this, "labelFractions", f);
    }

    /** Train one single-task model per task instead (the baselines of Delta_m). */
    public MultiTask withSingleTask(boolean s) {
        return Records.with(this, "singleTask", s);
    }

    /** Trains (one model, or one per task with {@link #withSingleTask}), evaluates and writes the run directory. */
    public MultiTaskResult run() {
        return new Runner(this).run();
    }

    /** One run: data preparation, training of one or several models, evaluation and the run directory. */
    static final class Runner {
        private final MultiTask b;
        private boolean inputNoted;

        Runner(MultiTask b) {
            this.b = b;
        }

        MultiTaskResult run() {
            Engines.pytorch();
            MultiTaskSplits splits = b.splits() != null ? b.splits() : MultiTaskDatasets.load(b.dataName(), b.seed());
            MultiTaskData train = splits.train().head(b.trainLimit());
            MultiTaskData validation = splits.validation().head(b.validationLimit());
            MultiTaskData test = splits.test().head(b.testLimit());
            if (b.taskNames() != null && !b.taskNames().isEmpty()) {
                train = train.selectTasks(b.taskNames());
                validation = validation.selectTasks(b.taskNames());
                test = test.selectTasks(b.taskNames());
            }
            for (Map.Entry<String, Double> e : b.labelFractions().entrySet()) {
                train = train.withMissingLabels(e.getKey(), e.getValue(), b.seed());
            }
            if (train.size() == 0 || test.size() == 0) {
                throw new GraftException("data set '" + b.dataName() + "' has " + train.size() + " training and " + test.size()
                        + " test images", "use a data set with both splits");
            }
            long start = System.nanoTime();
            if (!b.singleTask()) {
                TrainedModel m = train(train, validation, test, Weightings.create(b.weightingName(), b.seed()), b.weighting(), b.outDir());
                Double delta = b.baselines() == null ? null : DeltaM.percent(train.tasks(), m.metrics, b.baselines());
                MultiTaskResult r = new MultiTaskResult(m.weighting.name(), train.tasks(), m.metrics, delta, m.history,
                        m.weighting.state(), b.outDir(), seconds(start));
                if (b.outDir() != null) {
                    MultiTaskReport.writeRun(b.outDir(), r, m.model, describe(train, test));
                }
                m.close();
                return r;
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            List<MultiTaskResult.EpochLog> history = new ArrayList<>();
            for (TaskSpec task : train.tasks()) {
                List<String> one = List.of(task.name());
                Path dir = b.outDir() == null ? null : b.outDir().resolve(task.name());
                Output.note("single-task baseline: " + task.name());
                TrainedModel m = train(train.selectTasks(one), validation.selectTasks(one), test.selectTasks(one),
                        new EqualWeighting(), null, dir);
                metrics.putAll(m.metrics);
                history.addAll(m.history);
                if (dir != null) {
                    MultiTaskResult r1 = new MultiTaskResult("single-task", List.of(task), m.metrics, null, m.history,
                            Map.of(), dir, 0);
                    MultiTaskReport.writeRun(dir, r1, m.model, describe(train, test));
                }
                m.close();
            }
            MultiTaskResult r = new MultiTaskResult("single-task", train.tasks(), metrics, null, history, Map.of(), b.outDir(), seconds(start));
            if (b.outDir() != null) {
                MultiTaskReport.writeSummary(b.outDir(), r, describe(train, test));
            }
            return r;
        }

        private Map<String, Object> describe(MultiTaskData train, MultiTaskData test) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("model", b.backboneName());
            d.put("data", b.dataName());
            d.put("train_images", train.size());
            d.put("test_images", test.size());
            d.put("epochs", b.epochs());
            d.put("batch_size", b.batchSize());
            d.put("optimizer", "AdamW lr=" + b.learningRate() + " weight_decay=" + b.weightDecay());
            d.put("seed", b.seed());
            d.put("threads", Engines.threads());
            if (!b.labelFractions().isEmpty()) {
                d.put("label_fractions", b.labelFractions());
            }
            return d;
        }

        private static double seconds(long startNanos) {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        /** A trained model with the manager that owns its heads. */
        static final class TrainedModel implements AutoCloseable {
            MultiTaskModel model;
            Weighting weighting;
            Map<String, Double> metrics;
            List<MultiTaskResult.EpochLog> history;
            NDManager manager;

            @Override
            public void close() {
                manager.close();
            }
        }

        private TrainedModel train(MultiTaskData trainData, MultiTaskData validationData, MultiTaskData testData,
                Weighting fresh, Weighting given, Path dir) {
            Engine.getInstance().setRandomSeed((int) b.seed());
            GraftModel backbone = b.backbone().get();
            PretrainedCfg cfg = backbone.cfg();
            if (!inputNoted) {
                ModelInput.note(ModelInput.describe(trainData.name(), trainData.channels(), trainData.height(), trainData.width(), 0, cfg));
                inputNoted = true;
            }
            MultiTaskData tr = trainData.fittedTo(cfg);
            MultiTaskData va = validationData.fittedTo(cfg);
            MultiTaskData te = testData.fittedTo(cfg);
            TrainedModel out = new TrainedModel();
            out.manager = NDManager.newBaseManager();
            MultiTaskModel model = MultiTaskModel.create(backbone, tr.tasks(), out.manager);
            Weighting weighting = given != null ? given : fresh;
            weighting.init(tr.tasks(), out.manager);
            out.model = model;
            out.weighting = weighting;
            GroupedOptimizer optimizer = new GroupedOptimizer(OptimizerKind.ADAMW, 0.9, trainable(model, weighting));
            // The step (forward, one loss per task, the weighting's backward) and the epoch bookkeeping:
            // mean loss and weight per task, validation, metrics.jsonl and the epoch line.
            final class Epochs implements Step, Loop.Listener {
                final List<double[]> epochLosses = new ArrayList<>();
                final List<MultiTaskResult.EpochLog> history = new ArrayList<>();
                double[] lossSum;
                double[] weightSum;
                int batches;
                long epochStart;

                @Override
                public boolean backpropagates() {
                    return true;
                }

                @Override
                public NDArray loss(StepContext c) {
                    NDManager batch = c.manager();
                    int[] idx = c.indices();
                    NDArray x = ModelInput.normalize(tr.images(batch, idx), cfg);
                    int n = tr.numTasks();
                    ModelGradients grads = new ModelGradients(model, batch);
                    NDArray[] outputs = model.forward(c.parameters(), x, true);
                    NDArray[] losses = TaskLosses.all(tr, outputs, batch, idx);
                    double total = 0;
                    for (int t = 0; t < n; t++) {
                        double v = losses[t].getFloat();
                        lossSum[t] += v;
                        total += v;
                    }
                    double[] used = weighting.backward(losses, grads);
                    grads.applySharedGradient();
                    for (int t = 0; t < n; t++) {
                        weightSum[t] += used[t];
                    }
                    batches++;
                    return batch.create((float) total);
                }

                @Override
                public void onEpochStart(int epoch) {
                    epochStart = System.nanoTime();
                    weighting.startEpoch(epoch, epochLosses);
                    lossSum = new double[tr.numTasks()];
                    weightSum = new double[tr.numTasks()];
                    batches = 0;
                }

                @Override
                public boolean onEpoch(Loop.EpochEnd e) {
                    int nTasks = tr.numTasks();
                    double[] meanLoss = new double[nTasks];
                    double[] meanWeight = new double[nTasks];
                    for (int t = 0; t < nTasks; t++) {
                        meanLoss[t] = lossSum[t] / batches;
                        meanWeight[t] = weightSum[t] / batches;
                        Divergence.check(meanLoss[t], "the training loss of task '" + tr.tasks().get(t).name() + "'",
                                "epoch " + (e.epoch() + 1) + " with weighting " + weighting.name(), b.learningRate());
                    }
                    epochLosses.add(meanLoss);
                    Map<String, Double> val = va.size() == 0 ? Map.of() : evaluate(model, cfg, va);
                    MultiTaskResult.EpochLog log = new MultiTaskResult.EpochLog(e.epoch() + 1, meanLoss, meanWeight, val,
                            (System.nanoTime() - epochStart) / 1e9);
                    history.add(log);
                    if (dir != null) {
                        MultiTaskReport.appendMetrics(dir, tr.tasks(), log);
                    }
                    Output.note(MultiTaskReport.epochLine(tr.tasks(), log));
                    return false;
                }
            }
            Epochs epochs = new Epochs();
            String label = (dir == null ? "" : dir.getFileName() + " ") + "epoch";
            new Loop(optimizer, Batches.shuffled(tr.size(), b.batchSize(), b.seed()), epochs)
                    .withEpochs(b.epochs())
                    .withSchedule(step -> b.learningRate())
                    .withSeed(b.seed())
                    .withLabel(label)
                    .withListener(epochs)
                    .run(Loop.Position.START);
            out.history = epochs.history;
            out.metrics = evaluate(model, cfg, te);
            return out;
        }

        /** The shared and head parameters, and the weighting's own (UW's log-variances), with the run's weight decay. */
        private List<TrainableParam> trainable(MultiTaskModel model, Weighting weighting) {
            List<TrainableParam> params = new ArrayList<>();
            model.sharedParameters().forEach((k, p) -> params.add(new TrainableParam(k, p, 1.0, b.weightDecay(), "shared")));
            model.headParameters().forEach((k, p) -> params.add(new TrainableParam(k, p, 1.0, b.weightDecay(), "heads")));
            weighting.parameters().forEach((k, a) -> params.add(new TrainableParam(k,
                    Parameter.builder().setName(k).setType(Parameter.Type.OTHER).optArray(a).build(), 1.0, b.weightDecay(), "weighting")));
            return params;
        }

        /** Per task accuracy or MSE over the labelled samples of {@code data}. */
        static Map<String, Double> evaluate(MultiTaskModel model, PretrainedCfg cfg, MultiTaskData data) {
            int n = data.numTasks();
            double[] score = new double[n];
            long[] count = new long[n];
            Loop.inBatches(data.size(), 256, (batch, ps, idx) -> {
                NDArray[] outputs = model.forward(ps, ModelInput.normalize(data.images(batch, idx), cfg), false);
                for (int t = 0; t < n; t++) {
                    TaskSpec task = data.tasks().get(t);
                    float[] pred = task.kind() == TaskKind.CLASSIFICATION
                            ? outputs[t].argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray()
                            : outputs[t].reshape(-1).toFloatArray();
                    for (int k = 0; k < idx.length; k++) {
                        if (!data.hasLabel(t, idx[k])) {
                            continue;
                        }
                        float y = data.target(t, idx[k]);
                        score[t] += task.kind() == TaskKind.CLASSIFICATION ? (pred[k] == y ? 1 : 0) : (pred[k] - y) * (pred[k] - y);
                        count[t]++;
                    }
                }
            });
            Map<String, Double> m = new LinkedHashMap<>();
            for (int t = 0; t < n; t++) {
                m.put(data.tasks().get(t).name(), count[t] == 0 ? Double.NaN : score[t] / count[t]);
            }
            return m;
        }
    }
}
