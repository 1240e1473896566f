package dev.graft.cli.train;

import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
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
        if (Files.isDirectory(Path.of(model))) {
            return Zoo.create("local-dir:" + Path.of(model).toAbsolutePath(), CreateOptions.defaults());
        }
        return Zoo.create(model, CreateOptions.defaults().withPretrained(!model.contains(":")));
    }
}
