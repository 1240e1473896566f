package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import dev.graft.engine.Scalars;

/**
 * Multi-head scaled dot-product attention over already projected queries, keys and values, as
 * {@code torch.nn.functional.scaled_dot_product_attention} computes it: softmax(q k^T / sqrt(d) + mask) v,
 * per head. The projections (fused {@code qkv}, separate {@code query/key/value} or {@code q_proj/k_proj/v_proj})
 * stay with each layout's modules.
 *
 * <pre>{@code
 * NDArray y = Attention.scaledDotProduct(q, k, v, 8, Attention.causalMask(manager, 77));   // B x L x D
 * }</pre>
 */
public final class Attention {
    private Attention() {}

    /**
     * Attention of (B, N, D) queries over (B, M, D) keys and values, in {@code heads} heads of D / heads.
     *
     * @param additiveMask added to the (B, heads, N, M) scores before the softmax (broadcast), or null
     * @return (B, N, D), the heads concatenated again
     */
    public static NDArray scaledDotProduct(NDArray q, NDArray k, NDArray v, int heads, NDArray additiveMask) {
        long b = q.getShape().get(0);
        long n = q.getShape().get(1);
        long d = q.getShape().get(2);
        long headDim = d / heads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        NDArray qh = Scalars.mul(split(q, heads, headDim), scale);
        NDArray scores = qh.matMul(split(k, heads, headDim).transpose(0, 1, 3, 2));
        if (additiveMask != null) {
            scores = scores.add(additiveMask);
        }
        return scores.softmax(-1).matMul(split(v, heads, headDim)).transpose(0, 2, 1, 3).reshape(b, n, d);
    }

    private static NDArray split(NDArray x, int heads, long headDim) {
        return x.reshape(x.getShape().get(0), x.getShape().get(1), heads, headDim).transpose(0, 2, 1, 3);
    }

    /**
     * The additive causal mask of a decoder-style text encoder (GPT-2, CLIP's text tower): (1, 1, L, L),
     * 0 where a position may attend (itself and earlier ones), the lowest float after it.
     */
    public static NDArray causalMask(ai.djl.ndarray.NDManager manager, long length) {
        NDArray idx = manager.arange(0f, (float) length);
        NDArray later = idx.reshape(1, length).gt(idx.reshape(length, 1));
        return Scalars.mul(later.toType(ai.djl.ndarray.types.DataType.FLOAT32, false), -Float.MAX_VALUE).reshape(1, 1, length, length);
    }

    /**
     * The additive padding mask of a batch: (B, 1, 1, L), 0 for tokens ({@code mask} 1), the lowest float
     * for padding ({@code mask} 0), as transformers expands an {@code attention_mask}.
     */
    public static NDArray paddingMask(NDArray mask) {
        long b = mask.getShape().get(0);
        long len = mask.getShape().get(1);
        return Scalars.mul(mask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).neg().add(1f), -Float.MAX_VALUE).reshape(b, 1, 1, len);
    }
}
