package dev.graft.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.util.FlatRows;
import dev.graft.util.Labels;
import java.util.List;

/**
 * Model-ready samples in memory: float values of a fixed per-sample shape plus integer labels.
 * Images after resizing and normalisation are one; cached backbone features are another.
 *
 * <pre>{@code
 * TensorSet train = ModelInput.prepare(splits.train(), model.cfg());
 * NDArray x = train.batch(nd, new int[] {0, 1, 2});   // 3 x C x H x W
 * }</pre>
 *
 * @param values N x prod(sampleShape) values, row-major
 * @param sampleShape the shape of one sample, e.g. {1, 28, 28} or {128}
 * @param labels N class indices
 * @param classNames class names in index order
 */
public record TensorSet(float[] values, long[] sampleShape, int[] labels, List<String> classNames) {

    public int size() {
        return labels.length;
    }

    public int sampleSize() {
        long s = 1;
        for (long d : sampleShape) {
            s *= d;
        }
        return (int) s;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** The samples at {@code idx} as one array of shape (len, sampleShape...). */
    public NDArray batch(NDManager nd, int[] idx) {
        float[] out = FlatRows.gather(values, sampleSize(), idx);
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = idx.length;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return nd.create(out, new Shape(shape));
    }

    /** The labels at {@code idx} as an int32 vector. */
    public NDArray labels(NDManager nd, int[] idx) {
        return nd.create(Labels.gather(labels, idx));
    }

    /** Number of samples per class. */
    public int[] countsPerClass() {
        return Labels.countsPerClass(labels, classNames.size());
    }
}
