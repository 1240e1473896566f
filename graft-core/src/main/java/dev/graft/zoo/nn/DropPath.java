package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.graft.engine.Scalars;

/**
 * timm's {@code DropPath} (stochastic depth): in training, each sample's residual branch is dropped
 * with probability {@code p} and the kept ones are scaled by {@code 1 / (1 - p)}; in inference it is
 * the identity. The draws come from the engine's generator, so a seeded run repeats itself.
 *
 * <pre>{@code
 * double[] rates = DropPath.rates(0.1, 12);                       // timm: linspace(0, 0.1, depth)
 * NDArray y = x.add(DropPath.apply(attn(norm1(x)), rates[i], training));
 * }</pre>
 */
public final class DropPath {
    private DropPath() {}

    /** The branch, dropped per sample with probability {@code p} in training; unchanged otherwise. */
    public static NDArray apply(NDArray branch, double p, boolean training) {
        if (!training || p <= 0) {
            return branch;
        }
        float keep = (float) (1 - p);
        long[] shape = new long[branch.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = branch.getShape().get(0);
        NDArray mask = Scalars.div(branch.getManager().randomUniform(0f, 1f, new Shape(shape)).lt(keep).toType(DataType.FLOAT32, false), keep);
        return branch.mul(mask);
    }

    /** timm's per-block rates, {@code linspace(0, rate, blocks)}: none for the first block, {@code rate} for the last. */
    public static double[] rates(double rate, int blocks) {
        double[] r = new double[blocks];
        for (int i = 0; i < blocks; i++) {
            r[i] = blocks == 1 ? 0 : rate * i / (blocks - 1);
        }
        return r;
    }
}
