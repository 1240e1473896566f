package dev.graft.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a set of weights expects and where it came from, as timm's {@code PretrainedCfg}. It is
 * immutable and travels with the weights as {@code config.json} in timm's layout: the architecture,
 * class count, feature width, global pool and label names at the top, what the weights expect in a
 * nested {@code pretrained_cfg}, and Graft's own source and provenance under the separate key
 * {@code graft}, which timm ignores.
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
 * @param cropMode timm's crop mode at evaluation ({@code center}, {@code squash}, {@code border}), or null
 * @param globalPool how the features are pooled before the classifier ({@code avg}, {@code token}), or null
 * @param otherFields the other fields of timm's {@code pretrained_cfg} (e.g. {@code test_input_size},
 *     {@code pool_size}, {@code origin_url}), kept as read so that an export carries them on; never null
 */
public record PretrainedCfg(
        String architecture,
        String tag,
        int numClasses,
        int numFeatures,
        List<String> labelNames,
        List<Integer> inputSize,
        String interpolation,
        double cropPct,
        List<Double> mean,
        List<Double> std,
        String firstConv,
        String classifier,
        String license,
        String source,
        Map<String, Object> provenance,
        String cropMode,
        String globalPool,
        Map<String, Object> otherFields) {

    /** timm's {@code pretrained_cfg} fields that depend on the input size and no longer hold once it changes. */
    private static final List<String> SIZE_FIELDS = List.of("pool_size", "test_pool_size", "test_input_size", "min_input_size",
            "test_crop_pct");
    /** timm's fields that describe the classes and no longer hold once they change. */
    private static final List<String> LABEL_FIELDS = List.of("label_descriptions", "label_offset");

    public PretrainedCfg {
        if (architecture == null || architecture.isBlank()) {
            throw new GraftException("config.json has no 'architecture'", "add the registered architecture name, e.g. \"resnet18\"");
        }
        labelNames = labelNames == null ? null : List.copyOf(labelNames);
        inputSize = inputSize == null ? null : List.copyOf(inputSize);
        mean = mean == null ? null : List.copyOf(mean);
        std = std == null ? null : List.copyOf(std);
        provenance = provenance == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        otherFields = otherFields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(otherFields));
        if (labelNames != null && numClasses > 0 && labelNames.size() != numClasses) {
            throw new GraftException("config.json lists " + labelNames.size() + " label_names for num_classes=" + numClasses,
                    "give one label name per class or drop label_names");
        }
    }

    /**
     * A configuration without crop mode, global pool or other timm fields (crop mode {@code center},
     * timm's default, for an image model), as families declare their defaults.
     */
    public PretrainedCfg(String architecture, String tag, int numClasses, int numFeatures, List<String> labelNames,
            List<Integer> inputSize, String interpolation, double cropPct, List<Double> mean, List<Double> std, String firstConv,
            String classifier, String license, String source, Map<String, Object> provenance) {
        this(architecture, tag, numClasses, numFeatures, labelNames, inputSize, interpolation, cropPct, mean, std, firstConv,
                classifier, license, source, provenance, inputSize == null ? null : "center", null, null);
    }

    /** The name {@code arch.tag}, or {@code arch} without a tag. */
    public String name() {
        return tag == null ? architecture : architecture + "." + tag;
    }

    /** A copy with a new classifier size (and labels, which may be null). */
    public PretrainedCfg withNumClasses(int n, List<String> labels) {
        Map<String, Object> others = n == numClasses && java.util.Objects.equals(labels, labelNames) ? otherFields
                : without(otherFields, LABEL_FIELDS);
        return new PretrainedCfg(architecture, tag, n, numFeatures, labels, inputSize, interpolation, cropPct,
                mean, std, firstConv, classifier, license, source, provenance, cropMode, globalPool, others);
    }

    /** A copy with another tag, source and provenance (for weights made by fine-tuning). */
    public PretrainedCfg withOrigin(String newTag, String newLicense, String newSource, Map<String, Object> newProvenance) {
        return new PretrainedCfg(architecture, newTag, numClasses, numFeatures, labelNames, inputSize, interpolation,
                cropPct, mean, std, firstConv, classifier, newLicense, newSource, newProvenance, cropMode, globalPool, otherFields);
    }

    /** A copy with another input size (channels, height, width). */
    public PretrainedCfg withInputSize(List<Integer> size, List<Double> newMean, List<Double> newStd) {
        Map<String, Object> others = java.util.Objects.equals(size, inputSize) ? otherFields : without(otherFields, SIZE_FIELDS);
        return new PretrainedCfg(architecture, tag, numClasses, numFeatures, labelNames, size, interpolation, cropPct,
                newMean, newStd, firstConv, classifier, license, source, provenance, cropMode, globalPool, others);
    }

    /**
     * The catalogue entry of weights timm publishes on the Hub as {@code timm/<arch>.<tag>}: this
     * (architecture default) configuration with the tag's licence and evaluation transform, as
     * timm's per-tag {@code _cfg(...)} overrides. The repository's own config.json is read when the
     * weights are fetched.
     *
     * @param newTag e.g. {@code fb_in1k}
     * @param newLicense e.g. {@code apache-2.0}
     * @param imgSize the tag's input height and width
     * @param newInterpolation {@code bilinear} or {@code bicubic}
     * @param newCropPct the tag's evaluation crop
     */
    public PretrainedCfg timmHubTag(String newTag, String newLicense, int imgSize, String newInterpolation, double newCropPct) {
        List<Integer> size = List.of(inputSize.get(0), imgSize, imgSize);
        return new PretrainedCfg(architecture, newTag, numClasses, numFeatures, labelNames, size, newInterpolation, newCropPct,
                mean, std, firstConv, classifier, newLicense, WeightsSources.HF_HUB + "timm/" + architecture + "." + newTag, null,
                cropMode, globalPool, size.equals(inputSize) ? otherFields : without(otherFields, SIZE_FIELDS));
    }

    /** A copy naming how the features are pooled ({@code avg}, {@code token}; timm's {@code global_pool}). */
    public PretrainedCfg withGlobalPool(String pool) {
        return new PretrainedCfg(architecture, tag, numClasses, numFeatures, labelNames, inputSize, interpolation, cropPct,
                mean, std, firstConv, classifier, license, source, provenance, cropMode, pool, otherFields);
    }

    /**
     * A copy whose missing fields come from the architecture's defaults, as timm falls back on its
     * defaults for what a {@code pretrained_cfg} leaves out: module names, pooling and feature width
     * always; input size, interpolation, crop and normalisation for an image architecture.
     */
    public PretrainedCfg withDefaultsFrom(PretrainedCfg defaults) {
        boolean image = defaults.inputSize() != null;
        List<Integer> size = inputSize != null || !image ? inputSize : defaults.inputSize();
        return new PretrainedCfg(architecture, tag, numClasses, numFeatures > 0 ? numFeatures : defaults.numFeatures(), labelNames, size,
                interpolation != null || !image ? interpolation : defaults.interpolation(),
                cropPct > 0 || !image ? cropPct : defaults.cropPct(),
                mean != null || !image ? mean : ModelBuilder.adaptStats(defaults.mean(), size.get(0)),
                std != null || !image ? std : ModelBuilder.adaptStats(defaults.std(), size.get(0)),
                firstConv != null ? firstConv : defaults.firstConv(), classifier != null ? classifier : defaults.classifier(),
                license, source, provenance, cropMode != null || !image ? cropMode : defaults.cropMode(),
                globalPool != null ? globalPool : defaults.globalPool(), otherFields);
    }

    private static Map<String, Object> without(Map<String, Object> fields, List<String> keys) {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        keys.forEach(m::remove);
        return m;
    }

    /**
     * Reads a config.json: timm's layout (flat fields, a nested {@code pretrained_cfg},
     * {@code label_names}), the flat one of earlier Graft versions and old timm exports, or a foreign
     * one whose {@code model_type} a family reads (a Hugging Face BERT config becomes the matching
     * {@code bert_*} architecture). Bad content is one {@link GraftException} naming the file and the fix.
     */
    public static PretrainedCfg read(Path file) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + firstLine(e.getMessage()),
                    "check that it is a timm/Graft config.json (JSON with \"architecture\" and \"pretrained_cfg\")", e);
        }
        JsonNode type = node == null ? null : node.get("model_type");
        if (type != null && type.isTextual()) {
            Function<Path, PretrainedCfg> reader = Zoo.configReader(type.asText());
            if (reader != null) {
                return reader.apply(file);
            }
        }
        return ConfigJson.read(node, file.toString());
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** The config.json Graft writes (timm's layout), as a JSON object to add keys to before writing. */
    public ObjectNode toJson() {
        return ConfigJson.write(this);
    }

    /** Writes {@link #toJson()} to {@code file}, atomically (a temporary file, then a rename). */
    public void write(Path file) {
        writeJson(toJson(), file);
    }

    /** Writes a config.json object atomically (a temporary file, then a rename). */
    public static void writeJson(ObjectNode json, Path file) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Json.MAPPER.writeValue(tmp.toFile(), json);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }
}
