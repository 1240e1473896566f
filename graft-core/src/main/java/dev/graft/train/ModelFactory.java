package dev.graft.train;

import dev.graft.zoo.GraftModel;

/**
 * Makes the model a run starts from: with pretrained weights, or the bare architecture randomly
 * initialised (for {@code scratch}). The engine's random seed is set before each call.
 *
 * <pre>{@code
 * ModelFactory f = pretrained -> Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(pretrained));
 * }</pre>
 */
@FunctionalInterface
public interface ModelFactory {
    GraftModel create(boolean pretrained);
}
