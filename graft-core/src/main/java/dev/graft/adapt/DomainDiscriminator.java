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
     * Binary cross-entropy on logits {@code z} against 0/1 {@code labels}, per sample and numerically
     * stable: {@code max(z, 0) - z y + log(1 + exp(-|z|))}.
     */
    static NDArray bceWithLogits(NDArray z, NDArray labels) {
        return z.maximum(0f).sub(z.mul(labels)).add(z.abs().neg().exp().add(1f).log());
    }

    /** Fraction of logits on the right side of 0. */
    static double accuracy(NDArray z, NDArray labels) {
        return z.gt(0f).toType(DataType.FLOAT32, false).eq(labels).toType(DataType.FLOAT32, false).mean().getFloat();
    }
}
