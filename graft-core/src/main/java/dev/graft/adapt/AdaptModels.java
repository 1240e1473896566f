package dev.graft.adapt;

import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import dev.graft.zoo.GraftModel;

/**
 * Models for domain adaptation by name: {@code lenet} (the digit LeNet of the DA literature, see
 * {@link LeNet}) for any number of input channels.
 *
 * <pre>{@code
 * GraftModel m = AdaptModels.create("lenet", nd, 3, 10);
 * }</pre>
 */
public final class AdaptModels {
    private AdaptModels() {}

    /** A model for {@code inChannels}x28x28 images and {@code numClasses} classes, parameters in {@code nd}. */
    public static GraftModel create(String name, NDManager nd, int inChannels, int numClasses) {
        if ("lenet".equals(name)) {
            return LeNet.create(nd, inChannels, numClasses);
        }
        throw new GraftException("unknown model '" + name + "' for adaptation", "use --model lenet");
    }
}
