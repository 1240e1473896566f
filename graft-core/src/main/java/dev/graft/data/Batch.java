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
 */
public final class Batch implements AutoCloseable {
    private final NDManager manager;
    private final NDArray x;
    private final NDArray y;
    private final int[] indices;

    /**
     * @param manager owns {@code x} and {@code y}; closed with the batch
     * @param indices the samples' positions in the source data
     */
    public Batch(NDManager manager, NDArray x, NDArray y, int[] indices) {
        this.manager = manager;
        this.x = x;
        this.y = y;
        this.indices = indices;
    }

    /** Images, {@code N x C x H x W} float32. */
    public NDArray x() {
        return x;
    }

    /** Labels, {@code N} int32. */
    public NDArray y() {
        return y;
    }

    /** Positions of the samples in the loader's data (to look up names, per-sample weights...). */
    public int[] indices() {
        return indices.clone();
    }

    /** Number of samples. */
    public int size() {
        return indices.length;
    }

    /** The manager the arrays live in. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
