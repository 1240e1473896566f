package dev.graft.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The domain classifier of DANN and CDAN (TLlib's {@code DomainDiscriminator}): two hidden layers of
 * {@code hidden} units with BatchNorm and ReLU, then one logit ("is this a source sample?").
 *
 * <pre>{@code
 * DomainDiscriminator d = new DomainDiscriminator(nd, 500, 1024);
 * NDArray logit = d.forward(ps, features, true);   // N x 1
 * }</pre>
 */
public final class DomainDiscriminator {
    private final SequentialBlock net;

    public DomainDiscriminator(NDManager manager, int inFeatures, int hidden) {
        net = new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(hidden).build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(1).build());
        net.initialize(manager, DataType.FLOAT32, new Shape(2, inFeatures));
        for (var p : net.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    /** Domain logits, N x 1. */
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return net.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /** Trainable parameters. */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (var p : net.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
            }
        }
        return out;
    }

    /**
     * Binary cross-entropy on logits {@code z} against 0/1 {@code labels}, per sample, as PyTorch's
     * {@code binary_cross_entropy_with_logits}: {@code softplus(z) - z y}, which equals
     * {@code -y log(sigmoid(z)) - (1 - y) log(1 - sigmoid(z))} but never takes the log of a sigmoid,
     * so it stays finite for any finite logit (log(sigmoid(-100)) is -inf in float32). Its gradient is
     * {@code sigmoid(z) - y}, bounded by 1.
     */
    public static NDArray bceWithLogits(NDArray z, NDArray labels) {
        return Activation.softPlus(z).sub(z.mul(labels));
    }

    /** Fraction of logits on the right side of 0. */
    static double accuracy(NDArray z, NDArray labels) {
        return z.gt(0f).toType(DataType.FLOAT32, false).eq(labels).toType(DataType.FLOAT32, false).mean().getFloat();
    }
}
