package dev.graft.cli.train;

import dev.graft.cli.Globals;
import dev.graft.train.OptimizerKind;
import dev.graft.train.TrainConfig;
import picocli.CommandLine.Option;

/** Hyper-parameter flags shared by {@code finetune} and {@code pretrain} (a picocli mixin). */
public final class TrainOptions {
    @Option(names = "--epochs", description = "Maximum epochs (default: ${DEFAULT-VALUE}).", defaultValue = "" + TrainConfig.DEFAULT_EPOCHS)
    int epochs;

    @Option(names = "--lr", description = "Peak learning rate of the head (default: 0.01 for sgd, 0.001 for adamw).")
    Double lr;

    @Option(names = "--batch-size", description = "Training batch size (default: ${DEFAULT-VALUE}).", defaultValue = "" + TrainConfig.DEFAULT_BATCH_SIZE)
    int batchSize;

    @Option(names = "--optimizer", description = "sgd (momentum 0.9) or adamw (default: ${DEFAULT-VALUE}).", defaultValue = "sgd")
    String optimizer;

    @Option(names = "--weight-decay", description = "Weight decay, never on biases and norms (default: 5e-4 sgd, 0.05 adamw).")
    Double weightDecay;

    @Option(names = "--warmup", description = "Linear warm-up epochs before the cosine decay (default: ${DEFAULT-VALUE}).", defaultValue = "" + TrainConfig.DEFAULT_WARMUP_EPOCHS)
    double warmup;

    @Option(names = "--label-smoothing", description = "Label smoothing (default: ${DEFAULT-VALUE}).", defaultValue = "" + TrainConfig.DEFAULT_LABEL_SMOOTHING)
    double labelSmoothing;

    @Option(names = "--clip", description = "Max global gradient norm, 0 = off (default: ${DEFAULT-VALUE}).", defaultValue = "" + TrainConfig.DEFAULT_CLIP_NORM)
    double clip;

    @Option(names = "--backbone-lr-scale", description = "Backbone LR relative to the head for pretrained models (default: ${DEFAULT-VALUE}).", defaultValue = "" + TrainConfig.DEFAULT_BACKBONE_LR_SCALE)
    double backboneLrScale;

    @Option(names = "--layer-decay", description = "Layer-wise LR decay over the model's groups, 1 = off (default: ${DEFAULT-VALUE}).", defaultValue = "" + TrainConfig.DEFAULT_LAYER_DECAY)
    double layerDecay;

    @Option(names = "--patience", description = "Early stopping after this many epochs without validation gain, 0 = off (default: ${DEFAULT-VALUE}).", defaultValue = "" + TrainConfig.DEFAULT_PATIENCE)
    int patience;

    TrainConfig toConfig() {
        TrainConfig d = TrainConfig.defaults(OptimizerKind.parse(optimizer));
        return new TrainConfig(d.optimizer(), lr != null ? lr : d.lr(), d.momentum(), weightDecay != null ? weightDecay : d.weightDecay(),
                epochs, batchSize, warmup, d.minLrRatio(), labelSmoothing, clip, backboneLrScale, layerDecay, patience, Globals.seed);
    }
}
