package dev.graft.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.engine.Engines;
import dev.graft.engine.Scalars;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.Losses;
import dev.graft.train.ModelInput;
import dev.graft.train.OptimizerKind;
import dev.graft.train.TrainLoop;
import dev.graft.train.TrainableParam;
import dev.graft.train.loop.Batches;
import dev.graft.train.loop.Loop;
import dev.graft.train.loop.Step;
import dev.graft.train.loop.StepContext;
import dev.graft.zoo.GraftModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Unsupervised domain adaptation: train a classifier on a labelled source domain and unlabelled
 * target images so it works on the target. The method is a {@link TransferLoss} plugged into the step
 * of the one training {@link Loop} (TLlib's design), with SGD ({@link GroupedOptimizer}, PyTorch's
 * arithmetic as TLlib uses it), TLlib's annealed learning rate and element-wise gradient clipping:
 *
 * <ul>
 *   <li>{@code source-only}: cross-entropy on the source only (the baseline);
 *   <li>{@code dann}: {@link DannLoss}; {@code cdan} / {@code cdan-e}: {@link CdanLoss};
 *   <li>{@code dan}: {@link MmdLoss} on features and logits; {@code coral}: {@link CoralLoss};
 *   <li>{@code adabn}: source-only training, then {@link AdaBN} on the target images (with 0 epochs, AdaBN
 *       alone on an already trained model, e.g. {@code small_cnn.graft_mnist}).
 * </ul>
 *
 * <p>Target labels are read only to report accuracy. Nothing is chosen by them: the result is the
 * model after the last epoch. The run's settings are immutable: each {@code withX} returns a copy.
 *
 * <!-- example: AdaptDomains#mnist-m -->
 * <pre>{@code
 * DomainAdaptation.seed(7);                                   // model and discriminator initialisation
 * DomainPair pair = DomainPair.load("mnist", "mnist-m-style", 7, 10_000, 10_000, 0);
 * try (NDManager nd = NDManager.newBaseManager()) {
 *     GraftModel model = LeNet.create(nd, pair.source().channels(), 10);
 *     AdaptationResult r = DomainAdaptation.method("cdan-e", AdaptOptions.defaults().withSeed(7))
 *             .withModel(model)
 *             .withSource(pair.source(), pair.sourceEval())
 *             .withTarget(pair.target(), pair.targetEval())   // labels of pair.target() are never read
 *             .run();
 *     System.out.println(r.targetAccuracy());
 * }
 * }</pre>
 */
public record DomainAdaptation(
        String method,
        AdaptOptions options,
        GraftModel model,
        ImageData source,
        ImageData sourceEval,
        ImageData target,
        ImageData targetEval,
        Consumer<AdaptationResult.Epoch> onEpoch,
        Consumer<Long> onStep) {
    private static final Map<String, Function<AdaptOptions, TransferLoss>> METHODS = new LinkedHashMap<>();

    static {
        METHODS.put("source-only", o -> null);
        METHODS.put("dann", o -> new DannLoss(o.discriminatorHidden()));
        METHODS.put("cdan", o -> new CdanLoss(o.discriminatorHidden(), false));
        METHODS.put("cdan-e", o -> new CdanLoss(o.discriminatorHidden(), true));
        METHODS.put("dan", o -> new MmdLoss(true));
        METHODS.put("coral", o -> new CoralLoss());
        METHODS.put("adabn", o -> null);
    }

    /** The method names, in the order the docs list them. */
    public static List<String> methods() {
        return new ArrayList<>(METHODS.keySet());
    }

    /** A run of {@code name} (one of {@link #methods()}) with {@code options}. */
    public static DomainAdaptation method(String name, AdaptOptions options) {
        String key = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (!METHODS.containsKey(key)) {
            throw new GraftException("unknown adaptation method '" + name + "'", "use one of " + String.join(", ", METHODS.keySet()));
        }
        return new DomainAdaptation(key, options, null, null, null, null, null, e -> { }, s -> { });
    }

    /** Seeds PyTorch's generator (model and discriminator initialisation); call before creating the model. */
    public static void seed(long seed) {
        Engines.pytorch().setRandomSeed((int) seed);
    }

    /** The classifier to adapt; its class count must match the data. */
    public DomainAdaptation withModel(GraftModel m) {
        return new DomainAdaptation(method, options, m, source, sourceEval, target, targetEval, onEpoch, onStep);
    }

    /** Labelled source images to train on and a labelled source split to report accuracy on. */
    public DomainAdaptation withSource(ImageData train, ImageData evaluation) {
        return new DomainAdaptation(method, options, model, train, evaluation, target, targetEval, onEpoch, onStep);
    }

    /** Target images (their labels are never read) and a labelled target split used only to report accuracy. */
    public DomainAdaptation withTarget(ImageData unlabelled, ImageData evaluation) {
        return new DomainAdaptation(method, options, model, source, sourceEval, unlabelled, evaluation, onEpoch, onStep);
    }

    /** Called after each epoch (e.g. to write metrics.jsonl as training goes). */
    public DomainAdaptation withOnEpoch(Consumer<AdaptationResult.Epoch> listener) {
        return new DomainAdaptation(method, options, model, source, sourceEval, target, targetEval, listener, onStep);
    }

    /** Called after each optimizer step with the step count (e.g. for a progress bar). */
    public DomainAdaptation withOnStep(Consumer<Long> listener) {
        return new DomainAdaptation(method, options, model, source, sourceEval, target, targetEval, onEpoch, listener);
    }

    /** Trains (and for adabn re-estimates BatchNorm), evaluating after every epoch. */
    public AdaptationResult run() {
        if (model == null || source == null || target == null || sourceEval == null || targetEval == null) {
            throw new GraftException("a domain-adaptation run needs a model, a source and a target",
                    "call withModel(...), withSource(train, eval) and withTarget(unlabelled, eval) before run()");
        }
        // Both domains take the model's input size and channels (ModelInput), so any pair of data sets works.
        ModelInput.note(source, 0, model.cfg());
        ModelInput.note(target, 0, model.cfg());
        ImageData source = ModelInput.shape(this.source, model.cfg());
        ImageData sourceEval = ModelInput.shape(this.sourceEval, model.cfg());
        ImageData target = ModelInput.shape(this.target, model.cfg());
        ImageData targetEval = ModelInput.shape(this.targetEval, model.cfg());
        validate(source, sourceEval, target, targetEval);
        Engines.pytorch();
        long started = System.nanoTime();
        TransferLoss loss = METHODS.get(method).apply(options);
        List<AdaptationResult.Epoch> history = new ArrayList<>();
        try (NDManager base = NDManager.newBaseManager()) {
            if (loss != null) {
                loss.initialize(base, model.numFeatures(), model.numClasses(), options.seed());
            }
            GroupedOptimizer sgd = new GroupedOptimizer(OptimizerKind.SGD, options.momentum(), trainable(loss));
            int iters = options.iterationsPerEpoch();
            // The loss of one batch: cross-entropy on the source plus, when the method has one, the trade-off
            // times its transfer loss on source and target features; and the per-epoch record.
            final class AdaptStep implements Step, Loop.Listener {
                private final Batches targetBatches = Batches.endless(target.size(), options.batchSize(), options.iterationsPerEpoch(),
                        options.seed() * 31 + 2);
                private double clsSum;
                private double transferSum;
                private final Map<String, Double> metricSums = new LinkedHashMap<>();

                @Override
                public NDArray loss(StepContext c) {
                    NDManager sm = c.manager();
                    ParameterStore ps = c.parameters();
                    int[] si = c.indices();
                    NDArray xs = ModelInput.normalize(source.images(sm, si), model.cfg());
                    NDArray ys = source.labels(sm, si);
                    int ns = si.length;
                    boolean usesTarget = loss != null;
                    NDArray x = xs;
                    if (usesTarget) {
                        // Only the target's images are read here; its labels never enter training.
                        int[] ti = targetBatches.indices(c.epoch(), c.batch());
                        x = NDArrays.concat(new NDList(xs, ModelInput.normalize(target.images(sm, ti), model.cfg())), 0);
                    }
                    NDArray features = model.forwardFeatures(ps, x, true);
                    NDArray logits = model.forwardHead(ps, features, true, false);
                    NDArray logitsS = usesTarget ? logits.get("0:" + ns) : logits;
                    NDArray cls = Losses.crossEntropy(logitsS, ys, 0.0);
                    NDArray total = cls;
                    if (usesTarget) {
                        NDArray pre = model.forwardHead(ps, features, true, true);
                        long n = pre.getShape().get(0);
                        TransferLoss.DomainBatch batch = new TransferLoss.DomainBatch(
                                pre.get("0:" + ns), pre.get(ns + ":" + n), logitsS, logits.get(ns + ":" + n));
                        NDArray transfer = loss.loss(ps, batch, c.step());
                        float t = transfer.getFloat();
                        checkFinite(t, "transfer", c.step());
                        transferSum += t;
                        total = cls.add(Scalars.mul(transfer, options.tradeoff()));
                        for (Map.Entry<String, Double> m : loss.lastMetrics().entrySet()) {
                            metricSums.merge(m.getKey(), m.getValue(), Double::sum);
                        }
                    }
                    float cv = cls.getFloat();
                    checkFinite(cv, "classification", c.step());
                    clsSum += cv;
                    return total;
                }

                @Override
                public void onStep(StepContext c, double value) {
                    onStep.accept(c.step() + 1);
                }

                @Override
                public boolean onEpoch(Loop.EpochEnd e) {
                    int iters = options.iterationsPerEpoch();
                    Map<String, Double> metricMeans = new LinkedHashMap<>();
                    metricSums.forEach((k, v) -> metricMeans.put(k, v / iters));
                    AdaptationResult.Epoch r = new AdaptationResult.Epoch(e.epoch() + 1, e.steps(), clsSum / iters, transferSum / iters,
                            metricMeans, accuracy(model, sourceEval), accuracy(model, targetEval), (System.nanoTime() - started) / 1e9);
                    history.add(r);
                    onEpoch.accept(r);
                    clsSum = 0;
                    transferSum = 0;
                    metricSums.clear();
                    return false;
                }
            }
            AdaptStep step = new AdaptStep();
            double lr = options.learningRate();
            new Loop(sgd, Batches.endless(source.size(), options.batchSize(), iters, options.seed() * 31 + 1), step)
                    .withEpochs(options.epochs())
                    // TLlib's annealing lr (1 + 0.0003 i)^-0.75
                    .withSchedule(i -> lr * Math.pow(1 + 0.0003 * i, -0.75))
                    .withClipValue(options.clipGradient())
                    .withSeed(options.seed())
                    .withLabel(method)
                    .withListener(step)
                    .run(Loop.Position.START);
            double beforeAdaBN = Double.NaN;
            if (method.equals("adabn")) {
                beforeAdaBN = accuracy(model, targetEval);
                AdaBN.adapt(model, target, 256);
            }
            return new AdaptationResult(method, history, accuracy(model, targetEval), accuracy(model, sourceEval), beforeAdaBN,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    private void validate(ImageData source, ImageData sourceEval, ImageData target, ImageData targetEval) {
        for (ImageData d : List.of(source, sourceEval, target, targetEval)) {
            if (d.size() == 0) {
                throw new GraftException("data set '" + d.name() + "' is empty", "give it at least one image per split");
            }
            if (d.channels() != source.channels() || d.height() != source.height() || d.width() != source.width()) {
                throw new GraftException("'" + d.name() + "' has " + d.channels() + "x" + d.height() + "x" + d.width()
                        + " images but the source has " + source.channels() + "x" + source.height() + "x" + source.width(),
                        "give the model an input_size in its config so both domains are resized to it");
            }
            if (d.numClasses() != model.numClasses()) {
                throw new GraftException("'" + d.name() + "' has " + d.numClasses() + " classes but the model has " + model.numClasses(),
                        "create the model with numClasses=" + d.numClasses() + " or call resetClassifier");
            }
        }
        if (!source.classNames().equals(target.classNames())) {
            throw new GraftException("source classes " + source.classNames() + " differ from target classes " + target.classNames(),
                    "closed-set adaptation needs the same classes in the same order in both domains");
        }
    }

    /** The model's trainable parameters and the transfer loss's (discriminators), all at the base rate and decay. */
    private List<TrainableParam> trainable(TransferLoss loss) {
        List<TrainableParam> params = new ArrayList<>();
        for (var p : model.block().getParameters()) {
            Parameter param = p.getValue();
            if (param.requiresGradient()) {
                if (!param.getArray().hasGradient()) {
                    param.getArray().setRequiresGradient(true);
                }
                params.add(new TrainableParam("model." + p.getKey(), param, 1.0, options.weightDecay(), "model"));
            }
        }
        if (loss != null) {
            int i = 0;
            for (Parameter param : loss.parameters()) {
                params.add(new TrainableParam("transfer." + i++ + "." + param.getName(), param, 1.0, options.weightDecay(), "transfer"));
            }
        }
        return params;
    }


    private static void checkFinite(float v, String what, long step) {
        // the trainers' shared rule; the trade-off scales the transfer loss, so it can diverge too
        dev.graft.train.Divergence.check(v, "the " + what + " loss", "step " + step, Double.NaN);
    }

    /** Top-1 accuracy of {@code model} on {@code data} (brought to the model's input by {@link ModelInput}) in inference mode. */
    public static double accuracy(GraftModel model, ImageData images) {
        Engines.pytorch();
        return TrainLoop.evaluate(model::forward, ModelInput.prepare(images, model.cfg()), 500, 0.0).top1();
    }


}
