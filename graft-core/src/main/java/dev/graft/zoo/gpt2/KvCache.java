package dev.graft.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * The keys and values every attention layer has computed so far (transformers' {@code past_key_values}),
 * so that each generated token costs one position instead of a pass over the whole sequence. Each
 * layer holds B x heads x T x head-width; {@link #length()} is T, the positions already seen.
 *
 * <pre>{@code
 * KvCache cache = new KvCache(model.config().nLayer());
 * NDArray first = model.forwardTokens(null, promptIds, null, cache, false).get(1);   // the prompt once
 * NDArray next = model.forwardTokens(null, oneId, null, cache, false).get(1);        // then one position a step
 * }</pre>
 */
public final class KvCache {
    private final NDArray[] keys;
    private final NDArray[] values;
    private long length;

    public KvCache(int layers) {
        keys = new NDArray[layers];
        values = new NDArray[layers];
    }

    /** Positions already in the cache (the next token's position). */
    public long length() {
        return length;
    }

    /** Layer {@code layer}'s keys and values with {@code k}, {@code v} appended along the sequence; the cache keeps them. */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        if (keys[layer] != null) {
            k = NDArrays.concat(new NDList(keys[layer], k), 2);
            v = NDArrays.concat(new NDList(values[layer], v), 2);
        }
        keys[layer] = k;
        values[layer] = v;
        if (layer == keys.length - 1) {
            length = k.getShape().get(2);
        }
        return new NDArray[] {k, v};
    }
}
