package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * PyTorch's parameter initialisations as DJL initialisers, so a fresh Graft model starts from the
 * same distributions as its PyTorch counterpart.
 *
 * <pre>{@code
 * Initializer w = Init.kaimingNormalFanOut();   // torchvision ResNet convs
 * Initializer b = Init.uniformFanIn(512);       // nn.Linear bias
 * }</pre>
 */
public final class Init {
    public static final Initializer ZEROS = Initializer.ZEROS;
    public static final Initializer ONES = Initializer.ONES;

    private Init() {}

    /** {@code kaiming_normal_(mode='fan_out', nonlinearity='relu')}: std = sqrt(2 / fan_out). */
    public static Initializer kaimingNormalFanOut() {
        return kaimingNormalFanOut(1);
    }

    /**
     * timm's {@code _init_weight_goog} for a grouped (e.g. depthwise) conv: Normal(0, sqrt(2 / fan_out))
     * with fan_out = out * k * k / groups.
     */
    public static Initializer kaimingNormalFanOut(int groups) {
        return (NDManager m, Shape s, DataType t) -> {
            long fanOut = s.get(0) * (s.dimension() > 2 ? s.slice(2).size() : 1) / groups;
            return m.randomNormal(0f, (float) Math.sqrt(2.0 / fanOut), s, t);
        };
    }

    /** timm's {@code _init_weight_goog} for a classifier: U(-1/sqrt(out), 1/sqrt(out)). */
    public static Initializer uniformFanOut() {
        return (NDManager m, Shape s, DataType t) -> {
            float bound = (float) (1.0 / Math.sqrt(s.get(0)));
            return m.randomUniform(-bound, bound, s, t);
        };
    }

    /** PyTorch's default for conv/linear weights ({@code kaiming_uniform_(a=sqrt(5))}): U(-1/sqrt(fan_in), +). */
    public static Initializer defaultWeight() {
        return (NDManager m, Shape s, DataType t) -> {
            long fanIn = s.slice(1).size();
            float bound = (float) (1.0 / Math.sqrt(fanIn));
            return m.randomUniform(-bound, bound, s, t);
        };
    }

    /** PyTorch's default bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    public static Initializer uniformFanIn(long fanIn) {
        float bound = (float) (1.0 / Math.sqrt(Math.max(1, fanIn)));
        return (NDManager m, Shape s, DataType t) -> m.randomUniform(-bound, bound, s, t);
    }

    /** Normal(0, std), e.g. timm's {@code trunc_normal_(std=.02)} whose +-2 cut-off never binds at that std. */
    public static Initializer normal(double std) {
        return (NDManager m, Shape s, DataType t) -> {
            NDArray a = m.randomNormal(0f, (float) std, s, t);
            return a;
        };
    }
}
