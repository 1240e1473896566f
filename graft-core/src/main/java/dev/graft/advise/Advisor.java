package dev.graft.advise;

import dev.graft.GraftException;
import dev.graft.train.FeatureExtractor;
import dev.graft.train.ModelFactory;
import dev.graft.train.ModelParts;
import dev.graft.train.Strategy;
import dev.graft.train.StrategyProbe;
import dev.graft.train.TensorSet;
import dev.graft.train.TrainConfig;
import dev.graft.util.FlatRows;
import dev.graft.util.Labels;
import dev.graft.util.Softmax;
import dev.graft.zoo.GraftModel;
import java.util.List;
import java.util.Locale;

/**
 * Picks a fine-tuning strategy by measuring the target data against a pretrained model (the
 * founding table of transfer learning, made quantitative):
 *
 * <table>
 * <caption>rules</caption>
 * <tr><th></th><th>similar (relative FD &lt; {@value #SIMILAR_FD})</th><th>dissimilar</th></tr>
 * <tr><th>small (&lt; {@value #SMALL_PER_CLASS} per class)</th><td>head</td>
 *     <td>head (stated rule: too few labels to adapt convolutional stages; LogME and LEEP say how much to expect)</td></tr>
 * <tr><th>small, with a probe</th><td colspan="2">the best of head, partial, full and scratch in k-fold
 *     cross-validation on the training labels ({@link #probeIfSmall})</td></tr>
 * <tr><th>large</th><td>partial (about half the stages frozen)</td><td>scratch</td></tr>
 * </table>
 *
 * <p>Whatever the size, dissimilar data whose pretrained features score no higher LogME than the
 * same architecture's features at random initialisation gets {@code scratch}: the pretrained
 * representation carries nothing a random one does not. Conversely, large dissimilar data whose
 * pretrained features score a higher LogME than random-initialisation features gets {@code full}
 * (fine-tune everything from the pretrained weights) rather than {@code scratch}: the Fréchet distance
 * measures how far the inputs are, LogME whether the features still help, and the second decides.
 *
 * <p>Last, {@link #preferLora}: a large transformer (at least {@value #LORA_MIN_PARAMS} parameters, with
 * linear layers LoRA adapts by default) on small to medium data (fewer than {@value #LORA_MAX_PER_CLASS}
 * per class) whose pretrained features are worth keeping (any pick but {@code scratch}) gets {@code lora}:
 * measured within a point of full fine-tuning there while training well under 2% of the parameters.
 *
 * <p>How the thresholds were chosen is documented in {@code docs/finetuning.md}.
 *
 * <!-- example: AdviseStrategy#advise -->
 * <pre>{@code
 * GraftModel model = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
 * Path statsFile = FineTune.weightsDir(model).resolve(FeatureStats.FILE);   // saved with the weights
 * Advice a = Advisor.advise(model, ModelInput.prepare(train, model.cfg()), FeatureStats.read(statsFile), 42);
 * System.out.println(a.strategy().id() + ": " + a.reason());
 * }</pre>
 */
public final class Advisor {
    /** Below this many training samples per class the data counts as small. */
    public static final double SMALL_PER_CLASS = 100;
    /** Below this Fréchet distance relative to the pretraining features' total variance the data counts as similar. */
    public static final double SIMILAR_FD = 0.5;
    /** At most this many target samples are measured (a seeded random subset beyond it). */
    public static final int MAX_MEASURED = 3000;

    /** From this many parameters a transformer counts as large enough for LoRA to pay (MiniLM-L6 has 22.7 million). */
    public static final long LORA_MIN_PARAMS = 20_000_000;
    /** Below this many training samples per class the data counts as small to medium for LoRA. */
    public static final double LORA_MAX_PER_CLASS = 1000;

    private Advisor() {}

    /**
     * Measures and recommends.
     *
     * @param pretrained the pretrained model with its original classifier (for LEEP)
     * @param target the target training data, prepared for the model
     * @param source feature statistics saved with the pretrained weights
     * @param seed seed of the measured subset
     */
    public static Advice advise(GraftModel pretrained, TensorSet target, FeatureStats source, long seed) {
        return advise(pretrained, null, target, source, seed);
    }

    /**
     * Measures and recommends, also comparing the pretrained features' LogME with that of
     * {@code randomInit}, the same architecture randomly initialised (null = not compared).
     */
    public static Advice advise(GraftModel pretrained, GraftModel randomInit, TensorSet target, FeatureStats source, long seed) {
        if (target.size() < 2) {
            throw new GraftException("the target data has " + target.size() + " samples", "give at least a few labelled samples per class");
        }
        int[] counts = target.countsPerClass();
        int present = 0;
        int min = Integer.MAX_VALUE;
        for (int c : counts) {
            if (c > 0) {
                present++;
                min = Math.min(min, c);
            }
        }
        double perClass = target.size() / (double) Math.max(1, present);
        TensorSet measured = subset(target, MAX_MEASURED, seed);
        TensorSet feats = FeatureExtractor.features(pretrained, measured, 256);
        float[][] rows = FeatureExtractor.rows(feats);
        FeatureStats targetStats = FeatureStats.of(rows);
        double fd = Frechet.distance(source, targetStats);
        double trace = 0;
        for (int j = 0; j < source.dim(); j++) {
            trace += source.cov()[j][j];
        }
        double rel = fd / Math.max(1e-12, trace);
        double logme = LogME.score(rows, feats.labels(), target.numClasses());
        double logmeRandom = Double.NaN;
        if (randomInit != null) {
            TensorSet rf = FeatureExtractor.features(randomInit, measured, 256);
            logmeRandom = LogME.score(FeatureExtractor.rows(rf), rf.labels(), target.numClasses());
        }
        double leep = Double.NaN;
        if (pretrained.numClasses() > 0) {
            TensorSet logits = FeatureExtractor.logits(pretrained, measured, 256);
            leep = Leep.score(softmax(FeatureExtractor.rows(logits)), logits.labels(), target.numClasses());
        }
        return decide(perClass, min, fd, rel, logme, logmeRandom, leep, measured.size(), stagesOf(pretrained));
    }

    /** What the probe tries on small data, cheapest first (a full tie goes to the earlier one). */
    public static final List<Strategy> PROBE_CANDIDATES = List.of(Strategy.HEAD, Strategy.PARTIAL, Strategy.FULL, Strategy.SCRATCH);

    /**
     * For small data, lets a {@link StrategyProbe} decide: the table's rule for small data (train only a
     * classifier) assumes adapting more layers over-fits, which depends on the model and the data, and on a
     * few hundred samples trying every strategy costs seconds. Large data keeps the rule's pick, and so
     * does {@code lora} ({@link #preferLora}: on a model that large the probe would train four of them).
     *
     * @param advice the rule's advice
     * @param factory makes the pretrained model or the bare architecture
     * @param target the training data, prepared for the model
     * @param config the run's budget
     * @param folds cross-validation folds; 0 = no probe
     * @param pretrained the pretrained model (for the number of groups {@code partial} freezes)
     */
    public static Advice probeIfSmall(Advice advice, ModelFactory factory, TensorSet target, TrainConfig config, int folds, GraftModel pretrained) {
        if (!advice.small() || folds == 0 || advice.strategy() == Strategy.LORA) {
            return advice;
        }
        StrategyProbe.Result r = StrategyProbe.run(factory, target, config, PROBE_CANDIDATES, folds);
        return advice.withProbe(r, partialFreeze(pretrained));
    }

    /**
     * The LoRA rule on top of an advice: {@code lora} for a large model (its parameter count and whether LoRA's
     * default targets exist in it are read off {@code pretrained}) on small to medium data; see {@link #decideLora}.
     */
    public static Advice preferLora(Advice advice, GraftModel pretrained) {
        long params = 0;
        for (var e : pretrained.stateDict().entrySet()) {
            if (!ModelParts.isBuffer(e.getKey())) {
                params += e.getValue().getArray().size();
            }
        }
        boolean targets;
        try {
            dev.graft.peft.LoraConfig.defaults().withTargetsFor(dev.graft.zoo.nn.LinearLayers.of(pretrained).keySet());
            targets = true;
        } catch (GraftException e) {
            targets = false;   // no attention projections: a CNN
        }
        return decideLora(advice, params, targets);
    }

    /**
     * {@code lora} instead of {@code advice}'s pick when the model has at least {@link #LORA_MIN_PARAMS}
     * parameters and layers LoRA adapts ({@code loraTargets}), the data has fewer than
     * {@link #LORA_MAX_PER_CLASS} samples per class, and the pick keeps the pretrained weights (not {@code scratch});
     * else {@code advice} unchanged.
     */
    public static Advice decideLora(Advice advice, long params, boolean loraTargets) {
        if (!loraTargets || params < LORA_MIN_PARAMS || advice.samplesPerClass() >= LORA_MAX_PER_CLASS || !advice.strategy().usesPretrained()
                || advice.strategy() == Strategy.LORA) {
            return advice;
        }
        return advice.withLora(String.format(Locale.ROOT, "LoRA: a large transformer (%.1f million parameters, at least %.0f million) on"
                + " small to medium data (%.0f per class, below %.0f) whose pretrained features are kept: low-rank adapters on the"
                + " attention projections match full fine-tuning there within a point while training under 2%% of the parameters, so"
                + " lora replaces %s.", params / 1e6, LORA_MIN_PARAMS / 1e6, advice.samplesPerClass(), LORA_MAX_PER_CLASS, advice.strategy().id()));
    }

    /** Groups {@code partial} freezes by default: the stem and half of the stages. */
    public static int partialFreeze(GraftModel m) {
        return ModelParts.defaultPartialFreeze(stagesOf(m));
    }

    /** Number of groups between the stem and the head (the model's stages). */
    static int stagesOf(GraftModel m) {
        return Math.max(0, m.groupMatcher().size() - 2);
    }

    /** The mapping from measurements to a strategy (separate so each quadrant is testable). */
    public static Advice decide(double perClass, int minPerClass, double fd, double relFd, double logme, double logmeRandom,
                                double leep, int measured, int stages) {
        boolean small = perClass < SMALL_PER_CLASS;
        boolean similar = relFd < SIMILAR_FD;
        String sizeText = String.format(Locale.ROOT, "%.0f samples per class (%s the %.0f threshold)", perClass,
                small ? "below" : "at or above", SMALL_PER_CLASS);
        boolean noGain = !Double.isNaN(logmeRandom) && logme <= logmeRandom;
        boolean gain = !Double.isNaN(logmeRandom) && logme > logmeRandom;
        String simText = String.format(Locale.ROOT, "relative Frechet distance %.3f (%s %.2f: %s), LogME %.3f%s",
                relFd, similar ? "below" : "at or above", SIMILAR_FD, similar ? "similar" : "dissimilar", logme,
                Double.isNaN(logmeRandom) ? "" : String.format(Locale.ROOT, " (random initialisation: %.3f)", logmeRandom));
        Strategy s;
        int freeze = 0;
        String rule;
        if (!similar && noGain) {
            s = Strategy.SCRATCH;
            rule = "dissimilar, and the pretrained features separate the classes no better than a randomly initialised network's:"
                    + " the pretrained representation carries nothing to keep, so train from scratch";
        } else if (small && similar) {
            s = Strategy.HEAD;
            rule = "small and similar: the pretrained features already fit; train only a new classifier";
        } else if (small) {
            s = Strategy.HEAD;
            rule = "small and dissimilar: too few labels to adapt convolutional stages without over-fitting, so train only a"
                    + " new classifier on the frozen features; expect less than on similar data (LogME and LEEP above say how much)";
        } else if (similar) {
            s = Strategy.PARTIAL;
            freeze = ModelParts.defaultPartialFreeze(stages);
            rule = "large and similar: keep the general early layers frozen (stem and first half of the stages), train the rest";
        } else if (gain) {
            // The Frechet distance says the inputs differ, but LogME says the pretrained features separate the target's
            // classes better than a random network's do: keep them as the starting point and adapt every layer.
            s = Strategy.FULL;
            rule = "large and dissimilar, but the pretrained features separate the classes better than a randomly initialised"
                    + " network's: fine-tune everything from them, the backbone at a lower learning rate";
        } else {
            s = Strategy.SCRATCH;
            rule = "large and dissimilar: enough data to learn the features anew; pretrained features would only bias them";
        }
        String reason = sizeText + "; " + simText + ". Rule: " + rule + ".";
        return new Advice(s, freeze, perClass, minPerClass, fd, relFd, logme, logmeRandom, leep, small, similar, reason, measured, null);
    }

    private static float[][] softmax(float[][] logits) {
        float[][] out = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            double[] p = Softmax.of(logits[i]);
            out[i] = new float[p.length];
            for (int k = 0; k < p.length; k++) {
                out[i][k] = (float) p[k];
            }
        }
        return out;
    }

    /** A seeded random subset of at most {@code max} samples (all of them if fewer). */
    public static TensorSet subset(TensorSet s, int max, long seed) {
        if (s.size() <= max) {
            return s;
        }
        int[] idx = java.util.Arrays.copyOf(dev.graft.train.TrainLoop.permutation(s.size(), seed, -1), max);
        float[] v = FlatRows.gather(s.values(), s.sampleSize(), idx);
        return new TensorSet(v, s.sampleShape(), Labels.gather(s.labels(), idx), s.classNames());
    }
}
