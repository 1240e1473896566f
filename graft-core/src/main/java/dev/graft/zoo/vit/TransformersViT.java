package dev.graft.zoo.vit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ViT in the transformers layout as zoo architectures: {@code hf_vit_base_patch16_224}
 * ({@code google/vit-base-patch16-224}'s shape) and, for any other {@code config.json} with
 * {@code model_type: vit}, an architecture {@code hf_vit_l<layers>_h<hidden>_p<patch>_<size>[_<hash>]}
 * registered when the config is read. The image preparation comes from {@code preprocessor_config.json}
 * when the folder has one (transformers' {@code ViTImageProcessor}: {@code image_mean}, {@code image_std},
 * {@code resample}), else from ViTImageProcessor's defaults (bilinear, no crop, mean and std 0.5).
 *
 * <pre>{@code
 * GraftModel vit = Zoo.create("local-dir:vit-base-patch16-224");   // transformers' files
 * }</pre>
 */
public final class TransformersViT {
    /** The family name shown by {@code graft models info}. */
    public static final String FAMILY = "vit";
    /** transformers' ViT-Base/16 at 224, as {@code google/vit-base-patch16-224}. */
    public static final String BASE_PATCH16_224 = "hf_vit_base_patch16_224";
    /** The image-processor file transformers writes next to config.json. */
    public static final String PREPROCESSOR_FILE = "preprocessor_config.json";

    private static final Map<String, ViTConfig> CONFIGS = new LinkedHashMap<>();
    /** PIL's resampling codes by interpolation name, as transformers writes them. */
    public static final Map<String, Integer> PIL = Map.of("nearest", 0, "bilinear", 2, "bicubic", 3);

    private TransformersViT() {}

    /** Registers the named architecture and the reader of {@code model_type: vit} configs (called by the family). */
    static void register() {
        register(BASE_PATCH16_224, ViTConfig.base(List.of()));
        Zoo.registerConfigReader("vit", TransformersViT::read);
    }

    private static void register(String name, ViTConfig config) {
        ViTConfig shape = config.shape();
        synchronized (Zoo.class) {
            CONFIGS.put(name, shape);
            Zoo.register(name, FAMILY, defaultCfg(name, shape), (cfg, args) -> new ViTForImageClassification(cfg, args, shape));
        }
    }

    /** The architecture of a ViT shape: a registered one if any has it, else one registered now. */
    public static String architectureFor(ViTConfig config) {
        ViTConfig shape = config.shape();
        synchronized (Zoo.class) {
            for (Map.Entry<String, ViTConfig> e : CONFIGS.entrySet()) {
                if (e.getValue().equals(shape)) {
                    return e.getKey();
                }
            }
            String name = String.format("hf_vit_l%d_h%d_p%d_%d", shape.numHiddenLayers(), shape.hiddenSize(), shape.patchSize(), shape.imageSize());
            if (CONFIGS.containsKey(name) || !shape.equals(withBaseRest(shape))) {
                name += String.format("_%08x", shape.hashCode() & 0xffffffffL);
            }
            register(name, shape);
            return name;
        }
    }

    /** {@code shape} with the fields a name leaves out set to ViT-Base's (heads, MLP width, eps, bias). */
    private static ViTConfig withBaseRest(ViTConfig s) {
        return new ViTConfig(s.architectures(), s.modelType(), s.hiddenSize(), s.numHiddenLayers(), s.hiddenSize() / 64, 4 * s.hiddenSize(),
                "gelu", 1e-12, s.imageSize(), s.patchSize(), s.numChannels(), true, 0, 0, 0.02, null).shape();
    }

    /** A transformers ViT config.json (and its preprocessor_config.json) as a zoo configuration. */
    static PretrainedCfg read(Path file) {
        ViTConfig config = ViTConfig.read(file);
        PretrainedCfg cfg = defaultCfg(architectureFor(config), config);
        Path pre = file.resolveSibling(PREPROCESSOR_FILE);
        if (Files.isRegularFile(pre)) {
            cfg = withPreprocessor(cfg, pre);
        }
        List<String> labels = config.labels();
        return labels.isEmpty() ? cfg.withNumClasses(0, null) : cfg.withNumClasses(labels.size(), labels);
    }

    private static PretrainedCfg defaultCfg(String name, ViTConfig c) {
        return new PretrainedCfg(name, null, 1000, c.hiddenSize(), null, List.of(c.numChannels(), c.imageSize(), c.imageSize()), "bilinear",
                1.0, List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5), "vit.embeddings.patch_embeddings.projection", "classifier", null, null, null)
                .withGlobalPool("token");
    }

    /**
     * {@code cfg} with the mean, std and resampling of transformers' {@code preprocessor_config.json}
     * ({@code image_mean}, {@code image_std}, {@code resample} as PIL's code); what the file leaves out stays.
     */
    public static PretrainedCfg withPreprocessor(PretrainedCfg cfg, Path file) {
        JsonNode p;
        try {
            p = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "check that it is transformers' preprocessor_config.json", e);
        }
        List<Double> mean = triple(p.get("image_mean"), cfg.mean(), file);
        List<Double> std = triple(p.get("image_std"), cfg.std(), file);
        String interpolation = cfg.interpolation();
        JsonNode resample = p.get("resample");
        if (resample != null && resample.isInt()) {
            interpolation = PIL.entrySet().stream().filter(e -> e.getValue() == resample.asInt()).map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new GraftException(file + " asks for resample " + resample.asInt(),
                            "use 0 (nearest), 2 (bilinear) or 3 (bicubic)"));
        }
        return new PretrainedCfg(cfg.architecture(), cfg.tag(), cfg.numClasses(), cfg.numFeatures(), cfg.labelNames(), cfg.inputSize(),
                interpolation, cfg.cropPct(), mean, std, cfg.firstConv(), cfg.classifier(), cfg.license(), cfg.source(), cfg.provenance(),
                cfg.cropMode(), cfg.globalPool(), cfg.otherFields());
    }

    private static List<Double> triple(JsonNode node, List<Double> fallback, Path file) {
        if (node == null) {
            return fallback;
        }
        if (!node.isArray() || node.size() != 3) {
            throw new GraftException(file + ": image_mean and image_std must be lists of 3 numbers", "fix " + PREPROCESSOR_FILE);
        }
        List<Double> out = new ArrayList<>();
        node.forEach(v -> out.add(v.asDouble()));
        return out;
    }

    /** Writes transformers' config.json and preprocessor_config.json for {@code model} with {@code cfg}'s classes and image preparation. */
    static void write(ViTForImageClassification model, PretrainedCfg cfg, Path dir) {
        ViTConfig c = model.config();
        int size = cfg.inputSize() != null ? cfg.inputSize().get(1) : c.imageSize();
        List<String> labels = dev.graft.zoo.Id2Label.namesFor(cfg);
        ViTConfig out = new ViTConfig(null, c.modelType(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.intermediateSize(),
                c.hiddenAct(), c.layerNormEps(), size, c.patchSize(), c.numChannels(), c.qkvBias(), c.hiddenDropoutProb(),
                c.attentionProbsDropoutProb(), c.initializerRange(), null).withLabels(labels);
        ObjectNode json = out.toJson();  // an empty id2label for no head: else transformers assumes 2 classes
        PretrainedCfg.writeJson(json, dir.resolve(ResolvedWeights.CONFIG_FILE));
        writePreprocessor(cfg, size, dir);
    }

    /** Writes {@code ViTImageProcessor}'s preprocessor_config.json: resize to {@code size} x {@code size}, {@code cfg}'s resampling, mean and std. */
    public static void writePreprocessor(PretrainedCfg cfg, int size, Path dir) {
        ObjectNode pre = Json.MAPPER.createObjectNode();
        pre.put("image_processor_type", "ViTImageProcessor");
        pre.put("do_resize", true);
        pre.putObject("size").put("height", size).put("width", size);
        pre.put("resample", PIL.getOrDefault(cfg.interpolation(), 2));
        pre.put("do_rescale", true);
        pre.put("rescale_factor", 1.0 / 255);
        pre.put("do_normalize", true);
        pre.set("image_mean", Json.MAPPER.valueToTree(cfg.mean()));
        pre.set("image_std", Json.MAPPER.valueToTree(cfg.std()));
        PretrainedCfg.writeJson(pre, dir.resolve(PREPROCESSOR_FILE));
    }
}
