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
 * {@code logit_scale_init_value}. A locked text tower may be <b>referenced</b> instead of copied:
 * {@code locked_text_model} (beside {@code text_config}, whose {@code _name_or_path} says the same)
 * names a text model Graft opens by name ({@link dev.graft.text.TextEncoder#resolve}, e.g.
 * {@code sentence-transformers/all-MiniLM-L6-v2}); the checkpoint then holds only the text tower's
 * pooler, and its encoder weights come from the named model.
 *
 * <pre>{@code
 * DualEncoderConfig c = DualEncoderConfig.read(dir.resolve("config.json"));
 * }</pre>
 */
public record DualEncoderConfig(ViTConfig visionConfig, BertConfig textConfig, int projectionDim, double logitScaleInitValue,
        String lockedTextModel) {
    /** transformers' {@code model_type}. */
    public static final String MODEL_TYPE = "vision-text-dual-encoder";
    /** The transformers class this layout is. */
    public static final String MODEL_CLASS = "VisionTextDualEncoderModel";
    /** The towers Graft builds, by their {@code model_type}. */
    static final List<String> VISION_TYPES = List.of("vit");
    static final List<String> TEXT_TYPES = List.of("bert", BertConfig.ROBERTA);
    /** The config.json key naming a referenced (locked, not copied) text tower. */
    public static final String LOCKED_TEXT_MODEL = "locked_text_model";

    /** A dual encoder whose checkpoint holds both towers. */
    public DualEncoderConfig(ViTConfig visionConfig, BertConfig textConfig, int projectionDim, double logitScaleInitValue) {
        this(visionConfig, textConfig, projectionDim, logitScaleInitValue, null);
    }

    public DualEncoderConfig {
        if (!textConfig.addPoolingLayer()) {
            throw new GraftException("the text tower has no pooler", "a dual encoder projects the text tower's pooler_output; use BERT or RoBERTa");
        }
    }

    /** Reads a transformers dual-encoder config.json; a tower of another model_type is one {@link GraftException}. */
    public static DualEncoderConfig read(Path file) {
        return fromJson(ClipConfig.readObject(file, MODEL_CLASS), file.toString());
    }

    /** A dual-encoder config from its JSON object ({@link #toJson}'s shape); {@code file} names it in messages. */
    public static DualEncoderConfig fromJson(ObjectNode node, String file) {
        node = node.deepCopy();
        ObjectNode vision = tower(node, "vision_config", VISION_TYPES, file);
        ObjectNode text = tower(node, "text_config", TEXT_TYPES, file);
        text.put("add_pooling_layer", true);  // AutoModel's BertModel always has its pooler
        // The shapes alone (no class names), so equal towers are one architecture.
        return new DualEncoderConfig(ViTConfig.fromJson(vision, file + " vision_config").shape(),
                BertConfig.fromJson(text, file + " text_config").withLabels(null),
                node.path("projection_dim").asInt(512), node.path("logit_scale_init_value").asDouble(ClipConfig.LOGIT_SCALE_INIT),
                node.hasNonNull(LOCKED_TEXT_MODEL) ? node.get(LOCKED_TEXT_MODEL).asText() : null);
    }

    private static ObjectNode tower(JsonNode root, String field, List<String> types, String file) {
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
        if (lockedTextModel != null) {
            text.put("_name_or_path", lockedTextModel);
            node.put(LOCKED_TEXT_MODEL, lockedTextModel);
        }
        node.set("text_config", text);
        return node;
    }

    /** The same towers with the text tower referenced by {@code name} (null: copied into the checkpoint). */
    public DualEncoderConfig withLockedTextModel(String name) {
        return new DualEncoderConfig(visionConfig, textConfig, projectionDim, logitScaleInitValue, name);
    }
}
