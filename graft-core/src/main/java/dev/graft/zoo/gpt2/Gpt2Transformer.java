package dev.graft.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.engine.Scalars;
import dev.graft.zoo.nn.Embedding;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.LayerNorm;
import dev.graft.zoo.nn.Module;
import dev.graft.zoo.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers' {@code GPT2Model}: {@code wte} + {@code wpe}, dropout, the blocks {@code h.N}, {@code ln_f}.
 * In: token ids (B x L); out: the last hidden state (B x L x H) after {@code ln_f}.
 */
final class Gpt2Transformer extends Module {
    private final Gpt2Config config;
    final Embedding wte;
    final Embedding wpe;
    final List<Gpt2Block> blocks = new ArrayList<>();
    final LayerNorm lnF;
    /** Virtual tokens in front of the first pass's word embeddings (prompt tuning), or null. */
    ai.djl.nn.Parameter prompt;

    Gpt2Transformer(Gpt2Config c) {
        this.config = c;
        wte = module("wte", new Embedding(c.vocabSize(), c.nEmbd(), Init.normal(c.initializerRange())));
        wpe = module("wpe", new Embedding(c.nPositions(), c.nEmbd(), Init.normal(c.initializerRange())));
        Sequential h = new Sequential();
        for (int i = 0; i < c.nLayer(); i++) {
            Gpt2Block b = new Gpt2Block(c);
            blocks.add(b);
            h.add(b);
        }
        module("h", h);
        lnF = module("ln_f", new LayerNorm(c.nEmbd(), (float) c.layerNormEpsilon()));
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray ids, boolean training) {
        return forward(ps, ids, null, null, training);
    }

    /**
     * The hidden states of {@code ids} (B x L) at positions {@code cache.length()} onwards; with a
     * prompt and no cached positions, its n virtual tokens come first (B x (n + L) x H), at positions 0..n-1.
     *
     * @param mask 1 for tokens, 0 for padding, B x (cached + L) (virtual tokens included), or null for no padding
     * @param cache earlier positions' keys and values (extended with these), or null
     */
    NDArray forward(ParameterStore ps, NDArray ids, NDArray mask, KvCache cache, boolean training) {
        return forward(ps, ids, mask, null, cache, training);
    }

    /** As {@link #forward(ParameterStore, NDArray, NDArray, KvCache, boolean)} at given positions (B x L int64; null: cached + 0..L-1). */
    NDArray forward(ParameterStore ps, NDArray ids, NDArray mask, NDArray positions, KvCache cache, boolean training) {
        return run(ps, ids, mask, positions, cache, training, null);
    }

    /** The output of each block {@code h.0..}, as transformers' {@code hidden_states[1..]} (the last one before {@code ln_f}). */
    List<NDArray> blockOutputs(ParameterStore ps, NDArray ids, boolean training) {
        List<NDArray> out = new ArrayList<>();
        run(ps, ids, null, null, null, training, out);
        return out;
    }

    private NDArray run(ParameterStore ps, NDArray ids, NDArray mask, NDArray positionIds, KvCache cache, boolean training,
            List<NDArray> blockOutputs) {
        long past = cache == null ? 0 : cache.length();
        boolean virtual = prompt != null && past == 0;   // later passes find the virtual tokens in the cache
        long len = ids.getShape().get(1) + (virtual ? prompt.getArray().getShape().get(0) : 0);
        if (past + len > config.nPositions()) {
            throw new GraftException((past > 0 ? past + " cached + " : "") + len + " tokens are more than the model's " + config.nPositions()
                    + " positions (n_positions)", "give at most " + config.nPositions() + " tokens in all (prompt and new tokens)");
        }
        NDManager nd = ids.getManager();
        if (virtual && positionIds != null) {
            throw new GraftException("position ids with a prompt-tuning adapter's virtual tokens", "generate one prompt at a time with a prompt-tuned GPT-2");
        }
        NDArray positions = positionIds != null ? positionIds : nd.arange(past, past + len, 1, DataType.INT64).reshape(1, len);
        NDArray words = wte.forward(ps, ids, training);
        if (virtual) {
            words = dev.graft.zoo.nn.PromptTunable.prepend(prompt, ps, words, training);
        }
        NDArray x = words.add(wpe.forward(ps, positions, training));
        x = Gpt2Block.dropout(x, (float) config.embdPdrop(), training);
        NDArray attnMask = len == 1 && mask == null ? null : causalMask(nd, len, past, mask);
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(ps, x, attnMask, cache, i, training);
            if (blockOutputs != null) {
                blockOutputs.add(x);
            }
        }
        return lnF.forward(ps, x, training);
    }

    /**
     * The additive mask of causal attention for {@code len} queries after {@code past} cached
     * positions: 0 where key j may be seen (j <= past + i and, with {@code padding}, a token), the
     * lowest float elsewhere, as transformers' eager attention (1 x 1 x L x T, or B x 1 x L x T with padding).
     */
    static NDArray causalMask(NDManager nd, long len, long past, NDArray padding) {
        long total = past + len;
        NDArray query = nd.arange(past, total, 1, DataType.INT64).reshape(len, 1);
        NDArray key = nd.arange(0, total, 1, DataType.INT64).reshape(1, total);
        NDArray blocked = Scalars.mul(key.gt(query).toType(DataType.FLOAT32, false), -Float.MAX_VALUE).reshape(1, 1, len, total);
        if (padding == null) {
            return blocked;
        }
        long b = padding.getShape().get(0);
        NDArray pad = Scalars.mul(padding.toType(DataType.FLOAT32, false).neg().add(1f), -Float.MAX_VALUE).reshape(b, 1, 1, total);
        // Blocked twice would be -inf; the lowest float keeps a row of masked keys finite, as transformers does.
        return Scalars.maximum(blocked.add(pad), -Float.MAX_VALUE);
    }
}
