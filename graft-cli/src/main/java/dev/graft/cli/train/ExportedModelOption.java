package dev.graft.cli.train;

import dev.graft.zoo.GraftModel;
import picocli.CommandLine.Option;

/** The required {@code --model} of the verbs that use a trained model: a run folder or a zoo name (a picocli mixin). */
public final class ExportedModelOption {
    @Option(names = "--model", required = true, description = "Run folder (model.safetensors + config.json) or a zoo name arch.tag.")
    String model;

    /** The name as given, for messages. */
    public String name() {
        return model;
    }

    /** A run folder (local-dir:) or a zoo name, with its pretrained weights unless it names a source. */
    public GraftModel load() {
        return dev.graft.train.ZooModels.open(model);
    }
}
