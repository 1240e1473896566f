package dev.graft.zoo.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.vit.ViTConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * A transformers {@code VisionTextDualEncoderConfig} ({@code model_type: vision-text-dual-encoder}):
 * a {@code vision_config} and a {@code text_config} of their own model types, here a ViT ({@code vit})
 * and a BERT or RoBERTa ({@code bert}, {@code roberta}), joined by {@code projection_dim} and
 * {@code logit_scale_init_value}.
 *
 * <pre>{@code
 * DualEncoderConfig c = DualEncoderConfig.read(dir.resolve("config.json"));
 * }</pre>
 */
public record DualEncoderConfig(ViTConfig visionConfig, BertConfig textConfig, int projectionDim, double logitScaleInitValue) {
    /** transformers' {@code model_type}. */
    public static final String MODEL_TYPE = "vision-text-dual-encoder";
    /** The transformers class this layout is. */
    public static final String MODEL_CLASS = "VisionTextDualEncoderModel";
    /** The towers Graft builds, by their {@code model_type}. */
    static final List<String> VISION_TYPES = List.of("vit");
    static final List<String> TEXT_TYPES = List.of("bert", BertConfig.ROBERTA);

    public DualEncoderConfig {
        if (!textConfig.addPoolingLayer()) {
            throw new GraftException("the text tower has no pooler", "a dual encoder projects the text tower's pooler_output; use BERT or RoBERTa");
        }
    }

    /** Reads a transformers dual-encoder config.json; a tower of another model_type is one {@link GraftException}. */
    public static DualEncoderConfig read(Path file) {
        ObjectNode node = ClipConfig.readObject(file, MODEL_CLASS);
        ObjectNode vision = tower(node, "vision_config", VISION_TYPES, file);
        ObjectNode text = tower(node, "text_config", TEXT_TYPES, file);
        text.put("add_pooling_layer", true);  // AutoModel's BertModel always has its pooler
        // The shapes alone (no class names), so equal towers are one architecture.
        return new DualEncoderConfig(ViTConfig.fromJson(vision, file + " vision_config").shape(),
                BertConfig.fromJson(text, file + " text_config").withLabels(null),
                node.path("projection_dim").asInt(512), node.path("logit_scale_init_value").asDouble(ClipConfig.LOGIT_SCALE_INIT));
    }

    private static ObjectNode tower(JsonNode root, String field, List<String> types, Path file) {
        JsonNode t = root.get(field);
        if (!(t instanceof ObjectNode o)) {
            throw new GraftException(file + " has no " + field, "a vision-text-dual-encoder config names both towers (vision_config, text_config)");
        }
        String type = o.path("model_type").asText("");
        if (!types.contains(type)) {
            throw new GraftException(file + ": " + field + " has model_type '" + type + "', which Graft's dual encoder does not build",
                    "use " + String.join(" or ", types) + " for " + field);
        }
        return o;
    }

    /** transformers' config.json of this model, as {@code VisionTextDualEncoderModel.save_pretrained} writes it. */
    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.putArray("architectures").add(MODEL_CLASS);
        node.put("model_type", MODEL_TYPE);
        node.put("projection_dim", projectionDim);
        node.put("logit_scale_init_value", logitScaleInitValue);
        ObjectNode vision = visionConfig.withLabels(List.of()).toJson();
        vision.putArray("architectures").add("ViTModel");
        vision.remove(List.of("id2label", "label2id"));
        node.set("vision_config", vision);
        ObjectNode text = textConfig.toJson();
        text.remove("add_pooling_layer");
        node.set("text_config", text);
        return node;
    }
}
