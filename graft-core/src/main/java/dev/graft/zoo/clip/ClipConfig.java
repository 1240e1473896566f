package dev.graft.zoo.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A transformers {@code CLIPConfig} ({@code model_type: clip}, {@code architectures: ["CLIPModel"]}),
 * read from and written as its {@code config.json}: the two towers' {@code text_config} and
 * {@code vision_config}, the shared {@code projection_dim} and {@code logit_scale_init_value}. Fields
 * a file leaves out take transformers' defaults (OpenAI's ViT-B/32); unknown fields are ignored.
 *
 * <pre>{@code
 * ClipConfig c = ClipConfig.read(dir.resolve("config.json"));
 * c.write(out.resolve("config.json"));
 * }</pre>
 *
 * @param projectionDim width of the shared image-text embedding space
 * @param logitScaleInitValue the initial {@code logit_scale} (log of the inverse temperature; 2.6592 = log(1 / 0.07))
 */
public record ClipConfig(ClipTextConfig textConfig, ClipVisionConfig visionConfig, int projectionDim, double logitScaleInitValue) {
    /** transformers' {@code model_type} of a CLIP model. */
    public static final String MODEL_TYPE = "clip";
    /** The transformers class this layout is. */
    public static final String CLIP_MODEL = "CLIPModel";
    /** transformers' default {@code logit_scale_init_value}. */
    public static final double LOGIT_SCALE_INIT = 2.6592;

    /** The activations the towers compute, by transformers' name. */
    static final List<String> ACTIVATIONS = List.of("quick_gelu", "gelu");

    /**
     * A config of the given towers whose projections have {@code projectionDim} outputs (the towers'
     * own {@code projection_dim} set to it, as transformers' {@code CLIPConfig.from_text_vision_configs}).
     */
    public static ClipConfig of(ClipTextConfig text, ClipVisionConfig vision, int projectionDim) {
        ClipTextConfig t = new ClipTextConfig(text.modelType(), text.vocabSize(), text.hiddenSize(), text.intermediateSize(), projectionDim,
                text.numHiddenLayers(), text.numAttentionHeads(), text.maxPositionEmbeddings(), text.hiddenAct(), text.layerNormEps(),
                text.padTokenId(), text.bosTokenId(), text.eosTokenId());
        ClipVisionConfig v = new ClipVisionConfig(vision.modelType(), vision.hiddenSize(), vision.intermediateSize(), projectionDim,
                vision.numHiddenLayers(), vision.numAttentionHeads(), vision.numChannels(), vision.imageSize(), vision.patchSize(),
                vision.hiddenAct(), vision.layerNormEps());
        return new ClipConfig(t, v, projectionDim, LOGIT_SCALE_INIT);
    }

    /** Reads a transformers CLIP config.json; a bad field is one {@link GraftException} naming the file and the fix. */
    public static ClipConfig read(Path file) {
        ObjectNode root = readObject(file, "CLIPModel");
        try {
            ClipTextConfig text = Json.MAPPER.treeToValue(tower(root, "text_config", ClipTextConfig.MODEL_TYPE,
                    Json.MAPPER.valueToTree(ClipTextConfig.defaults()), file), ClipTextConfig.class);
            ClipVisionConfig vision = Json.MAPPER.treeToValue(tower(root, "vision_config", ClipVisionConfig.MODEL_TYPE,
                    Json.MAPPER.valueToTree(ClipVisionConfig.defaults()), file), ClipVisionConfig.class);
            int projection = root.path("projection_dim").asInt(512);
            ClipConfig towers = of(text, vision, projection);
            ClipConfig c = new ClipConfig(towers.textConfig(), towers.visionConfig(), projection,
                    root.path("logit_scale_init_value").asDouble(LOGIT_SCALE_INIT));
            c.check(file.toString());
            return c;
        } catch (IOException e) {
            throw new GraftException("cannot read CLIP config " + file + ": " + e.getMessage().lines().findFirst().orElse(""),
                    "check the types of its fields against transformers' CLIPConfig", e);
        }
    }

    /** A config.json's JSON object; an unreadable file or another JSON value is one {@link GraftException} naming {@code modelClass}. */
    static ObjectNode readObject(Path file, String modelClass) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""),
                    "check that it is transformers' config.json of a " + modelClass, e);
        }
        if (!(node instanceof ObjectNode root)) {
            throw new GraftException(file + " is not a JSON object", "use transformers' config.json of a " + modelClass);
        }
        return root;
    }

    /** A tower's config: transformers' defaults overlaid with the file's fields; another model_type is refused. */
    private static ObjectNode tower(ObjectNode root, String field, String modelType, ObjectNode defaults, Path file) {
        JsonNode given = root.get(field);
        if (given != null && !given.isNull() && !given.isObject()) {
            throw new GraftException(file + ": " + field + " is not an object", "give " + field + " as transformers writes it");
        }
        if (given != null && given.has("model_type") && !modelType.equals(given.get("model_type").asText())) {
            throw new GraftException(file + ": " + field + " has model_type '" + given.get("model_type").asText() + "', a CLIP model has '"
                    + modelType + "'", "use a CLIP config (both towers CLIP's), or a vision-text-dual-encoder config for other towers");
        }
        if (given != null && given.isObject()) {
            defaults.setAll((ObjectNode) given);
        }
        return defaults;
    }

    /** Refuses what Graft's CLIP cannot compute, naming the field. */
    void check(String where) {
        ClipTextConfig t = textConfig;
        ClipVisionConfig v = visionConfig;
        for (String act : List.of(t.hiddenAct(), v.hiddenAct())) {
            if (!ACTIVATIONS.contains(act)) {
                throw new GraftException(where + " asks for hidden_act '" + act + "'", "Graft's CLIP computes " + ACTIVATIONS);
            }
        }
        require(t.hiddenSize() > 0 && t.numAttentionHeads() > 0 && t.hiddenSize() % t.numAttentionHeads() == 0, where,
                "text_config hidden_size " + t.hiddenSize() + " / num_attention_heads " + t.numAttentionHeads());
        require(v.hiddenSize() > 0 && v.numAttentionHeads() > 0 && v.hiddenSize() % v.numAttentionHeads() == 0, where,
                "vision_config hidden_size " + v.hiddenSize() + " / num_attention_heads " + v.numAttentionHeads());
        require(v.patchSize() > 0 && v.imageSize() % v.patchSize() == 0, where,
                "vision_config image_size " + v.imageSize() + " / patch_size " + v.patchSize());
        require(t.vocabSize() > 0 && t.maxPositionEmbeddings() > 0 && t.numHiddenLayers() > 0 && t.intermediateSize() > 0, where,
                "text_config vocab_size, max_position_embeddings, num_hidden_layers, intermediate_size");
        require(v.numHiddenLayers() > 0 && v.intermediateSize() > 0 && v.numChannels() > 0 && projectionDim > 0, where,
                "vision_config num_hidden_layers, intermediate_size, num_channels and projection_dim");
    }

    private static void require(boolean ok, String where, String what) {
        if (!ok) {
            throw new GraftException(where + ": " + what + " must be positive and divide evenly", "fix config.json");
        }
    }

    /** transformers' config.json of this model, as {@code CLIPModel.save_pretrained} writes it. */
    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.putArray("architectures").add(CLIP_MODEL);
        node.put("model_type", MODEL_TYPE);
        node.put("projection_dim", projectionDim);
        node.put("logit_scale_init_value", logitScaleInitValue);
        node.put("initializer_factor", 1.0);
        node.set("text_config", Json.MAPPER.valueToTree(textConfig));
        node.set("vision_config", Json.MAPPER.valueToTree(visionConfig));
        node.put("torch_dtype", "float32");
        return node;
    }
}
