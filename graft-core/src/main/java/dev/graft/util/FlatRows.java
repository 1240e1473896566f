package dev.graft.util;

/**
 * Samples stored one after another in one flat float array, {@code per} values each (an image's pixels,
 * a feature vector): the data sets pick batches and subsets out of them by index.
 */
public final class FlatRows {
    private FlatRows() {}

    /** The samples at {@code indices}, in that order, as a new flat array of {@code indices.length * per} values. */
    public static float[] gather(float[] values, int per, int[] indices) {
        float[] out = new float[indices.length * per];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(values, indices[k] * per, out, k * per, per);
        }
        return out;
    }
}
