package dev.graft.zoo.efficientnet;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.graft.engine.Scalars;

/**
 * The activations of the EfficientNet and MobileNetV3 blocks, computed as PyTorch defines them.
 *
 * <pre>{@code
 * NDArray y = Act.HARD_SWISH.apply(x);   // x * relu6(x + 3) / 6
 * }</pre>
 */
public enum Act {
    RELU,
    /** SiLU (swish): x * sigmoid(x). */
    SILU,
    /** x * relu6(x + 3) / 6. */
    HARD_SWISH,
    /** relu6(x + 3) / 6, MobileNetV3's squeeze-excite gate. */
    HARD_SIGMOID,
    SIGMOID;

    /** This activation of {@code x} (a new array; {@code x} is left as it is). */
    public NDArray apply(NDArray x) {
        switch (this) {
            case RELU:
                return Activation.relu(x);
            case SILU:
                return Activation.swish(x, 1f);
            case SIGMOID:
                return Activation.sigmoid(x);
            case HARD_SIGMOID:
                return hardSigmoid(x);
            case HARD_SWISH:
                NDArray gate = hardSigmoid(x);
                NDArray y = x.mul(gate);
                gate.close();
                return y;
            default:
                throw new IllegalStateException(name());
        }
    }

    /** This activation of {@code x}, releasing {@code x}. */
    public NDArray applyAndClose(NDArray x) {
        NDArray y = apply(x);
        x.close();
        return y;
    }

    private static NDArray hardSigmoid(NDArray x) {
        NDArray shifted = x.add(3f);
        NDArray clipped = Activation.relu6(shifted);
        shifted.close();
        NDArray y = Scalars.div(clipped, 6);
        clipped.close();
        return y;
    }
}
