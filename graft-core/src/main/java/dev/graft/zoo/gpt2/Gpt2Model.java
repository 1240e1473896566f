package dev.graft.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.nn.Classifier;
import dev.graft.zoo.nn.Init;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2 under the zoo's {@link dev.graft.zoo.GraftModel} contract, with transformers' exact
 * state-dict layout: {@code GPT2LMHeadModel} ({@code transformer.wte}, {@code transformer.wpe},
 * {@code transformer.h.N.ln_1}, {@code .attn.c_attn}, {@code .attn.c_proj}, {@code .ln_2},
 * {@code .mlp.c_fc}, {@code .mlp.c_proj}, {@code transformer.ln_f}; {@code lm_head} tied to
 * {@code wte}, so it has no key of its own, as transformers saves it) or, for a {@code GPT2Model}
 * config, the bare network under the same keys without {@code transformer.}. Checkpoints load with or
 * without the {@code transformer.} prefix; an {@code lm_head.weight} in the file (the tied copy) and
 * the causal-mask buffers {@code attn.bias} / {@code attn.masked_bias} of older files are ignored.
 *
 * <p>Input {@code x}: token ids (N x L). {@link #forwardFeatures} is the last hidden state (N x L x H,
 * after {@code ln_f}); {@link #forwardHead} gives the next-token logits (N x L x vocab) for the LM
 * head, or, with {@code preLogits} (and for the bare model), the hidden state of the last position (N x H).
 * {@link #forwardTokens} adds an attention mask and a {@link KvCache}.
 *
 * <pre>{@code
 * Gpt2Model gpt2 = (Gpt2Model) Zoo.create("local-dir:gpt2");     // transformers' files
 * KvCache cache = new KvCache(gpt2.config().nLayer());
 * NDArray logits = gpt2.forwardTokens(null, ids, null, cache, false).get(1);   // B x L x 50257
 * }</pre>
 */
public final class Gpt2Model extends ModelBase implements dev.graft.zoo.nn.PromptTunable {
    /** The key prefix of the network in {@code GPT2LMHeadModel}. */
    public static final String PREFIX = "transformer.";
    private static final String LM_HEAD_KEY = "lm_head.weight";

    private final Gpt2Config config;
    private final Gpt2Transformer transformer;
    private final Classifier score;

    public Gpt2Model(PretrainedCfg cfg, ModelArgs args, Gpt2Config config) {
        super(cfg);
        this.config = config;
        this.transformer = module("transformer", new Gpt2Transformer(config));
        // transformers' GPT2ForSequenceClassification head: no bias, N(0, initializer_range); none for the LM (tied wte).
        this.score = module("score", Classifier.withoutBias(config.nEmbd(), args.numClasses(), Init.normal(config.initializerRange())));
    }

    /** The transformers config this model computes. */
    public Gpt2Config config() {
        return config;
    }

    /** Whether the model has the language-model head ({@code GPT2LMHeadModel}) and no classifier. */
    public boolean hasLmHead() {
        return config.hasLmHead() && numClasses() == 0;
    }

    @Override
    protected Classifier classifier() {
        return score;
    }

    /**
     * transformers' config.json, so {@code GPT2LMHeadModel.from_pretrained} (or {@code GPT2Model}, or
     * {@code GPT2ForSequenceClassification} with {@code id2label} from {@code cfg}'s classes) loads the export.
     */
    @Override
    public void writeConfig(PretrainedCfg cfg, Path dir) {
        List<String> labels = cfg.labelNames();
        if (labels == null && numClasses() > 0) {
            labels = new ArrayList<>();
            for (int i = 0; i < numClasses(); i++) {
                labels.add("LABEL_" + i);  // transformers' own names for unnamed classes
            }
        }
        config.withLabels(numClasses() > 0 ? labels : null, config.padTokenId()).write(dir.resolve(ResolvedWeights.CONFIG_FILE));
    }

    /**
     * The last hidden state and, for the LM head, the logits of {@code ids} (B x L, int64).
     *
     * @param mask 1 for tokens, 0 for padding, B x (cached + L), or null
     * @param cache keys and values of earlier positions, extended with these (null: none kept)
     * @return {@code [last_hidden_state (B x L x H), logits (B x L x vocab)]}, logits only with the LM head
     */
    public NDList forwardTokens(ParameterStore ps, NDArray ids, NDArray mask, KvCache cache, boolean training) {
        NDArray hidden = hidden(ps, ids, mask, cache, training);
        return hasLmHead() ? new NDList(hidden, lmHead(ps, hidden, training)) : new NDList(hidden);
    }

    /**
     * The hidden states after {@code ln_f} (B x L x H); see {@link #forwardTokens}. With a prompt (prompt
     * tuning) the first pass puts its n virtual tokens in front (B x (n + L) x H, as PEFT's
     * {@code PeftModelForCausalLM}); {@code mask} then covers the real tokens only (cached and new) and
     * gets ones in front for the virtual ones.
     */
    public NDArray hidden(ParameterStore ps, NDArray ids, NDArray mask, KvCache cache, boolean training) {
        return hidden(ps, ids, mask, null, cache, training);
    }

    /**
     * As {@link #hidden(ParameterStore, NDArray, NDArray, KvCache, boolean)} at given positions, as
     * transformers' {@code position_ids}: a left-padded batch counts each row's positions from its first
     * token ({@code attention_mask.cumsum(-1) - 1}).
     *
     * @param positions B x L int64, each below {@code n_positions}, or null for cached + 0..L-1
     */
    public NDArray hidden(ParameterStore ps, NDArray ids, NDArray mask, NDArray positions, KvCache cache, boolean training) {
        if (ids.getShape().dimension() != 2) {
            throw new GraftException(name() + " takes token ids (N x L), not a tensor of shape " + ids.getShape(),
                    "tokenise the text with the model's tokenizer (GPT-2's byte-level BPE)");
        }
        NDArray i = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
        if (mask != null) {
            long cached = cache == null ? 0 : cache.length();
            long want = (cached > 0 ? cached - virtualTokens() : 0) + ids.getShape().get(1);
            if (mask.getShape().dimension() != 2 || mask.getShape().get(0) != ids.getShape().get(0) || mask.getShape().get(1) != want) {
                throw new GraftException("the attention mask is " + mask.getShape() + ", the ids need " + ids.getShape().get(0) + " x " + want,
                        "give one mask entry per token, cached positions included");
            }
            mask = extendMask(mask);
        }
        if (positions != null && !positions.getShape().equals(ids.getShape())) {
            throw new GraftException("the position ids are " + positions.getShape() + ", the ids " + ids.getShape(), "give one position per token");
        }
        return transformer.forward(ps, i, mask, positions, cache, training);
    }

    /** Next-token logits of hidden states (... x H -> ... x vocab): the tied {@code lm_head}, no bias. */
    public NDArray lmHead(ParameterStore ps, NDArray hidden, boolean training) {
        // x W^T as torch's linear, on the table as stored (no transposed copy of it per call).
        return hidden.getNDArrayInternal().linear(hidden, transformer.wte.table(ps, hidden, training), null).singletonOrThrow();
    }

    /**
     * The last hidden state; with a classifier and a {@code pad_token_id}, the rows of padding tokens
     * are set to zero, so that {@link #forwardHead} finds the last non-padding token without the ids.
     */
    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray hidden = hidden(ps, x, null, null, training);
        if (numClasses() > 0 && config.padTokenId() != null) {
            NDArray keep = extendMask(x.neq(config.padTokenId()).toType(DataType.FLOAT32, false)).expandDims(-1);
            hidden = hidden.mul(keep);
        }
        return hidden;
    }

    /**
     * With a classifier: {@code score} of the hidden state at the last non-padding token, as
     * {@code GPT2ForSequenceClassification}. Else the LM logits of every position; with {@code preLogits}
     * (or for the bare model) the hidden state of the last position (of the last non-padding token for a classifier).
     */
    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
        if (numClasses() > 0) {
            NDArray pooled = lastToken(features);
            return preLogits ? pooled : score.forward(ps, pooled, training);
        }
        if (preLogits || !config.hasLmHead()) {
            return features.get(":, -1, :");
        }
        return lmHead(ps, features, training);
    }

    /**
     * Each row's hidden state at its last token that is not {@code padTokenId}, as transformers'
     * {@code GPT2ForSequenceClassification} pools: {@code (arange(L) * (ids != pad)).argmax(-1)}
     * (position 0 for a row of padding only).
     *
     * @param hidden B x L x H
     * @param ids the token ids, B x L
     * @return B x H
     */
    public static NDArray lastNonPadding(NDArray hidden, NDArray ids, long padTokenId) {
        long len = ids.getShape().get(1);
        NDArray token = ids.neq(padTokenId).toType(DataType.INT64, false);
        NDArray positions = ids.getManager().arange(0, len, 1, DataType.INT64).reshape(1, len);
        NDArray last = token.mul(positions).argMax(1);
        NDArray oneHot = last.oneHot((int) len).toType(hidden.getDataType(), false).expandDims(-1);
        return hidden.mul(oneHot).sum(new int[] {1});
    }

    /** Each row's hidden state at its last position that is not zero (padding rows are zeroed by {@link #forwardFeatures}). */
    static NDArray lastToken(NDArray features) {
        long len = features.getShape().get(1);
        NDArray token = features.abs().sum(new int[] {2}).gt(0f).toType(DataType.FLOAT32, false);
        NDArray positions = features.getManager().arange(1f, len + 1f).reshape(1, len);
        NDArray last = token.mul(positions).argMax(1);  // padding at 0, so the last token wins
        NDArray oneHot = last.oneHot((int) len).toType(DataType.FLOAT32, false).expandDims(-1);
        return features.mul(oneHot).sum(new int[] {1});
    }

    @Override
    public long tokenDim() {
        return config.nEmbd();
    }

    @Override
    public int numLayers() {
        return config.nLayer();
    }

    @Override
    public int numAttentionHeads() {
        return config.nHead();
    }

    @Override
    public Parameter wordEmbeddings() {
        return transformer.wte.weight;
    }

    @Override
    public void setPrompt(Parameter prompt) {
        transformer.prompt = prompt;
    }

    @Override
    public Parameter prompt() {
        return transformer.prompt;
    }

    /** The output of each block {@code h.N} (N x L x H), as transformers' {@code hidden_states[1..]}. */
    @Override
    protected NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last) {
        return transformer.blockOutputs(ps, x.toType(DataType.INT64, false), training).toArray(new NDArray[0]);
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        List<FeatureInfo> info = new ArrayList<>();
        for (int i = 0; i < config.nLayer(); i++) {
            info.add(new FeatureInfo(prefix() + "h." + i, config.nEmbd(), 1));
        }
        return info;
    }

    @Override
    public List<ParamGroup> groupMatcher() {
        String p = prefix();
        return ParamGroup.stemStagesHead(new ParamGroup("embeddings", List.of(p + "wte", p + "wpe")), config.nLayer(),
                i -> new ParamGroup("block" + i, List.of(p + "h." + i)), new ParamGroup("head", List.of(p + "ln_f", "score")));
    }

    private String prefix() {
        return config.hasLmHead() || numClasses() > 0 ? PREFIX : "";
    }

    /**
     * transformers' keys: {@code transformer.*} for the LM-head model (no {@code lm_head.weight}: tied),
     * {@code transformer.*} and {@code score.weight} for a classifier, the bare keys otherwise.
     */
    @Override
    public Map<String, Parameter> stateDict() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        transformer.stateDict(prefix(), out);
        score.stateDict("score.", out);
        return out;
    }

    /**
     * A checkpoint key as this model names it: {@code transformer.} added or removed as this head
     * needs; the tied {@code lm_head.weight} ignored (null).
     */
    @Override
    public String checkpointKey(String key) {
        if (key.equals(LM_HEAD_KEY)) {
            return null;
        }
        if (key.startsWith("score.")) {
            return key;
        }
        String bare = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
        return prefix() + bare;
    }
}
