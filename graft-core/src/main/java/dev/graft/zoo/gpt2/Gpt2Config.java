package dev.graft.zoo.gpt2;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.zoo.PretrainedCfg;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A transformers {@code GPT2Config} ({@code model_type: gpt2}), read from and written as the
 * {@code config.json} transformers writes; fields a file leaves out take GPT2Config's defaults
 * (GPT-2 small: 12 layers, 12 heads, 768 wide, 1024 positions, 50257 tokens).
 *
 * <pre>{@code
 * Gpt2Config c = Gpt2Config.read(dir.resolve("config.json"));
 * Gpt2Config tiny = Gpt2Config.of(2, 4, 64, 128, 50257);
 * }</pre>
 *
 * @param architectures transformers class names: {@code GPT2LMHeadModel} (with the language-model head) or {@code GPT2Model} (bare)
 * @param modelType always {@code gpt2}
 * @param vocabSize token vocabulary size
 * @param nPositions longest sequence the position table covers
 * @param nEmbd width of every token vector
 * @param nLayer transformer blocks
 * @param nHead attention heads per block (nEmbd must divide by it)
 * @param nInner width of the feed-forward layer, or null for 4 x nEmbd
 * @param activationFunction {@code gelu_new} (the tanh approximation GPT-2 uses) or {@code gelu} (exact)
 * @param residPdrop dropout after each block's projections, in training
 * @param embdPdrop dropout after the embeddings, in training
 * @param attnPdrop dropout on attention probabilities, in training
 * @param layerNormEpsilon epsilon of every LayerNorm
 * @param initializerRange standard deviation of the initial weights
 * @param scaleAttnWeights whether attention scores are divided by sqrt(head width)
 * @param bosTokenId id of the beginning-of-text token ({@code <|endoftext|>}, 50256)
 * @param eosTokenId id of the end-of-text token (50256)
 * @param tieWordEmbeddings whether {@code lm_head} shares {@code wte}'s weight (GPT-2 always does)
 * @param padTokenId the padding id a classifier pools before (its last non-padding token), or null (the last position)
 * @param id2label class names of {@code GPT2ForSequenceClassification} by output index, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Gpt2Config(
        @JsonProperty("architectures") List<String> architectures,
        @JsonProperty("model_type") String modelType,
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("n_positions") int nPositions,
        @JsonProperty("n_embd") int nEmbd,
        @JsonProperty("n_layer") int nLayer,
        @JsonProperty("n_head") int nHead,
        @JsonProperty("n_inner") Integer nInner,
        @JsonProperty("activation_function") String activationFunction,
        @JsonProperty("resid_pdrop") double residPdrop,
        @JsonProperty("embd_pdrop") double embdPdrop,
        @JsonProperty("attn_pdrop") double attnPdrop,
        @JsonProperty("layer_norm_epsilon") double layerNormEpsilon,
        @JsonProperty("initializer_range") double initializerRange,
        @JsonProperty("scale_attn_weights") boolean scaleAttnWeights,
        @JsonProperty("bos_token_id") Integer bosTokenId,
        @JsonProperty("eos_token_id") Integer eosTokenId,
        @JsonProperty("tie_word_embeddings") boolean tieWordEmbeddings,
        @JsonProperty("pad_token_id") Integer padTokenId,
        @JsonProperty("id2label") Map<String, String> id2label) {

    /** The model_type transformers gives GPT-2. */
    public static final String MODEL_TYPE = "gpt2";
    /** transformers' GPT-2 with the language-model head tied to the token embeddings. */
    public static final String LM_HEAD_MODEL = "GPT2LMHeadModel";
    /** transformers' GPT-2 with a linear {@code score} on the last non-padding token. */
    public static final String SEQUENCE_CLASSIFICATION = "GPT2ForSequenceClassification";
    /** transformers' bare GPT-2: hidden states, no head. */
    public static final String BARE_MODEL = "GPT2Model";
    /** GPT-2's {@code <|endoftext|>}, its bos, eos and only special token. */
    public static final int ENDOFTEXT = 50256;

    private static final Set<String> ACTIVATIONS = Set.of("gelu_new", "gelu");

    public Gpt2Config {
        architectures = architectures == null || architectures.isEmpty() ? List.of(LM_HEAD_MODEL) : List.copyOf(architectures);
        modelType = modelType == null ? MODEL_TYPE : modelType;
        activationFunction = activationFunction == null ? "gelu_new" : activationFunction;
        id2label = id2label == null ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(id2label));
    }

    /** GPT2Config's defaults with this shape, as an LM-head model ({@code n_inner} = 4 x {@code n_embd}). */
    public static Gpt2Config of(int nLayer, int nHead, int nEmbd, int nPositions, int vocabSize) {
        return new Gpt2Config(List.of(LM_HEAD_MODEL), MODEL_TYPE, vocabSize, nPositions, nEmbd, nLayer, nHead, null, "gelu_new",
                0.1, 0.1, 0.1, 1e-5, 0.02, true, ENDOFTEXT, ENDOFTEXT, true, null, null);
    }

    /** Whether this is {@code GPT2LMHeadModel} (logits over the vocabulary; keys under {@code transformer.}) rather than the bare {@code GPT2Model}. */
    public boolean hasLmHead() {
        return !architectures.contains(BARE_MODEL);
    }

    /** The feed-forward width: {@code n_inner}, or 4 x {@code n_embd}. */
    public int innerSize() {
        return nInner != null ? nInner : 4 * nEmbd;
    }

    /** Width of one attention head. */
    public int headSize() {
        return nEmbd / nHead;
    }

    /** The same network as another head ({@code GPT2LMHeadModel}, {@code GPT2Model} or {@code GPT2ForSequenceClassification}). */
    public Gpt2Config withArchitecture(String architecture) {
        return new Gpt2Config(List.of(architecture), modelType, vocabSize, nPositions, nEmbd, nLayer, nHead, nInner, activationFunction,
                residPdrop, embdPdrop, attnPdrop, layerNormEpsilon, initializerRange, scaleAttnWeights, bosTokenId, eosTokenId,
                tieWordEmbeddings, padTokenId, id2label);
    }

    /** A copy with these class names ({@code GPT2ForSequenceClassification} when there are any) and padding id. */
    public Gpt2Config withLabels(List<String> labels, Integer padTokenId) {
        boolean classes = labels != null && !labels.isEmpty();
        List<String> arch = classes ? List.of(SEQUENCE_CLASSIFICATION) : hasLmHead() ? List.of(LM_HEAD_MODEL) : List.of(BARE_MODEL);
        return new Gpt2Config(arch, modelType, vocabSize, nPositions, nEmbd, nLayer, nHead, nInner, activationFunction,
                residPdrop, embdPdrop, attnPdrop, layerNormEpsilon, initializerRange, scaleAttnWeights, bosTokenId, eosTokenId,
                tieWordEmbeddings, padTokenId, classes ? dev.graft.zoo.Id2Label.of(labels) : null);
    }

    /** Whether the config is {@code GPT2ForSequenceClassification}'s. */
    @com.fasterxml.jackson.annotation.JsonIgnore  // not a config.json field
    public boolean isSequenceClassification() {
        return architectures.contains(SEQUENCE_CLASSIFICATION);
    }

    /** Class names in output order from {@code id2label}, or an empty list. */
    public List<String> labels() {
        return dev.graft.zoo.Id2Label.names(id2label);
    }

    /**
     * What decides the architecture: the network and whether its keys carry {@code transformer.}
     * (the bare model's do not); the head's classes and transformers' class name aside.
     */
    public Gpt2Config shape() {
        String arch = hasLmHead() ? LM_HEAD_MODEL : BARE_MODEL;
        return new Gpt2Config(List.of(arch), modelType, vocabSize, nPositions, nEmbd, nLayer, nHead, nInner, activationFunction,
                residPdrop, embdPdrop, attnPdrop, layerNormEpsilon, initializerRange, scaleAttnWeights, bosTokenId, eosTokenId,
                tieWordEmbeddings, padTokenId, null);
    }

    /** Reads transformers' config.json; unknown keys are ignored, missing ones take GPT2Config's defaults. */
    public static Gpt2Config read(Path file) {
        Gpt2Config c;
        try {
            ObjectNode merged = Json.MAPPER.valueToTree(of(12, 12, 768, 1024, 50257));
            merged.remove("architectures");
            ObjectNode node = (ObjectNode) Json.MAPPER.readTree(file.toFile());
            if (!node.has("n_positions") && node.has("n_ctx")) {
                node.set("n_positions", node.get("n_ctx"));  // configs of early transformers versions
            }
            for (String unsupported : List.of("scale_attn_by_inverse_layer_idx", "reorder_and_upcast_attn", "add_cross_attention")) {
                if (node.path(unsupported).asBoolean(false)) {
                    throw new GraftException(file + " sets " + unsupported + " to true", "Graft's GPT-2 computes the original attention; use a config with it false");
                }
            }
            merged.setAll(node);
            c = Json.MAPPER.treeToValue(merged, Gpt2Config.class);
        } catch (IOException | ClassCastException e) {
            throw new GraftException("cannot read GPT-2 config " + file + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                    "check that it is a transformers config.json of a GPT-2 model (model_type \"gpt2\")", e);
        }
        c.check(file.toString());
        return c;
    }

    /** Refuses what Graft's GPT-2 does not compute, naming the field. */
    public void check(String where) {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new GraftException(where + " has model_type '" + modelType + "', not 'gpt2'", "use a GPT-2 checkpoint (gpt2, gpt2-medium, distilgpt2, ...)");
        }
        require(where, vocabSize > 0, "vocab_size", vocabSize);
        require(where, nPositions > 0, "n_positions", nPositions);
        require(where, nLayer > 0, "n_layer", nLayer);
        require(where, nHead > 0 && nEmbd > 0 && nEmbd % nHead == 0, "n_head", nHead);
        require(where, innerSize() > 0, "n_inner", innerSize());
        if (!ACTIVATIONS.contains(activationFunction)) {
            throw new GraftException(where + " asks for activation_function '" + activationFunction + "'",
                    "Graft's GPT-2 computes \"gelu_new\" (GPT-2's own) or \"gelu\"");
        }
        if (!tieWordEmbeddings) {
            throw new GraftException(where + " has tie_word_embeddings false", "Graft's GPT-2 ties lm_head to wte, as every GPT-2 checkpoint does");
        }
        if (!(layerNormEpsilon > 0)) {
            throw new GraftException(where + " has layer_norm_epsilon " + layerNormEpsilon, "use a positive epsilon (GPT-2: 1e-05)");
        }
    }

    private static void require(String where, boolean ok, String field, int value) {
        if (!ok) {
            throw new GraftException(where + " has an invalid " + field + " (" + value + ")",
                    "all sizes must be positive and n_embd a multiple of n_head");
        }
    }

    /**
     * transformers' config.json of this model, as {@code save_pretrained} writes it: these fields plus
     * the ones GPT2Config always writes ({@code n_ctx} of older readers, the summary settings, {@code use_cache}).
     */
    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.valueToTree(this);
        if (id2label != null) {
            ObjectNode l2i = node.putObject("label2id");
            id2label.forEach((i, name) -> l2i.put(name, Integer.parseInt(i)));
        }
        if (nInner == null) {
            node.putNull("n_inner");  // transformers writes it so: 4 x n_embd
        }
        node.put("n_ctx", nPositions);
        node.put("scale_attn_by_inverse_layer_idx", false);
        node.put("reorder_and_upcast_attn", false);
        node.put("summary_type", "cls_index");
        node.put("summary_use_proj", true);
        node.putNull("summary_activation");
        node.put("summary_proj_to_labels", true);
        node.put("summary_first_dropout", 0.1);
        node.put("use_cache", true);
        return node;
    }

    /** Writes {@link #toJson()} to {@code file}. */
    public void write(Path file) {
        PretrainedCfg.writeJson(toJson(), file);
    }
}
