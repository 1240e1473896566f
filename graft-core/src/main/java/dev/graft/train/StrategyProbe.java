package dev.graft.train;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.progress.Output;
import dev.graft.zoo.GraftModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides between strategies by trying them: k-fold cross-validation on the labelled training data
 * alone, each candidate trained with the run's own budget on k-1 folds and tested on the held-out
 * fold, so every training sample is predicted exactly once per candidate ({@code head} as in a real
 * run: its classifier is the {@link LinearProbe} fitted to convergence, its penalty chosen inside the
 * k-1 folds, whatever the budget). The best accuracy wins;
 * equal accuracies go to the lower held-out cross-entropy. Cheap where it is used, on small data (a
 * few hundred samples), and it needs no test labels.
 *
 * <pre>{@code
 * StrategyProbe.Result r = StrategyProbe.run(factory, train, TrainConfig.defaults().withEpochs(15),
 *         List.of(Strategy.HEAD, Strategy.PARTIAL, Strategy.FULL, Strategy.SCRATCH), 3);
 * System.out.println(r.best() + " " + r.accuracy());
 * }</pre>
 */
public final class StrategyProbe {
    /** Folds used unless asked otherwise. */
    public static final int DEFAULT_FOLDS = 3;

    private StrategyProbe() {}

    /**
     * What the probe measured.
     *
     * @param best the candidate with the highest cross-validated accuracy; on equal accuracy the lower held-out
     *     cross-entropy, then the earlier candidate
     * @param accuracy cross-validated top-1 accuracy of every candidate by strategy id, in the order tried
     * @param loss cross-validated mean cross-entropy of every candidate by strategy id
     * @param folds number of folds
     * @param samples samples predicted per candidate (all training samples)
     * @param seconds wall time of the whole probe
     */
    public record Result(
            @JsonProperty("best") Strategy best,
            @JsonProperty("accuracy") Map<String, Double> accuracy,
            @JsonProperty("loss") Map<String, Double> loss,
            @JsonProperty("folds") int folds,
            @JsonProperty("samples") int samples,
            @JsonProperty("seconds") double seconds) {

        /** The accuracies as one line, e.g. {@code head 93.0%, full 95.0%}. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            accuracy.forEach((s, a) -> parts.add(String.format(Locale.ROOT, "%s %.1f%%", s, 100 * a)));
            return String.join(", ", parts);
        }
    }

    /**
     * Cross-validates {@code candidates} on {@code train} (already prepared for the model).
     *
     * @param factory makes the pretrained model or the bare architecture
     * @param train labelled training data, prepared for the model
     * @param config the training budget and optimiser of the real run (its seed seeds the folds too)
     * @param candidates strategies to try, in order of preference on ties ({@code auto} not allowed)
     * @param folds number of folds, at least 2; each class is dealt round-robin over the folds
     */
    public static Result run(ModelFactory factory, TensorSet train, TrainConfig config, List<Strategy> candidates, int folds) {
        if (folds < 2) {
            throw new SettingException(SettingException.Reason.PROBE_FOLDS_BELOW_TWO, null, "the strategy probe needs at least 2 folds, got " + folds,
                    "set FineTune.probeFolds to 2 or more (0 turns the probe off)");
        }
        if (candidates.isEmpty() || candidates.contains(Strategy.AUTO)) {
            throw new GraftException("the strategy probe needs concrete candidates, got " + candidates, "list scratch, partial, head or full");
        }
        int[] fold = assignFolds(train.labels(), train.numClasses(), folds, config.seed());
        long t0 = System.nanoTime();
        Map<String, Double> accuracy = new LinkedHashMap<>();
        Map<String, Double> loss = new LinkedHashMap<>();
        // one run's settings for every fold: no early stopping (the held-out fold is the probe's measure, not a validation set)
        TrainConfig cfg = config.withPatience(0);
        for (Strategy s : candidates) {
            long correct = 0;
            double lossSum = 0;
            for (int f = 0; f < folds; f++) {
                TensorSet fit = select(train, fold, f, false);
                TensorSet held = select(train, fold, f, true);
                if (held.size() == 0 || fit.size() < 2) {
                    continue;
                }
                EvalResult r = trainAndTest(factory, s, fit, held, cfg);
                correct += Math.round(r.top1() * held.size());
                lossSum += r.loss() * held.size();
            }
            double acc = correct / (double) train.size();
            accuracy.put(s.id(), acc);
            loss.put(s.id(), lossSum / train.size());
            Output.note(String.format(Locale.ROOT, "probe: %s %.1f%%, loss %.4f (%d-fold cross-validation on %d training samples)",
                    s.id(), 100 * acc, lossSum / train.size(), folds, train.size()));
        }
        Strategy best = pick(candidates, accuracy, loss);
        return new Result(best, accuracy, loss, folds, train.size(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The highest accuracy; accuracy counts whole samples, so on a few hundred of them ties are common and
     * the lower held-out loss breaks them; the earlier candidate wins a full tie.
     */
    static Strategy pick(List<Strategy> candidates, Map<String, Double> accuracy, Map<String, Double> loss) {
        Strategy best = candidates.get(0);
        for (Strategy s : candidates) {
            double a = accuracy.get(s.id());
            double b = accuracy.get(best.id());
            if (a > b || (a == b && loss.get(s.id()) < loss.get(best.id()))) {
                best = s;
            }
        }
        return best;
    }

    /** Fold of every sample: each class's samples in a seeded random order, dealt round-robin. */
    static int[] assignFolds(int[] labels, int classes, int folds, long seed) {
        int[] order = TrainLoop.permutation(labels.length, seed, -2);
        int[] fold = new int[labels.length];
        int[] next = new int[classes];
        for (int i : order) {
            fold[i] = next[labels[i]]++ % folds;
        }
        return fold;
    }

    /** The samples in fold {@code f} ({@code inFold}) or in every other fold. */
    static TensorSet select(TensorSet s, int[] fold, int f, boolean inFold) {
        int n = 0;
        for (int v : fold) {
            if ((v == f) == inFold) {
                n++;
            }
        }
        int per = s.sampleSize();
        float[] values = new float[n * per];
        int[] labels = new int[n];
        int k = 0;
        for (int i = 0; i < fold.length; i++) {
            if ((fold[i] == f) == inFold) {
                System.arraycopy(s.values(), i * per, values, k * per, per);
                labels[k++] = s.labels()[i];
            }
        }
        return new TensorSet(values, s.sampleShape(), labels, s.classNames());
    }

    /** Trains a fresh model with strategy {@code s} on {@code fit} and evaluates it on {@code held} after the last epoch. */
    private static EvalResult trainAndTest(ModelFactory factory, Strategy s, TensorSet fit, TensorSet held, TrainConfig cfg) {
        Engine engine = Engine.getInstance();
        engine.setRandomSeed((int) cfg.seed());
        GraftModel model = factory.create(s.usesPretrained());
        engine.setRandomSeed((int) cfg.seed() + 1);
        FineTune.applyStrategy(model, s, -1, fit.numClasses());
        TrainLoop.Forward forward = model::forward;
        if (s == Strategy.HEAD) {
            fit = FeatureExtractor.features(model, fit, 256);
            held = FeatureExtractor.features(model, held, 256);
            forward = FineTune.cachedHeadForward(model);
            if (LinearProbe.fitsFullBatch(fit)) {
                // the same fitted probe as a head run; its penalty is chosen inside the fold's training part
                LinearProbe.Selection sel = LinearProbe.select(fit, null, cfg.seed(), FineTune.classifierHasBias(model), () -> false);
                LinearProbe.writeInto(model, sel.solution());
                return TrainLoop.evaluate(forward, held, Math.max(256, cfg.batchSize()), 0.0);
            }
        }
        GroupedOptimizer optimizer = new GroupedOptimizer(cfg.optimizer(), cfg.momentum(), ModelParts.trainable(model, s, cfg));
        TrainLoop loop = new TrainLoop(cfg, forward, optimizer, model.stateDict()).withLabel("probe " + s.id());
        loop.run(fit, null, null);
        return TrainLoop.evaluate(forward, held, Math.max(256, cfg.batchSize()), 0.0);
    }
}
