package dev.graft.adapt;

import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.util.Records;

/**
 * Hyperparameters of a domain-adaptation run, validated on construction. The defaults are TLlib's
 * digit recipe (SGD, momentum 0.9, weight decay 5e-4, learning rate 0.01 annealed as
 * {@code lr (1 + 0.0003 i)^-0.75}, batch 64 per domain, trade-off 1) with fewer iterations, plus
 * element-wise gradient clipping at 1.
 *
 * <pre>{@code
 * AdaptOptions o = AdaptOptions.defaults().withEpochs(5).withSeed(7);
 * }</pre>
 *
 * @param epochs passes of {@code iterationsPerEpoch} steps (0 only makes sense for adabn on a trained model)
 * @param iterationsPerEpoch steps per epoch; each step draws one source and one target batch
 * @param batchSize images per domain per step
 * @param learningRate initial SGD learning rate
 * @param momentum SGD momentum
 * @param weightDecay L2 weight decay
 * @param tradeoff weight of the transfer loss against the classification loss
 * @param discriminatorHidden hidden width of the DANN/CDAN domain discriminator
 * @param seed seeds initialisation, sampling and the CDAN random map
 * @param clipGradient clip every gradient element to [-c, c] (0 = no clipping); the default 1 binds
 *     only on the few steps where a gradient spikes (about 1 % of a healthy DANN run's steps) and caps
 *     the step there
 */
public record AdaptOptions(int epochs, int iterationsPerEpoch, int batchSize, double learningRate, double momentum,
        double weightDecay, double tradeoff, int discriminatorHidden, long seed, double clipGradient) {

    public AdaptOptions {
        if (epochs < 0 || iterationsPerEpoch < 1 || batchSize < 2) {
            throw new SettingException(SettingException.Reason.ADAPT_BUDGET, null, "adaptation needs epochs >= 0, iterations per epoch >= 1 and"
                    + " batch size >= 2 (got " + epochs + ", " + iterationsPerEpoch + ", " + batchSize + ")",
                    "fix AdaptOptions.epochs, iterationsPerEpoch or batchSize");
        }
        if (!(learningRate > 0) || momentum < 0 || momentum >= 1 || weightDecay < 0 || tradeoff < 0 || discriminatorHidden < 1
                || clipGradient < 0) {
            throw new GraftException("invalid adaptation hyperparameters (lr " + learningRate + ", momentum " + momentum
                    + ", weight decay " + weightDecay + ", trade-off " + tradeoff + ", gradient clip " + clipGradient + ")",
                    "use lr > 0, 0 <= momentum < 1, and weight decay, trade-off and gradient clip >= 0");
        }
    }

    // The defaults, named so the command line shows and uses the same values as Java.
    public static final int DEFAULT_EPOCHS = 10;
    public static final int DEFAULT_ITERATIONS_PER_EPOCH = 200;
    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final double DEFAULT_LEARNING_RATE = 0.01;
    /** Gradient elements are clipped to [-1, 1] unless {@link #withClipGradient} says otherwise. */
    public static final double DEFAULT_CLIP_GRADIENT = 1.0;

    /** TLlib's digit settings with 10 epochs of 200 steps, gradient elements clipped to [-1, 1]. */
    public static AdaptOptions defaults() {
        return new AdaptOptions(DEFAULT_EPOCHS, DEFAULT_ITERATIONS_PER_EPOCH, DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, 0.9, 5e-4, 1.0, 500, 0,
                DEFAULT_CLIP_GRADIENT);
    }

    public AdaptOptions withEpochs(int n) {
        return Records.with(this, "epochs", n);
    }

    public AdaptOptions withIterationsPerEpoch(int n) {
        return Records.with(this, "iterationsPerEpoch", n);
    }

    public AdaptOptions withBatchSize(int n) {
        return Records.with(this, "batchSize", n);
    }

    public AdaptOptions withLearningRate(double lr) {
        return Records.with(this, "learningRate", lr);
    }

    public AdaptOptions withTradeoff(double t) {
        return Records.with(this, "tradeoff", t);
    }

    public AdaptOptions withDiscriminatorHidden(int h) {
        return Records.with(this, "discriminatorHidden", h);
    }

    public AdaptOptions withClipGradient(double c) {
        return Records.with(this, "clipGradient", c);
    }

    public AdaptOptions withSeed(long s) {
        return Records.with(this, "seed", s);
    }
}
