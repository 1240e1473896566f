package dev.graft.zoo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.graft.GraftException;
import dev.graft.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a set of weights expects and where it came from, as timm's {@code PretrainedCfg}. It is
 * immutable and travels with the weights as {@code config.json}.
 *
 * <pre>{@code
 * PretrainedCfg cfg = PretrainedCfg.read(dir.resolve("config.json"));
 * PretrainedCfg ten = cfg.withNumClasses(10, null);
 * ten.write(out.resolve("config.json"));
 * }</pre>
 *
 * @param architecture registered architecture name, e.g. {@code resnet18}
 * @param tag which weights, e.g. {@code graft_mnist} (null for random init)
 * @param numClasses classifier outputs (0 = no classifier)
 * @param numFeatures width of the pre-logits features
 * @param labelNames class names in output order, or null
 * @param inputSize channels, height, width
 * @param interpolation resize interpolation, {@code bilinear} or {@code bicubic}
 * @param cropPct centre-crop fraction used at evaluation
 * @param mean per-channel normalisation mean
 * @param std per-channel normalisation std
 * @param firstConv PyTorch module name of the first convolution
 * @param classifier PyTorch module name of the classifier
 * @param license licence of the weights
 * @param source where the weights come from (URL, package, or a description)
 * @param provenance how they were made: data set, recipe, seed, versions, metrics
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PretrainedCfg(
        @JsonProperty("architecture") String architecture,
        @JsonProperty("tag") String tag,
        @JsonProperty("num_classes") int numClasses,
        @JsonProperty("num_features") int numFeatures,
        @JsonProperty("label_names") List<String> labelNames,
        @JsonProperty("input_size") List<Integer> inputSize,
        @JsonProperty("interpolation") String interpolation,
        @JsonProperty("crop_pct") double cropPct,
        @JsonProperty("mean") List<Double> mean,
        @JsonProperty("std") List<Double> std,
        @JsonProperty("first_conv") String firstConv,
        @JsonProperty("classifier") String classifier,
        @JsonProperty("license") String license,
        @JsonProperty("source") String source,
        @JsonProperty("provenance") Map<String, Object> provenance) {

    public PretrainedCfg {
        if (architecture == null || architecture.isBlank()) {
            throw new GraftException("config.json has no 'architecture'", "add the registered architecture name, e.g. \"resnet18\"");
        }
        labelNames = labelNames == null ? null : List.copyOf(labelNames);
        inputSize = inputSize == null ? null : List.copyOf(inputSize);
        mean = mean == null ? null : List.copyOf(mean);
        std = std == null ? null : List.copyOf(std);
        provenance = provenance == null ? null : Map.copyOf(provenance);
        if (labelNames != null && numClasses > 0 && labelNames.size() != numClasses) {
            throw new GraftException("config.json lists " + labelNames.size() + " label_names for num_classes=" + numClasses,
                    "give one label name per class or drop label_names");
        }
    }

    /** The name {@code arch.tag}, or {@code arch} without a tag. */
    public String name() {
        return tag == null ? architecture : architecture + "." + tag;
    }

    /** A copy with a new classifier size (and labels, which may be null). */
    public PretrainedCfg withNumClasses(int n, List<String> labels) {
        return new PretrainedCfg(architecture, tag, n, numFeatures, labels, inputSize, interpolation, cropPct,
                mean, std, firstConv, classifier, license, source, provenance);
    }

    /** A copy with another tag, source and provenance (for weights made by fine-tuning). */
    public PretrainedCfg withOrigin(String newTag, String newLicense, String newSource, Map<String, Object> newProvenance) {
        return new PretrainedCfg(architecture, newTag, numClasses, numFeatures, labelNames, inputSize, interpolation,
                cropPct, mean, std, firstConv, classifier, newLicense, newSource, newProvenance);
    }

    /** A copy with another input size (channels, height, width). */
    public PretrainedCfg withInputSize(List<Integer> size, List<Double> newMean, List<Double> newStd) {
        return new PretrainedCfg(architecture, tag, numClasses, numFeatures, labelNames, size, interpolation, cropPct,
                newMean, newStd, firstConv, classifier, license, source, provenance);
    }

    /**
     * Reads a config.json: Graft's/timm's, or a foreign one whose {@code model_type} a family reads
     * (a Hugging Face BERT config becomes the matching {@code bert_*} architecture).
     */
    public static PretrainedCfg read(Path file) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = Json.MAPPER.readTree(file.toFile());
            com.fasterxml.jackson.databind.JsonNode type = node == null ? null : node.get("model_type");
            if (type != null && type.isTextual()) {
                java.util.function.Function<Path, PretrainedCfg> reader = Zoo.configReader(type.asText());
                if (reader != null) {
                    return reader.apply(file);
                }
            }
            return Json.MAPPER.treeToValue(node, PretrainedCfg.class);
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "check that it is a Graft/timm config.json", e);
        }
    }

    public void write(Path file) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Json.MAPPER.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }
}
