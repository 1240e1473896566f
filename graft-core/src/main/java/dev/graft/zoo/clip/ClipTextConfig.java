package dev.graft.zoo.clip;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code text_config} of a transformers {@code CLIPConfig} ({@code CLIPTextConfig},
 * {@code model_type: clip_text_model}): a causal transformer over BPE token ids, pooled at the
 * end-of-text token.
 *
 * <pre>{@code
 * ClipTextConfig text = ClipConfig.read(dir.resolve("config.json")).textConfig();
 * }</pre>
 *
 * @param eosTokenId the end-of-text id that pools the sequence; 2 is transformers' legacy value, with
 *     which the pooled position is the largest id (the end-of-text token has the last id of CLIP's vocabulary)
 * @param hiddenAct {@code quick_gelu} (OpenAI's) or {@code gelu} (exact)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClipTextConfig(
        @JsonProperty("model_type") String modelType,
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("projection_dim") int projectionDim,
        @JsonProperty("num_hidden_layers") int numHiddenLayers,
        @JsonProperty("num_attention_heads") int numAttentionHeads,
        @JsonProperty("max_position_embeddings") int maxPositionEmbeddings,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("layer_norm_eps") double layerNormEps,
        @JsonProperty("pad_token_id") int padTokenId,
        @JsonProperty("bos_token_id") int bosTokenId,
        @JsonProperty("eos_token_id") int eosTokenId) {
    /** transformers' {@code model_type} of a CLIP text tower. */
    public static final String MODEL_TYPE = "clip_text_model";
    /** transformers' legacy {@code eos_token_id}: pool at the largest token id (argmax of input_ids). */
    public static final int LEGACY_EOS = 2;

    public ClipTextConfig {
        modelType = modelType == null ? MODEL_TYPE : modelType;
        hiddenAct = hiddenAct == null ? "quick_gelu" : hiddenAct;
    }

    /** transformers' {@code CLIPTextConfig()} defaults (OpenAI's ViT-B text tower), with the given ids. */
    static ClipTextConfig defaults() {
        return new ClipTextConfig(MODEL_TYPE, 49408, 512, 2048, 512, 12, 8, 77, "quick_gelu", 1e-5, 1, 49406, 49407);
    }

    /** Whether the sequence is pooled at its largest token id (transformers' rule for {@code eos_token_id == 2}). */
    public boolean legacyEos() {
        return eosTokenId == LEGACY_EOS;
    }
}
