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
