package dev.graft.util;

/**
 * The class labels of an in-memory data set (one class index a sample): picking them by sample
 * index and counting them per class.
 */
public final class Labels {
    private Labels() {}

    /** The labels of the samples at {@code indices}, in that order. */
    public static int[] gather(int[] labels, int[] indices) {
        int[] out = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            out[k] = labels[indices[k]];
        }
        return out;
    }

    /** How many samples each class 0..numClasses-1 has. */
    public static int[] countsPerClass(int[] labels, int numClasses) {
        int[] counts = new int[numClasses];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }
}
