package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.util.Records;

/**
 * Hyper-parameters of one training run, validated on construction (Smile-style {@code record Options}).
 *
 * <pre>{@code
 * TrainConfig c = TrainConfig.defaults().withEpochs(5).withLr(0.01);
 * }</pre>
 *
 * @param optimizer SGD with momentum or AdamW
 * @param lr peak learning rate of the head (reached after warm-up)
 * @param momentum SGD momentum (AdamW: beta1)
 * @param weightDecay weight decay; never applied to biases and normalisation parameters
 * @param epochs maximum number of epochs
 * @param batchSize training batch size
 * @param warmupEpochs linear warm-up length in epochs (fractions allowed) before the cosine decay
 * @param minLrRatio the cosine decays to {@code lr * minLrRatio}
 * @param labelSmoothing label smoothing epsilon in [0, 1)
 * @param clipNorm maximal global gradient norm (0 = no clipping)
 * @param backboneLrScale learning rate of pretrained backbone parameters relative to the head (discriminative LRs)
 * @param layerDecay layer-wise LR decay over the model's groups (1 = off; 0.7 = each earlier group x0.7)
 * @param patience early stopping: epochs without validation improvement before stopping (0 = off)
 * @param seed seed of initialisation, shuffling and dropout
 */
public record TrainConfig(
        OptimizerKind optimizer,
        double lr,
        double momentum,
        double weightDecay,
        int epochs,
        int batchSize,
        double warmupEpochs,
        double minLrRatio,
        double labelSmoothing,
        double clipNorm,
        double backboneLrScale,
        double layerDecay,
        int patience,
        long seed) {

    public TrainConfig {
        if (optimizer == null) {
            throw new GraftException("no optimizer given", "use sgd or adamw");
        }
        check(lr > 0 && Double.isFinite(lr), SettingException.Reason.LR_NOT_POSITIVE, "learning rate " + lr + " is not positive",
                "set TrainConfig.lr > 0, e.g. 0.01");
        check(momentum >= 0 && momentum < 1, "momentum " + momentum + " is outside [0, 1)", "use e.g. 0.9");
        check(weightDecay >= 0, "weight decay " + weightDecay + " is negative", "use e.g. 5e-4 (SGD) or 0.05 (AdamW)");
        check(epochs >= 1, SettingException.Reason.EPOCHS_BELOW_ONE, "epochs " + epochs + " is less than 1", "set TrainConfig.epochs to 1 or more");
        check(batchSize >= 1, SettingException.Reason.BATCH_SIZE_BELOW_ONE, "batch size " + batchSize + " is less than 1",
                "set TrainConfig.batchSize to 1 or more");
        check(warmupEpochs >= 0, "warm-up " + warmupEpochs + " is negative", "use 0 or more epochs");
        check(minLrRatio >= 0 && minLrRatio <= 1, "minimal LR ratio " + minLrRatio + " is outside [0, 1]", "use e.g. 0.01");
        check(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing " + labelSmoothing + " is outside [0, 1)", "use e.g. 0.1");
        check(clipNorm >= 0, "gradient clip norm " + clipNorm + " is negative", "use 0 (off) or e.g. 5");
        check(backboneLrScale >= 0, "backbone LR scale " + backboneLrScale + " is negative", "use e.g. 0.1");
        check(layerDecay > 0 && layerDecay <= 1, "layer decay " + layerDecay + " is outside (0, 1]", "use 1 (off) or e.g. 0.75");
        check(patience >= 0, "patience " + patience + " is negative", "use 0 (off) or e.g. 3");
    }

    private static void check(boolean ok, String problem, String fix) {
        if (!ok) {
            throw new GraftException(problem, fix);
        }
    }

    /** A check whose fix a front end words with its own flag. */
    private static void check(boolean ok, SettingException.Reason reason, String problem, String fix) {
        if (!ok) {
            throw new SettingException(reason, null, problem, fix);
        }
    }

    // The defaults, in one place: TrainConfig.defaults() and the CLI's flags both read them.
    public static final int DEFAULT_EPOCHS = 10;
    public static final int DEFAULT_BATCH_SIZE = 128;
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_SGD_LR = 0.01;
    public static final double DEFAULT_ADAMW_LR = 1e-3;
    public static final double DEFAULT_SGD_WEIGHT_DECAY = 5e-4;
    public static final double DEFAULT_ADAMW_WEIGHT_DECAY = 0.05;
    public static final double DEFAULT_WARMUP_EPOCHS = 0.5;
    public static final double DEFAULT_MIN_LR_RATIO = 0.01;
    public static final double DEFAULT_LABEL_SMOOTHING = 0.1;
    public static final double DEFAULT_CLIP_NORM = 5;
    public static final double DEFAULT_BACKBONE_LR_SCALE = 0.1;
    public static final double DEFAULT_LAYER_DECAY = 1;
    public static final int DEFAULT_PATIENCE = 0;
    public static final long DEFAULT_SEED = 42;

    /** SGD with momentum 0.9, LR 0.01, weight decay 5e-4, 10 epochs of 128, half a warm-up epoch, smoothing 0.1, clip 5. */
    public static TrainConfig defaults() {
        return defaults(OptimizerKind.SGD);
    }

    /** The defaults for {@code optimizer}: SGD as {@link #defaults()}; AdamW with LR 1e-3 and weight decay 0.05. */
    public static TrainConfig defaults(OptimizerKind optimizer) {
        boolean adam = optimizer == OptimizerKind.ADAMW;
        return new TrainConfig(optimizer, adam ? DEFAULT_ADAMW_LR : DEFAULT_SGD_LR, DEFAULT_MOMENTUM,
                adam ? DEFAULT_ADAMW_WEIGHT_DECAY : DEFAULT_SGD_WEIGHT_DECAY, DEFAULT_EPOCHS, DEFAULT_BATCH_SIZE,
                DEFAULT_WARMUP_EPOCHS, DEFAULT_MIN_LR_RATIO, DEFAULT_LABEL_SMOOTHING, DEFAULT_CLIP_NORM,
                DEFAULT_BACKBONE_LR_SCALE, DEFAULT_LAYER_DECAY, DEFAULT_PATIENCE, DEFAULT_SEED);
    }

    /** This configuration with another optimizer. */
    public TrainConfig withOptimizer(OptimizerKind v) { return Records.with(this, "optimizer", v); }
    /** This configuration with another peak learning rate of the head. */
    public TrainConfig withLr(double v) { return Records.with(this, "lr", v); }
    /** This configuration with another momentum (AdamW: beta1). */
    public TrainConfig withMomentum(double v) { return Records.with(this, "momentum", v); }
    /** This configuration with another weight decay. */
    public TrainConfig withWeightDecay(double v) { return Records.with(this, "weightDecay", v); }
    /** This configuration with another maximum number of epochs. */
    public TrainConfig withEpochs(int v) { return Records.with(this, "epochs", v); }
    /** This configuration with another training batch size. */
    public TrainConfig withBatchSize(int v) { return Records.with(this, "batchSize", v); }
    /** This configuration with another warm-up length in epochs. */
    public TrainConfig withWarmupEpochs(double v) { return Records.with(this, "warmupEpochs", v); }
    /** This configuration with another label smoothing. */
    public TrainConfig withLabelSmoothing(double v) { return Records.with(this, "labelSmoothing", v); }
    /** This configuration with another gradient clip norm (0 = off). */
    public TrainConfig withClipNorm(double v) { return Records.with(this, "clipNorm", v); }
    /** This configuration with another backbone learning-rate scale. */
    public TrainConfig withBackboneLrScale(double v) { return Records.with(this, "backboneLrScale", v); }
    /** This configuration with another layer-wise LR decay (1 = off). */
    public TrainConfig withLayerDecay(double v) { return Records.with(this, "layerDecay", v); }
    /** This configuration with another early-stopping patience (0 = off). */
    public TrainConfig withPatience(int v) { return Records.with(this, "patience", v); }
    /** This configuration with another seed. */
    public TrainConfig withSeed(long v) { return Records.with(this, "seed", v); }
}
