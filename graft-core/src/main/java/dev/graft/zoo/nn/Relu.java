package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

/** {@code torch.nn.ReLU}: holds no parameters; occupies an index inside a {@link Sequential}. */
public final class Relu extends Module {
    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return Activation.relu(x);
    }
}
