package dev.graft.adapt;

import ai.djl.ndarray.NDManager;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;

/**
 * Models for domain adaptation by name: {@code lenet} (the digit LeNet of the adaptation literature,
 * see {@link LeNet}), or any zoo name ({@code small_cnn}, {@code small_resnet},
 * {@code small_cnn.graft_mnist} with pretrained weights, ...), created with the data's channels and
 * class count.
 *
 * <pre>{@code
 * GraftModel m = AdaptModels.create("small_cnn", nd, 3, 10);
 * }</pre>
 */
public final class AdaptModels {
    private AdaptModels() {}

    /** A model for {@code inChannels}-channel images and {@code numClasses} classes; LeNet's parameters live in {@code nd}. */
    public static GraftModel create(String name, NDManager nd, int inChannels, int numClasses) {
        if ("lenet".equals(name)) {
            return LeNet.create(nd, inChannels, numClasses);
        }
        // A tagged name (arch.tag) means pretrained weights; the classifier is replaced for numClasses.
        return Zoo.create(name, CreateOptions.defaults().withPretrained(name.contains(".")).withNumClasses(numClasses).withInChans(inChannels));
    }
}
