package dev.graft.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * One mini-batch from a {@link DataLoader}: images {@code x} ({@code N x C x H x W}, float32) and
 * labels {@code y} ({@code N}, int32), in their own {@link NDManager}. Closing the batch frees
 * them and every array computed from them that stayed in that manager; copy out (e.g.
 * {@code loss.getFloat()}) or {@code attach} what you keep.
 *
 * <pre>{@code
 * try (Batch b = ...) {
 *     NDArray logits = model.forward(b.x());
 * }
 * }</pre>
 *
 * @param manager owns {@code x} and {@code y}; closed with the batch
 * @param x images, {@code N x C x H x W} float32
 * @param y labels, {@code N} int32
 * @param indices positions of the samples in the loader's data (to look up names, per-sample weights...)
 */
public record Batch(NDManager manager, NDArray x, NDArray y, int[] indices) implements AutoCloseable {

    /** Positions of the samples in the loader's data, as a copy. */
    @Override
    public int[] indices() {
        return indices.clone();
    }

    /** Number of samples. */
    public int size() {
        return indices.length;
    }

    @Override
    public void close() {
        manager.close();
    }
}
