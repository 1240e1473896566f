package dev.graft.adapt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.engine.Engines;
import dev.graft.train.ModelInput;
import dev.graft.util.Permutations;
import dev.graft.zoo.GraftModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Unsupervised domain adaptation: train a classifier on a labelled source domain and unlabelled
 * target images so it works on the target. One training loop; the method is a {@link TransferLoss}
 * plugged into it (TLlib's design):
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
 * model after the last epoch.
 *
 * <pre>{@code
 * DomainAdaptation.seed(7);
 * GraftModel model = LeNet.create(nd, 1, 10);
 * AdaptationResult r = DomainAdaptation.method("dann", AdaptOptions.defaults().withSeed(7))
 *         .model(model)
 *         .source(mnist.train(), mnist.test())
 *         .target(digits.train(), digits.test())
 *         .run();
 * System.out.println(r.targetAccuracy());
 * }</pre>
 */
public final class DomainAdaptation {
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

    private final String method;
    private final AdaptOptions options;
    private GraftModel model;
    private ImageData source;
    private ImageData sourceEval;
    private ImageData target;
    private ImageData targetEval;
    private Consumer<AdaptationResult.Epoch> onEpoch = e -> {};
    private Consumer<Long> onStep = s -> {};

    private DomainAdaptation(String method, AdaptOptions options) {
        this.method = method;
        this.options = options;
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
        return new DomainAdaptation(key, options);
    }

    /** Seeds PyTorch's generator (model and discriminator initialisation); call before creating the model. */
    public static void seed(long seed) {
        Engines.pytorch().setRandomSeed((int) seed);
    }

    /** The classifier to adapt; its class count must match the data. */
    public DomainAdaptation model(GraftModel m) {
        this.model = m;
        return this;
    }

    /** Labelled source images to train on and a labelled source split to report accuracy on. */
    public DomainAdaptation source(ImageData train, ImageData evaluation) {
        this.source = train;
        this.sourceEval = evaluation;
        return this;
    }

    /**
     * Target images (their labels are never read) and a labelled target split used only to report
     * accuracy.
     */
    public DomainAdaptation target(ImageData unlabelled, ImageData evaluation) {
        this.target = unlabelled;
        this.targetEval = evaluation;
        return this;
    }

    /** Called after each epoch (e.g. to write metrics.jsonl as training goes). */
    public DomainAdaptation onEpoch(Consumer<AdaptationResult.Epoch> listener) {
        this.onEpoch = listener;
        return this;
    }

    /** Called after each optimizer step with the step count (e.g. for a progress bar). */
    public DomainAdaptation onStep(Consumer<Long> listener) {
        this.onStep = listener;
        return this;
    }

    /** Trains (and for adabn re-estimates BatchNorm), evaluating after every epoch. */
    public AdaptationResult run() {
        if (model == null || source == null || target == null || sourceEval == null || targetEval == null) {
            throw new GraftException("a domain-adaptation run needs a model, a source and a target",
                    "call model(...), source(train, eval) and target(unlabelled, eval) before run()");
        }
        // Both domains take the model's input size and channels (ModelInput), so any pair of data sets works.
        ModelInput.note(source, 0, model.cfg());
        ModelInput.note(target, 0, model.cfg());
        ImageData source = ModelInput.shape(this.source, model.cfg());
        ImageData sourceEval = ModelInput.shape(this.sourceEval, model.cfg());
        ImageData target = ModelInput.shape(this.target, model.cfg());
        ImageData targetEval = ModelInput.shape(this.targetEval, model.cfg());
        validate(source, sourceEval, target, targetEval);
        Engine engine = Engines.pytorch();
        long started = System.nanoTime();
        TransferLoss loss = METHODS.get(method).apply(options);
        boolean usesTarget = loss != null;
        List<AdaptationResult.Epoch> history = new ArrayList<>();
        try (NDManager base = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            if (loss != null) {
                loss.initialize(base, model.numFeatures(), model.numClasses(), options.seed());
            }
            List<Parameter> params = trainable(loss);
            var sgdBuilder = Optimizer.sgd()
                    .setLearningRateTracker(annealed(options.learningRate()))
                    .optMomentum((float) options.momentum())
                    .optWeightDecays((float) options.weightDecay());
            if (options.clipGradient() > 0) {
                sgdBuilder.optClipGrad((float) options.clipGradient());
            }
            Optimizer sgd = sgdBuilder.build();
            Sampler sourceSampler = new Sampler(source.size(), options.seed() * 31 + 1);
            Sampler targetSampler = new Sampler(target.size(), options.seed() * 31 + 2);
            long step = 0;
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                double clsSum = 0;
                double transferSum = 0;
                Map<String, Double> metricSums = new LinkedHashMap<>();
                for (int it = 0; it < options.iterationsPerEpoch(); it++) {
                    try (NDManager sm = base.newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
                        int[] si = sourceSampler.next(options.batchSize());
                        NDArray xs = ModelInput.normalize(source.images(sm, si), model.cfg());
                        NDArray ys = source.labels(sm, si);
                        int ns = si.length;
                        NDArray x = xs;
                        if (usesTarget) {
                            // Only the target's images are read here; its labels never enter training.
                            NDArray xt = ModelInput.normalize(target.images(sm, targetSampler.next(options.batchSize())), model.cfg());
                            x = NDArrays.concat(new NDList(xs, xt), 0);
                        }
                        NDArray features = model.forwardFeatures(ps, x, true);
                        NDArray logits = model.forwardHead(ps, features, true, false);
                        NDArray logitsS = usesTarget ? logits.get("0:" + ns) : logits;
                        NDArray cls = crossEntropy(logitsS, ys, model.numClasses());
                        NDArray total = cls;
                        if (usesTarget) {
                            NDArray pre = model.forwardHead(ps, features, true, true);
                            long n = pre.getShape().get(0);
                            TransferLoss.DomainBatch batch = new TransferLoss.DomainBatch(
                                    pre.get("0:" + ns), pre.get(ns + ":" + n), logitsS, logits.get(ns + ":" + n));
                            NDArray transfer = loss.loss(ps, batch, step);
                            float t = transfer.getFloat();
                            checkFinite(t, "transfer", step);
                            transferSum += t;
                            total = cls.add(transfer.mul((float) options.tradeoff()));
                            for (Map.Entry<String, Double> m : loss.lastMetrics().entrySet()) {
                                metricSums.merge(m.getKey(), m.getValue(), Double::sum);
                            }
                        }
                        float c = cls.getFloat();
                        checkFinite(c, "classification", step);
                        clsSum += c;
                        gc.backward(total);
                        for (Parameter p : params) {
                            NDArray w = p.getArray();
                            NDArray g = w.getGradient();
                            sgd.update(p.getId(), w, g);
                            g.subi(g);
                            g.close();
                        }
                    }
                    step++;
                    onStep.accept(step);
                }
                int iters = options.iterationsPerEpoch();
                Map<String, Double> metricMeans = new LinkedHashMap<>();
                metricSums.forEach((k, v) -> metricMeans.put(k, v / iters));
                AdaptationResult.Epoch e = new AdaptationResult.Epoch(epoch, step, clsSum / iters, transferSum / iters, metricMeans,
                        accuracy(model, sourceEval), accuracy(model, targetEval), (System.nanoTime() - started) / 1e9);
                history.add(e);
                onEpoch.accept(e);
            }
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

    private List<Parameter> trainable(TransferLoss loss) {
        List<Parameter> params = new ArrayList<>();
        for (var p : model.block().getParameters()) {
            Parameter param = p.getValue();
            if (param.requiresGradient()) {
                if (!param.getArray().hasGradient()) {
                    param.getArray().setRequiresGradient(true);
                }
                params.add(param);
            }
        }
        if (loss != null) {
            params.addAll(loss.parameters());
        }
        return params;
    }

    /** TLlib's annealing {@code lr (1 + 0.0003 i)^-0.75}. */
    private static Tracker annealed(double lr) {
        return numUpdate -> (float) (lr * Math.pow(1 + 0.0003 * numUpdate, -0.75));
    }

    static NDArray crossEntropy(NDArray logits, NDArray labels, int numClasses) {
        NDArray oneHot = labels.oneHot(numClasses);
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg().mean();
    }

    private static void checkFinite(float v, String what, long step) {
        // the trainers' shared rule; the trade-off scales the transfer loss, so it can diverge too
        dev.graft.train.Divergence.check(v, "the " + what + " loss", "step " + step, Double.NaN);
    }

    /** Top-1 accuracy of {@code model} on {@code data} (brought to the model's input by {@link ModelInput}) in inference mode. */
    public static double accuracy(GraftModel model, ImageData images) {
        Engines.pytorch();
        ImageData data = ModelInput.shape(images, model.cfg());
        int correct = 0;
        int bs = 500;
        try (NDManager nd = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(nd, false);
            for (int start = 0; start < data.size(); start += bs) {
                int n = Math.min(bs, data.size() - start);
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = start + i;
                }
                try (NDManager sm = nd.newSubManager()) {
                    NDArray pred = model.forward(ps, ModelInput.normalize(data.images(sm, idx), model.cfg()), false).argMax(1).toType(DataType.INT32, false);
                    correct += (int) pred.eq(data.labels(sm, idx)).sum().getLong();
                }
            }
        }
        return correct / (double) data.size();
    }


    /** Endless shuffled passes over {@code n} indices, reshuffled each pass, from a seed. */
    static final class Sampler {
        private final int[] order;
        private final SplittableRandom rng;
        private int pos;

        Sampler(int n, long seed) {
            order = Permutations.identity(n);
            rng = new SplittableRandom(seed);
            shuffle();
        }

        int[] next(int batch) {
            int[] out = new int[batch];
            for (int k = 0; k < batch; k++) {
                if (pos == order.length) {
                    shuffle();
                }
                out[k] = order[pos++];
            }
            return out;
        }

        private void shuffle() {
            Permutations.shuffle(order, rng);
            pos = 0;
        }
    }
}
