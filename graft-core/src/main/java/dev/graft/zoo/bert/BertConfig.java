package dev.graft.zoo.bert;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.zoo.Id2Label;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder's shape, read from and written as a Hugging Face {@code config.json}.
 *
 * <pre>{@code
 * BertConfig cfg = BertConfig.read(dir.resolve("config.json"));
 * BertModel bert = new BertModel(cfg);
 * }</pre>
 *
 * @param architectures Hugging Face class names, e.g. {@code ["BertModel"]}
 * @param modelType {@code bert}, {@code roberta} or {@code distilbert} (read from and written with DistilBERT's field names)
 * @param hiddenSize width of every token vector (384 for MiniLM-L6)
 * @param numHiddenLayers transformer layers
 * @param numAttentionHeads heads per layer (hiddenSize must divide by it)
 * @param intermediateSize width of the feed-forward layer
 * @param maxPositionEmbeddings longest sequence the position table covers
 * @param vocabSize token vocabulary size
 * @param typeVocabSize number of segment (token type) ids
 * @param layerNormEps epsilon of every LayerNorm
 * @param hiddenAct activation of the feed-forward layer; only {@code gelu} (exact, erf) is supported
 * @param hiddenDropoutProb dropout after embeddings and each sub-layer, in training
 * @param attentionProbsDropoutProb dropout on attention probabilities, in training
 * @param padTokenId id of the padding token
 * @param addPoolingLayer whether the checkpoint has {@code pooler.dense} (false for sentence encoders exported without it)
 * @param id2label class names of a fine-tuned classifier by output index ("0", "1", ...), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BertConfig(
        @JsonProperty("architectures") List<String> architectures,
        @JsonProperty("model_type") String modelType,
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("num_hidden_layers") int numHiddenLayers,
        @JsonProperty("num_attention_heads") int numAttentionHeads,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("max_position_embeddings") int maxPositionEmbeddings,
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("type_vocab_size") int typeVocabSize,
        @JsonProperty("layer_norm_eps") double layerNormEps,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("hidden_dropout_prob") double hiddenDropoutProb,
        @JsonProperty("attention_probs_dropout_prob") double attentionProbsDropoutProb,
        @JsonProperty("pad_token_id") int padTokenId,
        @JsonProperty("add_pooling_layer") Boolean addPoolingLayer,
        @JsonProperty("id2label") java.util.Map<String, String> id2label) {

    public BertConfig {
        modelType = modelType == null ? "bert" : modelType;
        architectures = architectures == null ? List.of(baseModelClass(modelType)) : List.copyOf(architectures);
        hiddenAct = hiddenAct == null ? "gelu" : hiddenAct;
        addPoolingLayer = addPoolingLayer == null ? Boolean.TRUE : addPoolingLayer;
        id2label = id2label == null ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(id2label));
        if (!"bert".equals(modelType) && !ROBERTA.equals(modelType) && !DISTILBERT.equals(modelType)) {
            throw new GraftException("config.json has model_type '" + modelType + "', not 'bert', 'roberta' or 'distilbert'",
                    "use a BERT-architecture checkpoint (BERT, RoBERTa, DistilBERT, MiniLM, sentence-transformers BERT models)");
        }
        if (DISTILBERT.equals(modelType)) {
            typeVocabSize = Math.max(typeVocabSize, 1);  // no segment embeddings; kept positive for the shape checks
            addPoolingLayer = Boolean.FALSE;              // DistilBertModel has no pooler
        }
        require(hiddenSize > 0, "hidden_size", hiddenSize);
        require(numHiddenLayers > 0, "num_hidden_layers", numHiddenLayers);
        require(numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0, "num_attention_heads", numAttentionHeads);
        require(intermediateSize > 0, "intermediate_size", intermediateSize);
        require(maxPositionEmbeddings > 0, "max_position_embeddings", maxPositionEmbeddings);
        require(vocabSize > 0, "vocab_size", vocabSize);
        require(typeVocabSize > 0, "type_vocab_size", typeVocabSize);
        if (!(layerNormEps > 0)) {
            layerNormEps = 1e-12;
        }
        if (!"gelu".equals(hiddenAct)) {
            throw new GraftException("config.json has hidden_act '" + hiddenAct + "'", "Graft's BERT supports hidden_act \"gelu\"");
        }
    }

    /** transformers' RoBERTa: BERT's network with position ids counted from {@code pad_token_id + 1}. */
    public static final String ROBERTA = "roberta";

    /** transformers' DistilBERT: BERT's layer under other names, no segment embeddings, no pooler. */
    public static final String DISTILBERT = "distilbert";

    /** DistilBertConfig's names for BERT's fields (its config.json uses these). */
    private static final Map<String, String> DISTILBERT_FIELDS = Map.of("dim", "hidden_size", "n_layers", "num_hidden_layers",
            "n_heads", "num_attention_heads", "hidden_dim", "intermediate_size", "activation", "hidden_act",
            "dropout", "hidden_dropout_prob", "attention_dropout", "attention_probs_dropout_prob");

    /** transformers' class of the bare encoder: {@code BertModel}, {@code RobertaModel} or {@code DistilBertModel}. */
    private static String baseModelClass(String modelType) {
        return switch (modelType) {
            case ROBERTA -> "RobertaModel";
            case DISTILBERT -> "DistilBertModel";
            default -> "BertModel";
        };
    }

    /** transformers' class with a sequence-classification head: {@code BertForSequenceClassification}, .... */
    public String sequenceClassificationClass() {
        return baseModelClass(modelType).replace("Model", "ForSequenceClassification");
    }

    /** Whether the config names transformers' sequence-classification model ({@code architectures}). */
    public boolean isSequenceClassifier() {
        return architectures.contains(sequenceClassificationClass());
    }

    /**
     * transformers' {@code base_model_prefix}: the encoder's keys carry it inside a model with a head
     * ({@code bert.}, {@code roberta.}, {@code distilbert.}).
     */
    public String baseModelPrefix() {
        return modelType + ".";
    }

    /** A copy naming other transformers classes (e.g. the sequence classifier) and saying whether there is a pooler. */
    public BertConfig withArchitecture(String architecture, boolean pooler) {
        return new BertConfig(List.of(architecture), modelType, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                maxPositionEmbeddings, vocabSize, typeVocabSize, layerNormEps, hiddenAct, hiddenDropoutProb,
                attentionProbsDropoutProb, padTokenId, pooler, id2label);
    }

    /** The state-dict prefix of the transformer layers: {@code encoder.layer.} (DistilBERT: {@code transformer.layer.}). */
    public String layerPrefix() {
        return isDistilBert() ? "transformer.layer." : "encoder.layer.";
    }

    /** Whether this is DistilBERT's layout ({@code transformer.layer.N.attention.q_lin}, ...). */
    public boolean isDistilBert() {
        return DISTILBERT.equals(modelType);
    }

    /** Whether this is BERT itself (not RoBERTa or DistilBERT). */
    public boolean isBert() {
        return "bert".equals(modelType);
    }

    /** Whether this is RoBERTa's variant (positions after the padding id, as {@code create_position_ids_from_input_ids}). */
    public boolean isRoberta() {
        return ROBERTA.equals(modelType);
    }

    /** The longest sequence the position table covers (RoBERTa's first {@code pad_token_id + 1} rows are never used). */
    public int maxSequenceLength() {
        return isRoberta() ? maxPositionEmbeddings - padTokenId - 1 : maxPositionEmbeddings;
    }

    private static void require(boolean ok, String field, int value) {
        if (!ok) {
            throw new GraftException("config.json has an invalid " + field + " (" + value + ")",
                    "check the file; hidden_size must be a multiple of num_attention_heads and all sizes positive");
        }
    }

    /** A configuration with HF BERT's defaults for dropout, eps and padding. */
    public static BertConfig of(int hidden, int layers, int heads, int intermediate, int maxPositions, int vocab,
            int typeVocab, boolean pooler) {
        return new BertConfig(null, "bert", hidden, layers, heads, intermediate, maxPositions, vocab, typeVocab, 1e-12,
                "gelu", 0.1, 0.1, 0, pooler, null);
    }

    /** A copy naming the classes of a classifier head (null for a plain encoder). */
    public BertConfig withLabels(List<String> labels) {
        return new BertConfig(architectures, modelType, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                maxPositionEmbeddings, vocabSize, typeVocabSize, layerNormEps, hiddenAct, hiddenDropoutProb,
                attentionProbsDropoutProb, padTokenId, addPoolingLayer, Id2Label.of(labels));
    }

    /** Class names in output order from {@code id2label}, or an empty list. */
    public List<String> labels() {
        return Id2Label.names(id2label);
    }

    /** Width of one attention head. */
    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    public static BertConfig read(Path file) {
        try {
            return fromJson((ObjectNode) Json.MAPPER.readTree(file.toFile()), file.toString());
        } catch (IOException | ClassCastException e) {
            throw new GraftException("cannot read BERT config " + file + ": " + e.getMessage(),
                    "check that it is a Hugging Face config.json of a BERT model", e);
        }
    }

    /** A config from its JSON object (a config.json, or the {@code text_config} of a dual encoder's); {@code where} names it in messages. */
    public static BertConfig fromJson(ObjectNode given, String where) {
        ObjectNode node = given.deepCopy();
        try {
            if (node.path("model_type").asText().equals(DISTILBERT)) {
                if (node.path("sinusoidal_pos_embds").asBoolean(false)) {
                    throw new GraftException(where + " asks for sinusoidal position embeddings", "Graft's DistilBERT reads learned ones only");
                }
                DISTILBERT_FIELDS.forEach((theirs, ours) -> {
                    if (node.has(theirs)) {
                        node.set(ours, node.remove(theirs));
                    }
                });
                node.put("layer_norm_eps", 1e-12);  // fixed in transformers' DistilBERT
            }
            return Json.MAPPER.treeToValue(node, BertConfig.class);
        } catch (IOException e) {
            throw new GraftException("cannot read BERT config " + where + ": " + e.getMessage(),
                    "check that it is a Hugging Face config.json of a BERT model", e);
        }
    }

    /**
     * Writes the Hugging Face config, plus {@code "architecture": "bert"} so that Graft's weights
     * sources ({@code local-dir:}, {@code hf-hub:}), which read config.json as a {@code PretrainedCfg},
     * accept the folder too (Hugging Face ignores the extra key).
     */
    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ObjectNode node = toJson();
            node.put("architecture", "bert");
            Json.MAPPER.writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }

    /** transformers' fields of this config (DistilBERT's under its own names), as its config.json has them. */
    public ObjectNode toJson() {
        ObjectNode node = Json.MAPPER.valueToTree(this);
        if (isDistilBert()) {
            DISTILBERT_FIELDS.forEach((theirs, ours) -> node.set(theirs, node.remove(ours)));
            node.remove(List.of("type_vocab_size", "layer_norm_eps", "add_pooling_layer"));
            node.put("sinusoidal_pos_embds", false);
        }
        return node;
    }
}
