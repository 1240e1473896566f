package dev.graft.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic of an array with a constant, through a constant tensor whose memory PyTorch owns.
 *
 * <p>Why: DJL's {@code NDArray.mul(Number)} (and {@code div}, {@code pow}, {@code maximum},
 * {@code minimum}, {@code mod} and their in-place forms) wraps the constant in a tensor over a Java
 * direct buffer and closes it right after the operation. Autograd keeps that tensor for the backward
 * pass; once the garbage collector frees the buffer, the backward pass reads freed memory and a
 * training step now and then gets a NaN or infinite gradient. Tensors made by {@code full} own their
 * memory and stay valid for as long as autograd holds them. A test forbids the {@code Number}
 * overloads in Graft's code.
 *
 * <pre>{@code
 * NDArray scaled = Scalars.mul(scores, 0.125);     // not scores.mul(0.125f)
 * NDArray cubed = Scalars.pow(x, 3);
 * }</pre>
 */
public final class Scalars {
    private Scalars() {}

    /** {@code x * v}. */
    public static NDArray mul(NDArray x, double v) {
        return x.mul(of(x, v));
    }

    /** {@code x / v}. */
    public static NDArray div(NDArray x, double v) {
        return x.div(of(x, v));
    }

    /** {@code x ^ v}. */
    public static NDArray pow(NDArray x, double v) {
        return x.pow(of(x, v));
    }

    /** Element-wise {@code max(x, v)}. */
    public static NDArray maximum(NDArray x, double v) {
        return x.maximum(of(x, v));
    }

    /** Element-wise {@code min(x, v)}. */
    public static NDArray minimum(NDArray x, double v) {
        return x.minimum(of(x, v));
    }

    /** {@code x *= v}, in place; returns {@code x}. */
    public static NDArray muli(NDArray x, double v) {
        return x.muli(of(x, v));
    }

    /** {@code x /= v}, in place; returns {@code x}. */
    public static NDArray divi(NDArray x, double v) {
        return x.divi(of(x, v));
    }

    /**
     * {@code v} as a 0-dimensional tensor on {@code like}'s manager: of {@code like}'s type when that
     * is floating point, or an integer type and {@code v} whole; else float32 (int32 for a whole
     * {@code v} and a boolean array), so results have the types DJL's overloads give.
     */
    public static NDArray of(NDArray like, double v) {
        DataType t = like.getDataType();
        boolean whole = v == Math.rint(v);
        DataType type = t.isFloating() || t.isInteger() && whole ? t : whole ? DataType.INT32 : DataType.FLOAT32;
        return like.getManager().full(new Shape(), (float) v, type);
    }
}
