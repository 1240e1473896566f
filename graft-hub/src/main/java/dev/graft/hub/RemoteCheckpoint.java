package dev.graft.hub;

import dev.graft.weights.TensorInfo;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a model repository's safetensors weights hold, read without downloading them
 * ({@link Hub#remoteCheckpoint(String)}): each file's header came with ranged requests.
 *
 * @param repo     the repository, {@code owner/name}
 * @param commit   the commit the revision resolved to
 * @param config   the repository's {@code config.json}, downloaded into the cache
 * @param files    each weights file (one {@code model.safetensors}, or the shards an index names) and its
 *                 size in bytes
 * @param sha256   each weights file's sha256 where the hub names it (the ETag of an LFS file)
 * @param tensors  every tensor of every file, in file and header order
 * @param sharded  whether the weights are a sharded checkpoint ({@code model.safetensors.index.json})
 */
public record RemoteCheckpoint(String repo, String commit, Path config, Map<String, Long> files, Map<String, String> sha256,
                               Map<String, TensorInfo> tensors, boolean sharded) {
    /** The bytes of all weights files together. */
    public long totalBytes() {
        return files.values().stream().mapToLong(Long::longValue).sum();
    }
}
