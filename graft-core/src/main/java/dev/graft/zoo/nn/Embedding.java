package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * {@code torch.nn.Embedding}: a {@code weight} table (num, dim) looked up by integer ids; any id
 * shape in, that shape plus {@code dim} out.
 *
 * <pre>{@code
 * Embedding wte = new Embedding(50257, 768, Init.normal(0.02));   // key wte.weight
 * }</pre>
 */
public final class Embedding extends Module {
    public final int num;
    public final int dim;
    public final Parameter weight;

    public Embedding(int num, int dim, Initializer init) {
        this.num = num;
        this.dim = dim;
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(num, dim), init);
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray ids, boolean training) {
        NDArray w = value(ps, weight, ids, training);
        NDArray i = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
        return ids.getNDArrayInternal().embedding(i, w, SparseFormat.DENSE).singletonOrThrow();
    }

    /** The table's value for this pass (e.g. for a language-model head tied to it). */
    public NDArray table(ParameterStore ps, NDArray like, boolean training) {
        return value(ps, weight, like, training);
    }
}
