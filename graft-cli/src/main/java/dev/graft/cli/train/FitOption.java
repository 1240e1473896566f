package dev.graft.cli.train;

import dev.graft.data.ImageData;
import dev.graft.train.ModelInput;
import dev.graft.train.TensorSet;
import dev.graft.zoo.PretrainedCfg;
import picocli.CommandLine.Option;

/**
 * {@code --fit N} of the verbs that run an exported model on images: frame them as the training did
 * (a picocli mixin). {@code finetune} has its own, which sets the framing rather than repeating it.
 */
public final class FitOption {
    @Option(names = "--fit", defaultValue = "0", description = "Resize images into an N x N box centred on the model's input (as at training), 0 = plain resize.")
    int fit;

    /** The images of {@code data} framed and normalised for a model with {@code cfg}, with a note of any resizing. */
    public TensorSet prepare(ImageData data, PretrainedCfg cfg) {
        ModelInput.note(data, fit, cfg);
        return ModelInput.prepare(data, fit, cfg);
    }
}
