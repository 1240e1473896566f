package dev.graft.zoo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@link PretrainedCfg} as {@code config.json}, in the layout timm's {@code save_for_hf} writes and
 * {@code load_model_config_from_hf} reads:
 *
 * <pre>{@code
 * {"architecture": "resnet18", "num_classes": 10, "num_features": 512, "global_pool": "avg",
 *  "label_names": ["0", "1", ...],
 *  "pretrained_cfg": {"tag": "a1_in1k", "input_size": [3, 224, 224], "interpolation": "bicubic", "crop_pct": 0.95,
 *                     "crop_mode": "center", "mean": [...], "std": [...], "num_classes": 10,
 *                     "first_conv": "conv1", "classifier": "fc", "license": "apache-2.0", ...},
 *  "graft": {"source": "graft finetune", "provenance": {...}}}
 * }</pre>
 *
 * Reading also takes the flat layout of earlier Graft versions and old timm exports (every field at
 * the top, {@code labels} for {@code label_names}), timm's {@code model_args.in_chans}/{@code img_size},
 * and transformers' {@code id2label}, {@code num_channels} and {@code image_size} where timm's fields
 * are absent. Graft's own fields ({@code source}, {@code provenance}) live under {@code graft}, which
 * timm ignores.
 */
final class ConfigJson {
    static final String PRETRAINED_CFG = "pretrained_cfg";
    static final String GRAFT = "graft";
    /** The input channels timm builds a model with unless {@code model_args.in_chans} says otherwise. */
    private static final int TIMM_IN_CHANS = 3;
    /** The fields of a pretrained cfg that say what the weights expect; a config with none of them has no pretrained cfg. */
    private static final List<String> EXPECTS = List.of("input_size", "interpolation", "crop_pct", "crop_mode", "mean", "std",
            "first_conv", "classifier");
    /** Where timm fetched the weights from: timm drops these on export, since they describe no weights but the source's. */
    private static final Set<String> SOURCE_FIELDS = Set.of("url", "file", "state_dict", "hf_hub_id", "hf_hub_filename",
            "hf_hub_revision", "source");
    /** Fields read into their own components (in a pretrained cfg, or at the top of the flat layout). */
    private static final Set<String> READ = Set.of("architecture", "tag", "num_classes", "num_features", "global_pool",
            "label_names", "labels", "input_size", "interpolation", "crop_pct", "crop_mode", "mean", "std", "first_conv",
            "classifier", "license", "provenance");
    /** Top-level keys of the nested layout and of transformers' configs, never pretrained-cfg fields of the flat layout. */
    private static final Set<String> TOP_LEVEL = Set.of(PRETRAINED_CFG, GRAFT, "model_args", "label_descriptions", "tasks",
            "model_type", "architectures", "id2label", "label2id", "image_size", "num_channels");

    private ConfigJson() {}

    /** The config.json object of {@code cfg} in timm's layout. */
    static ObjectNode write(PretrainedCfg cfg) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("architecture", cfg.architecture());
        root.put("num_classes", cfg.numClasses());
        root.put("num_features", cfg.numFeatures());
        if (cfg.globalPool() != null) {
            root.put("global_pool", cfg.globalPool());
        }
        if (cfg.labelNames() != null) {
            root.set("label_names", Json.MAPPER.valueToTree(cfg.labelNames()));
        }
        if (cfg.inputSize() != null && cfg.inputSize().get(0) != TIMM_IN_CHANS) {
            // timm builds 3-channel models unless told: its create_model takes this as in_chans.
            root.putObject("model_args").put("in_chans", cfg.inputSize().get(0));
        }
        ObjectNode pc = root.putObject(PRETRAINED_CFG);
        if (cfg.tag() != null) {
            pc.put("tag", cfg.tag());
        }
        if (cfg.inputSize() != null) {
            pc.set("input_size", Json.MAPPER.valueToTree(cfg.inputSize()));
            putText(pc, "interpolation", cfg.interpolation());
            pc.put("crop_pct", cfg.cropPct());
            putText(pc, "crop_mode", cfg.cropMode());
            pc.set("mean", Json.MAPPER.valueToTree(cfg.mean()));
            pc.set("std", Json.MAPPER.valueToTree(cfg.std()));
        }
        pc.put("num_classes", cfg.numClasses());
        // timm keeps these two even when null: its loaders look them up.
        pc.put("first_conv", cfg.firstConv());
        pc.put("classifier", cfg.classifier());
        putText(pc, "license", cfg.license());
        cfg.otherFields().forEach((k, v) -> {
            if (!pc.has(k)) {
                pc.set(k, Json.MAPPER.valueToTree(v));
            }
        });
        if (cfg.source() != null || cfg.provenance() != null) {
            ObjectNode graft = root.putObject(GRAFT);
            putText(graft, "source", cfg.source());
            if (cfg.provenance() != null) {
                graft.set("provenance", Json.MAPPER.valueToTree(cfg.provenance()));
            }
        }
        return root;
    }

    private static void putText(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }

    /**
     * Reads a config.json object; {@code where} names the file in messages. Fields the pretrained
     * cfg leaves out come from the architecture's defaults ({@link PretrainedCfg#withDefaultsFrom}).
     */
    static PretrainedCfg read(JsonNode root, String where) {
        Fields f = new Fields(where);
        if (root == null || !root.isObject()) {
            throw new GraftException(where + " is not a JSON object", "write config.json as timm's save_for_hf does: "
                    + "{\"architecture\": ..., \"num_classes\": ..., \"pretrained_cfg\": {...}}");
        }
        String arch = f.text(root, "architecture");
        if (arch == null || arch.isBlank()) {
            JsonNode type = root.get("model_type");
            if (type != null) {
                throw new GraftException(where + " is a transformers config of model_type '" + type.asText() + "'"
                        + (root.has("architectures") ? " (" + root.get("architectures") + ")" : "") + ", which Graft does not read",
                        "Graft reads transformers' configs of model_type " + String.join(", ", Zoo.configReaderTypes())
                                + " and, for its image models, timm's layout (\"architecture\" and "
                                + "\"pretrained_cfg\"); use the timm export of the model, whose weights have timm's names");
            }
            throw new GraftException(where + " has no 'architecture'",
                    "add the architecture's name, e.g. \"architecture\": \"resnet18\", as timm's save_for_hf writes it");
        }
        Zoo.Architecture a = architecture(arch, where);
        PretrainedCfg defaults = a.defaultCfg();
        JsonNode nested = root.get(PRETRAINED_CFG);
        boolean flat = nested == null || nested.isNull();
        if (!flat && !nested.isObject()) {
            throw new GraftException(where + ": pretrained_cfg is not an object", "write it as timm does, e.g. " + example(defaults));
        }
        JsonNode pc = flat ? root : nested;
        if (EXPECTS.stream().noneMatch(pc::has) && !(flat && hasTransformersInput(root))) {
            throw new GraftException(where + " has no pretrained_cfg: nothing says which input, normalisation and classifier the weights expect",
                    "add timm's \"pretrained_cfg\" object; " + arch + "'s defaults are " + example(defaults));
        }

        Integer numClasses = f.integer(root, "num_classes");
        if (numClasses == null) {
            numClasses = f.integer(pc, "num_classes");
        }
        Integer numFeatures = f.integer(root, "num_features");
        List<String> labels = f.labels(root, "label_names");
        for (String key : List.of("label_names", "labels")) {
            if (labels == null) {
                labels = f.labels(flat ? root : pc, key);
            }
        }
        if (labels == null) {
            labels = f.labels(root, "id2label");
        }
        if (numClasses == null) {
            numClasses = labels != null ? labels.size() : defaults.numClasses();
        }
        if (numClasses < 0) {
            throw new GraftException(where + " has num_classes=" + numClasses, "use 0 for no classifier, else the number of classes");
        }
        if (labels != null && numClasses > 0 && labels.size() != numClasses) {
            throw new GraftException(where + " lists " + labels.size() + " label_names for num_classes=" + numClasses,
                    "give one label name per class, or drop label_names");
        }
        if (labels != null && numClasses == 0) {
            labels = null;  // a headless model has no classes to name
        }

        List<Integer> inputSize = f.ints(pc, "input_size", 3);
        if (inputSize == null && flat) {
            inputSize = transformersInput(root, f, defaults);
        }
        JsonNode modelArgs = root.get("model_args");
        if (modelArgs != null && modelArgs.isObject()) {
            // timm's create_model applies these over the pretrained cfg's input size; so does Graft.
            Integer inChans = f.integer(modelArgs, "in_chans");
            List<Integer> imgSize = f.size(modelArgs, "img_size");
            List<Integer> size = inputSize != null ? inputSize : defaults.inputSize();
            if (size != null && (inChans != null || imgSize != null)) {
                inputSize = List.of(inChans != null ? inChans : size.get(0), imgSize != null ? imgSize.get(0) : size.get(1),
                        imgSize != null ? imgSize.get(1) : size.get(2));
            }
        }
        if (inputSize != null && inputSize.stream().anyMatch(v -> v < 1)) {
            throw new GraftException(where + " has input_size " + inputSize, "give [channels, height, width], each at least 1");
        }
        List<Double> mean = f.doubles(pc, "mean");
        List<Double> std = f.doubles(pc, "std");
        int chans = inputSize != null ? inputSize.get(0) : defaults.inputSize() != null ? defaults.inputSize().get(0) : 0;
        for (Map.Entry<String, List<Double>> e : Map.of("mean", mean == null ? List.<Double>of() : mean,
                "std", std == null ? List.<Double>of() : std).entrySet()) {
            if (!e.getValue().isEmpty() && e.getValue().size() != chans) {
                throw new GraftException(where + " has " + e.getValue().size() + " " + e.getKey() + " values for " + chans + " input channels",
                        "give one mean and one std per channel of input_size");
            }
        }
        if (std != null && std.stream().anyMatch(v -> !(v > 0))) {
            throw new GraftException(where + " has std " + std, "every std must be > 0");
        }
        Double cropPct = f.number(pc, "crop_pct");
        if (cropPct != null && !(cropPct > 0)) {
            throw new GraftException(where + " has crop_pct " + cropPct, "give the centre-crop fraction, e.g. 0.875 (1.0 = no crop)");
        }

        JsonNode graft = root.get(GRAFT);
        JsonNode own = graft != null && graft.isObject() ? graft : flat ? root : null;
        String source = own == null ? null : f.text(own, "source");
        Map<String, Object> provenance = own == null ? null : f.object(own, "provenance");

        Map<String, Object> others = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = pc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (!READ.contains(k) && !SOURCE_FIELDS.contains(k) && !(flat && TOP_LEVEL.contains(k)) && !e.getValue().isNull()) {
                others.put(k, Json.MAPPER.convertValue(e.getValue(), Object.class));
            }
        }
        if (!flat && root.has("label_descriptions")) {
            others.put("label_descriptions", Json.MAPPER.convertValue(root.get("label_descriptions"), Object.class));
        }
        PretrainedCfg cfg = new PretrainedCfg(a.name(), f.text(pc, "tag"), numClasses, numFeatures == null ? 0 : numFeatures, labels,
                inputSize, f.text(pc, "interpolation"), cropPct == null ? 0 : cropPct, mean, std, f.text(pc, "first_conv"),
                f.text(pc, "classifier"), f.text(pc, "license"), source, provenance, f.text(pc, "crop_mode"),
                f.text(root, "global_pool"), others);
        return cfg.withDefaultsFrom(defaults);
    }

    private static Zoo.Architecture architecture(String arch, String where) {
        try {
            Zoo.Architecture a = Zoo.architecture(arch);
            if (a.name().equals(arch)) {
                return a;
            }
        } catch (ZooException e) {
            if (!e.suggestions().isEmpty()) {
                throw new GraftException(where + " names architecture '" + arch + "', which Graft does not build",
                        "did you mean " + String.join(", ", e.suggestions()) + "? Zoo.list() lists the architectures");
            }
        }
        throw new GraftException(where + " names architecture '" + arch + "', which Graft does not build",
                "Zoo.list() lists the architectures; a ModelFamily on the class path adds more");
    }

    private static boolean hasTransformersInput(JsonNode root) {
        return root.has("image_size") || root.has("num_channels");
    }

    /** transformers' {@code num_channels} and {@code image_size} (an int or [h, w]) as an input size, or null. */
    private static List<Integer> transformersInput(JsonNode root, Fields f, PretrainedCfg defaults) {
        Integer chans = f.integer(root, "num_channels");
        List<Integer> size = f.size(root, "image_size");
        if ((chans == null && size == null) || defaults.inputSize() == null) {
            return null;
        }
        List<Integer> d = defaults.inputSize();
        return List.of(chans != null ? chans : d.get(0), size != null ? size.get(0) : d.get(1), size != null ? size.get(1) : d.get(2));
    }

    /** The architecture's default pretrained cfg as one line of JSON, for fixes. */
    private static String example(PretrainedCfg defaults) {
        return write(defaults).get(PRETRAINED_CFG).toString();
    }

    /** Typed field access with messages that name the file, the field and what it should be. */
    private record Fields(String where) {
        /** The field parsed, or null when absent or JSON null; {@code parse} answers null for a value of the wrong form. */
        private <T> T get(JsonNode node, String key, String expected, Function<JsonNode, T> parse) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            T out = parse.apply(v);
            if (out == null) {
                throw wrong(key, v, expected);
            }
            return out;
        }

        String text(JsonNode node, String key) {
            return get(node, key, "a string", v -> v.isTextual() ? v.asText() : null);
        }

        Integer integer(JsonNode node, String key) {
            return get(node, key, "a whole number", v -> v.isIntegralNumber() && v.canConvertToInt() ? v.asInt() : null);
        }

        Double number(JsonNode node, String key) {
            return get(node, key, "a number", v -> v.isNumber() ? v.asDouble() : null);
        }

        List<Integer> ints(JsonNode node, String key, int n) {
            return get(node, key, "a list of " + n + " whole numbers, e.g. [3, 224, 224]", v -> intList(v, n));
        }

        /** An image size: one number (square) or [height, width]. */
        List<Integer> size(JsonNode node, String key) {
            return get(node, key, "a size in pixels, e.g. 224 or [224, 224]", v -> {
                List<Integer> hw = v.isIntegralNumber() ? List.of(v.asInt(), v.asInt()) : intList(v, 2);
                return hw != null && hw.get(0) > 0 && hw.get(1) > 0 ? hw : null;
            });
        }

        List<Double> doubles(JsonNode node, String key) {
            return get(node, key, "a list of numbers, one per channel", v -> {
                List<Double> out = new ArrayList<>();
                v.forEach(e -> out.add(e.isNumber() ? e.asDouble() : null));
                return v.isArray() && !out.isEmpty() && !out.contains(null) ? out : null;
            });
        }

        /** Class names: a list in output order, or an object from index ("0", "1", ...) to name (timm with gaps, transformers' id2label). */
        List<String> labels(JsonNode node, String key) {
            return get(node, key, "a list of class names in output order", v -> {
                if (v.isArray()) {
                    List<String> out = new ArrayList<>();
                    v.forEach(e -> out.add(e.isTextual() ? e.asText() : e.toString()));
                    return out;
                }
                String[] byIndex = new String[v.isObject() ? v.size() : 0];
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    int i = e.getKey().matches("\\d{1,9}") ? Integer.parseInt(e.getKey()) : -1;
                    if (i < 0 || i >= byIndex.length || byIndex[i] != null) {
                        return null;
                    }
                    byIndex[i] = e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString();
                }
                return v.isObject() ? List.of(byIndex) : null;
            });
        }

        Map<String, Object> object(JsonNode node, String key) {
            return get(node, key, "an object", v -> v.isObject() ? Json.MAPPER.convertValue(v, new TypeReference<Map<String, Object>>() {}) : null);
        }

        /** {@code n} whole numbers, or null. */
        private static List<Integer> intList(JsonNode v, int n) {
            List<Integer> out = new ArrayList<>();
            v.forEach(e -> out.add(e.isIntegralNumber() && e.canConvertToInt() ? e.asInt() : null));
            return v.isArray() && out.size() == n && !out.contains(null) ? out : null;
        }

        private GraftException wrong(String key, JsonNode v, String expected) {
            String shown = v.toString();
            return new GraftException(where + ": '" + key + "' is " + (shown.length() > 60 ? shown.substring(0, 60) + "..." : shown),
                    "make it " + expected);
        }
    }
}
