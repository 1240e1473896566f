package dev.graft.train;

import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;

/**
 * {@link ModelFactory}s over the model zoo, for the CLI and for Java callers.
 *
 * <pre>{@code
 * FineTune.of("small_cnn.graft_mnist", ZooModels.factory("small_cnn.graft_mnist", 0.0), "digits", splits)...
 * }</pre>
 */
public final class ZooModels {
    private ZooModels() {}

    /**
     * The trained model {@code name} names, as {@code graft predict} loads it: a run folder (opened as
     * {@code local-dir:}), a source ({@code local-dir:}, {@code hf-hub:}) or a zoo name {@code arch.tag} with its
     * pretrained weights.
     */
    public static GraftModel open(String name) {
        java.nio.file.Path dir = java.nio.file.Path.of(name);
        if (java.nio.file.Files.isDirectory(dir)) {
            return Zoo.create("local-dir:" + dir.toAbsolutePath(), CreateOptions.defaults());
        }
        return Zoo.create(name, CreateOptions.defaults().withPretrained(!name.contains(":")));
    }

    /**
     * Pretrained: the weights named by {@code name} ({@code arch.tag}, {@code arch} = its default tag,
     * or a source such as {@code local-dir:DIR}); not pretrained: the same architecture, randomly
     * initialised, with the same input configuration.
     */
    public static ModelFactory factory(String name, double dropRate) {
        return factory(name, dropRate, 0);
    }

    /** As {@link #factory(String, double)}, with timm's stochastic depth ({@code drop_path_rate}) for training. */
    public static ModelFactory factory(String name, double dropRate, double dropPathRate) {
        return pretrained -> {
            CreateOptions o = CreateOptions.defaults().withPretrained(pretrained).withDropRate(dropRate).withDropPathRate(dropPathRate);
            if (pretrained || !name.contains(":")) {
                return Zoo.create(name, o);
            }
            // a source (local-dir:, file:, hf-hub:) without its weights: its architecture, randomly initialised
            GraftModel loaded = Zoo.create(name, CreateOptions.defaults());
            return Zoo.create(loaded.cfg().architecture(), o.withPretrained(false));
        };
    }
}
