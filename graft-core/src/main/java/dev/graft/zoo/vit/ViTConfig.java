package dev.graft.zoo.vit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.zoo.Id2Label;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A transformers {@code ViTConfig} ({@code model_type: vit}), read from and written as its
 * {@code config.json}, e.g. the one {@code google/vit-base-patch16-224} ships.
 *
 * <pre>{@code
 * ViTConfig c = ViTConfig.read(dir.resolve("config.json"));
 * }</pre>
 *
 * @param architectures transformers class names, e.g. {@code ["ViTForImageClassification"]}
 * @param hiddenAct only {@code gelu} (exact, erf) is supported
 * @param id2label class names by output index ("0", "1", ...), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ViTConfig(
        @JsonProperty("architectures") List<String> architectures,
        @JsonProperty("model_type") String modelType,
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("num_hidden_layers") int numHiddenLayers,
        @JsonProperty("num_attention_heads") int numAttentionHeads,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("layer_norm_eps") double layerNormEps,
        @JsonProperty("image_size") int imageSize,
        @JsonProperty("patch_size") int patchSize,
        @JsonProperty("num_channels") int numChannels,
        @JsonProperty("qkv_bias") boolean qkvBias,
        @JsonProperty("hidden_dropout_prob") double hiddenDropoutProb,
        @JsonProperty("attention_probs_dropout_prob") double attentionProbsDropoutProb,
        @JsonProperty("initializer_range") double initializerRange,
        @JsonProperty("id2label") Map<String, String> id2label) {
    /** The transformers class this layout is. */
    public static final String FOR_IMAGE_CLASSIFICATION = "ViTForImageClassification";

    public ViTConfig {
        architectures = architectures == null ? List.of(FOR_IMAGE_CLASSIFICATION) : List.copyOf(architectures);
        modelType = modelType == null ? "vit" : modelType;
        hiddenAct = hiddenAct == null ? "gelu" : hiddenAct;
    }

    /** transformers' ViT-Base/16 at 224 (its {@code ViTConfig()} defaults), with {@code labels} (may be empty). */
    public static ViTConfig base(List<String> labels) {
        return new ViTConfig(null, null, 768, 12, 12, 3072, "gelu", 1e-12, 224, 16, 3, true, 0, 0, 0.02, null).withLabels(labels);
    }

    /** Reads a transformers ViT config.json; unknown keys are ignored, missing ones take transformers' defaults. */
    public static ViTConfig read(Path file) {
        try {
            return fromJson((ObjectNode) Json.MAPPER.readTree(file.toFile()), file.toString());
        } catch (IOException | ClassCastException e) {
            throw new GraftException("cannot read ViT config " + file + ": " + e.getMessage(),
                    "check that it is a transformers config.json of a ViT model (model_type \"vit\")", e);
        }
    }

    /** A config from its JSON object (a config.json, or the {@code vision_config} of a dual encoder's); {@code where} names it in messages. */
    public static ViTConfig fromJson(ObjectNode node, String where) {
        try {
            ObjectNode defaults = Json.MAPPER.valueToTree(base(List.of()));
            defaults.remove("architectures");
            ObjectNode merged = defaults.deepCopy();
            merged.setAll(node);
            ViTConfig c = Json.MAPPER.treeToValue(merged, ViTConfig.class);
            c.check(where);
            return c;
        } catch (IOException e) {
            throw new GraftException("cannot read ViT config " + where + ": " + e.getMessage(),
                    "check that it is a transformers config.json of a ViT model (model_type \"vit\")", e);
        }
    }

    private void check(String file) {
        if (!"gelu".equals(hiddenAct)) {
            throw new GraftException(file + " asks for hidden_act '" + hiddenAct + "'", "Graft's ViT computes exact GELU ('gelu') only");
        }
        if (hiddenSize % numAttentionHeads != 0 || imageSize % patchSize != 0) {
            throw new GraftException(file + ": hidden_size " + hiddenSize + " / num_attention_heads " + numAttentionHeads
                    + ", image_size " + imageSize + " / patch_size " + patchSize + " must divide evenly", "fix config.json");
        }
    }

    /** The same shape with other class names. */
    public ViTConfig withLabels(List<String> labels) {
        return new ViTConfig(List.of(FOR_IMAGE_CLASSIFICATION), modelType, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                hiddenAct, layerNormEps, imageSize, patchSize, numChannels, qkvBias, hiddenDropoutProb, attentionProbsDropoutProb,
                initializerRange, Id2Label.of(labels));
    }

    /** The shape alone: what decides the architecture (no class names or class list). */
    public ViTConfig shape() {
        return new ViTConfig(List.of(FOR_IMAGE_CLASSIFICATION), modelType, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                hiddenAct, layerNormEps, imageSize, patchSize, numChannels, qkvBias, 0, 0, initializerRange, null);
    }

    /** Class names in output order from {@code id2label}, or an empty list. */
    public List<String> labels() {
        return Id2Label.names(id2label);
    }

    /** transformers' config.json: these fields plus {@code label2id}, as {@code save_pretrained} writes them. */
    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.valueToTree(this);
        if (id2label != null) {
            ObjectNode l2i = node.putObject("label2id");
            id2label.forEach((i, name) -> l2i.put(name, Integer.parseInt(i)));
        }
        node.put("encoder_stride", patchSize);
        return node;
    }
}
