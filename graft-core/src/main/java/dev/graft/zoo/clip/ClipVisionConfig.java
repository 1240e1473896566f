package dev.graft.zoo.clip;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code vision_config} of a transformers {@code CLIPConfig} ({@code CLIPVisionConfig},
 * {@code model_type: clip_vision_model}): a ViT with a bias-free patch embedding, a LayerNorm before
 * the blocks ({@code pre_layrnorm}) and one on the pooled class token ({@code post_layernorm}).
 *
 * <pre>{@code
 * ClipVisionConfig vision = ClipConfig.read(dir.resolve("config.json")).visionConfig();
 * }</pre>
 *
 * @param hiddenAct {@code quick_gelu} (OpenAI's) or {@code gelu} (exact)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClipVisionConfig(
        @JsonProperty("model_type") String modelType,
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("projection_dim") int projectionDim,
        @JsonProperty("num_hidden_layers") int numHiddenLayers,
        @JsonProperty("num_attention_heads") int numAttentionHeads,
        @JsonProperty("num_channels") int numChannels,
        @JsonProperty("image_size") int imageSize,
        @JsonProperty("patch_size") int patchSize,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("layer_norm_eps") double layerNormEps) {
    /** transformers' {@code model_type} of a CLIP vision tower. */
    public static final String MODEL_TYPE = "clip_vision_model";

    public ClipVisionConfig {
        modelType = modelType == null ? MODEL_TYPE : modelType;
        hiddenAct = hiddenAct == null ? "quick_gelu" : hiddenAct;
    }

    /** transformers' {@code CLIPVisionConfig()} defaults (OpenAI's ViT-B/32). */
    static ClipVisionConfig defaults() {
        return new ClipVisionConfig(MODEL_TYPE, 768, 3072, 512, 12, 12, 3, 224, 32, "quick_gelu", 1e-5);
    }

    /** Patches per side. */
    public int gridSize() {
        return imageSize / patchSize;
    }
}
