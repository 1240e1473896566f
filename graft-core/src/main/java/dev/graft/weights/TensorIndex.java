package dev.graft.weights;

import java.util.List;
import java.util.Map;

/**
 * Named tensors known by their headers, without their bytes read: a {@link SafeTensors} file or a
 * {@link Checkpoint} (one file or the shards of an index).
 */
public interface TensorIndex {
    /** Every tensor's description, in header order (for shards, shard by shard). */
    Map<String, TensorInfo> tensors();

    /** Tensor names in header order; for shards, shard by shard (by file name), each in its header's order. */
    default List<String> names() {
        return List.copyOf(tensors().keySet());
    }

    /** Whether a tensor of that name exists. */
    default boolean contains(String name) {
        return tensors().containsKey(name);
    }
}
