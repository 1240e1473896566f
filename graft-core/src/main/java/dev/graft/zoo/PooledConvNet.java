package dev.graft.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;

/**
 * A convolutional image model with timm's CNN head: the last feature map is averaged over space,
 * then {@link #classify} applies dropout at {@code dropRate} and the classifier.
 *
 * <pre>{@code
 * public final class MyCnn extends PooledConvNet {
 *     public MyCnn(PretrainedCfg cfg, ModelArgs args) { super(cfg, args.dropRate()); ... }
 * }
 * }</pre>
 */
public abstract class PooledConvNet extends ModelBase {
    private final double dropRate;

    /** @param dropRate dropout before the classifier (0 for none), active in training only */
    protected PooledConvNet(PretrainedCfg cfg, double dropRate) {
        super(cfg);
        this.dropRate = dropRate;
    }

    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
        return classify(ps, Pool.globalAvgPool2d(features), dropRate, training, preLogits);
    }

    /**
     * ReLU that releases its input: intermediate activations are freed as soon as they are used, as
     * PyTorch's reference counting does (autograd keeps its own references while training).
     */
    protected static NDArray reluAndClose(NDArray x) {
        NDArray y = Activation.relu(x);
        x.close();
        return y;
    }
}
