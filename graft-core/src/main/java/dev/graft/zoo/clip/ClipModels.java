package dev.graft.zoo.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.zoo.ModelFamily;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.ShippedWeights;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.MiniLm;
import dev.graft.zoo.vit.TransformersViT;
import dev.graft.zoo.vit.ViTConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code clip} family: transformers' {@code CLIPModel} ({@link ClipModel}). Named architectures
 * with the shapes of OpenAI's checkpoints ({@code clip_vit_base_patch32}, {@code clip_vit_base_patch16},
 * {@code clip_vit_large_patch14}, as {@code openai/clip-vit-*} on the Hugging Face Hub; no weights are
 * registered), and a reader of {@code model_type: clip} configs: a folder's config.json becomes the
 * registered architecture of the same shape, or {@code clip_l<vision layers>_h<vision width>_p<patch>_<size>_<hash>}
 * registered on the fly. The image preparation is CLIP's (bicubic, shortest side to the input size,
 * centre crop, OpenAI's mean and std), or what the folder's {@code preprocessor_config.json} says.
 *
 * <pre>{@code
 * GraftModel clip = Zoo.create("local-dir:clip-vit-base-patch32");   // transformers' files
 * GraftModel random = Zoo.create(ClipModels.VIT_BASE_PATCH32);        // the shape alone
 * }</pre>
 */
public final class ClipModels implements ModelFamily {
    /** The family name shown by {@code graft models info}. */
    public static final String FAMILY = "clip";
    /** {@code openai/clip-vit-base-patch32}'s shape. */
    public static final String VIT_BASE_PATCH32 = "clip_vit_base_patch32";
    /** {@code openai/clip-vit-base-patch16}'s shape. */
    public static final String VIT_BASE_PATCH16 = "clip_vit_base_patch16";
    /** {@code openai/clip-vit-large-patch14}'s shape. */
    public static final String VIT_LARGE_PATCH14 = "clip_vit_large_patch14";
    /** OpenAI's CLIP normalisation (transformers' {@code OPENAI_CLIP_MEAN} / {@code OPENAI_CLIP_STD}). */
    public static final List<Double> MEAN = List.of(0.48145466, 0.4578275, 0.40821073);
    public static final List<Double> STD = List.of(0.26862954, 0.26130258, 0.27577711);

    /** The family of transformers' {@code VisionTextDualEncoderModel} ({@link VisionTextDualEncoder}). */
    public static final String DUAL_ENCODER_FAMILY = "vision-text-dual-encoder";
    /** The families whose models are {@link ImageTextModel}s. */
    public static final java.util.Set<String> IMAGE_TEXT_FAMILIES = java.util.Set.of(FAMILY, DUAL_ENCODER_FAMILY);

    /**
     * Graft's own CLIP-style model ({@code graft clip-train}, LiT): a ViT image tower of {@link #VIT_64}'s
     * shape and all-MiniLM-L6-v2 as the locked, referenced text tower, projected to 256 dimensions.
     */
    public static final String LIT_VIT64_MINILM = "clip_lit_vit64_minilm";
    /** The image tower of {@link #LIT_VIT64_MINILM}: a ViT of 4 layers, 128 wide, 4 heads, patches of 8 at 64 x 64 (65 tokens). */
    public static final ViTConfig VIT_64 = new ViTConfig(null, null, 128, 4, 4, 512, "gelu", 1e-12, 64, 8, 3, true, 0, 0, 0.02, null).shape();
    /** The projection width of {@link #LIT_VIT64_MINILM}. */
    public static final int LIT_PROJECTION_DIM = 256;
    /** The tag of the weights Graft trained and ships: LiT on the seen emoji of emoji-google. */
    public static final String LIT_EMOJI_TAG = "graft_emoji_google";
    /**
     * The sha256 of every shipped file of {@code clip_lit_vit64_minilm.graft_emoji_google}, as
     * {@code bench/shipped-clip.sh} prints them; a remade file needs its new sum here.
     */
    static final Map<String, String> LIT_SHIPPED = shipped(
            "3134e297d5d87dd07380947964028220b763b8934c86619fbbfef5e6347226df",
            "8435506764b06cda93d580d2f50636477e99bb9760dff3f0ea5a317fd56a48bc",
            "9c0b7c6ded3981140f6e0aa37073784725e11b46295b83afe22660fc6f74bc94",
            "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0",
            "da5d1e02f8c31ff3c8556d3d3980e6fca9ef34e95f4e6262137e518a55e7f856");

    private static Map<String, String> shipped(String model, String config, String card, String tokenizer, String preprocessor) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ResolvedWeights.WEIGHTS_FILE, model);
        m.put(ResolvedWeights.CONFIG_FILE, config);
        m.put("README.md", card);
        m.put("tokenizer.json", tokenizer);
        m.put(TransformersViT.PREPROCESSOR_FILE, preprocessor);
        return m;
    }

    /** ViTImageProcessor's default mean and std, and the dual encoder's first convolution. */
    private static final List<Double> VIT_MEAN_STD = List.of(0.5, 0.5, 0.5);
    private static final String VIT_FIRST_CONV = "vision_model.embeddings.patch_embeddings.projection";

    private static final Map<String, ClipConfig> CONFIGS = new LinkedHashMap<>();
    private static final Map<String, DualEncoderConfig> DUAL_CONFIGS = new LinkedHashMap<>();

    /** Created by the zoo through {@link java.util.ServiceLoader}. */
    public ClipModels() {}

    @Override
    public void register() {
        register(VIT_BASE_PATCH32, openai(512, 8, 2048, 768, 12, 12, 3072, 32, 512));
        register(VIT_BASE_PATCH16, openai(512, 8, 2048, 768, 12, 12, 3072, 16, 512));
        register(VIT_LARGE_PATCH14, openai(768, 12, 3072, 1024, 24, 16, 4096, 14, 768));
        registerDual(LIT_VIT64_MINILM, dualEncoder(VIT_64, MiniLm.CONFIG.withArchitecture("BertModel", true), LIT_PROJECTION_DIM, MiniLm.ID));
        String shipped = LIT_VIT64_MINILM + "." + LIT_EMOJI_TAG;
        Zoo.registerPretrained(Map.of(shipped, new PretrainedCfg(LIT_VIT64_MINILM, LIT_EMOJI_TAG, 0, LIT_PROJECTION_DIM, null, List.of(3, 64, 64),
                "bilinear", 1.0, VIT_MEAN_STD, VIT_MEAN_STD, VIT_FIRST_CONV, "classifier", "apache-2.0",
                "trained by Graft on emoji-google",
                Map.of("dataset", "emoji-google", "notes", "weights trained by Graft on the seen emoji of Noto Emoji (Apache-2.0); the text tower is "
                        + MiniLm.ID + " (Apache-2.0), referenced, not copied",
                        "recipe", "bench/shipped-clip.sh (graft --seed 42 clip-train --mode lit --data emoji-google --epochs 10 --lr 2e-3 --fp16)"))));
        Zoo.registerShippedWeights(new ShippedWeights(shipped, LIT_SHIPPED));
        Zoo.registerConfigReader(ClipConfig.MODEL_TYPE, ClipModels::read);
        Zoo.registerConfigReader(DualEncoderConfig.MODEL_TYPE, ClipModels::readDualEncoder);
    }

    /**
     * The architecture of a dual encoder's towers: one registered with the same config, else
     * {@code vtde_vit_l<layers>_h<width>_<text type>_l<layers>_h<width>_<hash>} registered now.
     */
    public static String architectureFor(DualEncoderConfig config) {
        synchronized (Zoo.class) {
            for (Map.Entry<String, DualEncoderConfig> e : DUAL_CONFIGS.entrySet()) {
                if (e.getValue().equals(config)) {
                    return e.getKey();
                }
            }
            String name = String.format("vtde_vit_l%d_h%d_%s_l%d_h%d_%08x", config.visionConfig().numHiddenLayers(),
                    config.visionConfig().hiddenSize(), config.textConfig().modelType(), config.textConfig().numHiddenLayers(),
                    config.textConfig().hiddenSize(), config.hashCode() & 0xffffffffL);
            registerDual(name, config);
            return name;
        }
    }

    /**
     * A dual encoder's config as it reads back from its config.json (so a trained model's folder finds
     * the architecture it was built as): {@code vision} and {@code text} (with its pooler) towers,
     * {@code lockedTextModel} the referenced text tower or null.
     */
    public static DualEncoderConfig dualEncoder(ViTConfig vision, BertConfig text, int projectionDim, String lockedTextModel) {
        return DualEncoderConfig.fromJson(new DualEncoderConfig(vision, text, projectionDim, ClipConfig.LOGIT_SCALE_INIT, lockedTextModel).toJson(),
                "the dual encoder of " + (lockedTextModel == null ? "a text tower" : lockedTextModel));
    }

    private static void registerDual(String name, DualEncoderConfig config) {
        synchronized (Zoo.class) {
            DUAL_CONFIGS.put(name, config);
            int size = config.visionConfig().imageSize();
            // ViTImageProcessor's defaults (the vision tower's), until a preprocessor_config.json says otherwise.
            PretrainedCfg cfg = new PretrainedCfg(name, null, 0, config.projectionDim(), null, List.of(config.visionConfig().numChannels(), size, size),
                    "bilinear", 1.0, VIT_MEAN_STD, VIT_MEAN_STD, VIT_FIRST_CONV,
                    "classifier", null, null, null).withGlobalPool("token");
            Zoo.register(name, DUAL_ENCODER_FAMILY, cfg, (c, args) -> new VisionTextDualEncoder(c, args, config));
        }
    }

    /** A transformers dual-encoder config.json (and its preprocessor_config.json) as a zoo configuration. */
    static PretrainedCfg readDualEncoder(Path file) {
        String arch = architectureFor(DualEncoderConfig.read(file));
        PretrainedCfg cfg = Zoo.architecture(arch).defaultCfg();
        Path pre = file.resolveSibling(TransformersViT.PREPROCESSOR_FILE);
        return Files.isRegularFile(pre) ? TransformersViT.withPreprocessor(cfg, pre) : cfg;
    }

    /** Writes transformers' config.json and ViTImageProcessor's preprocessor_config.json for a dual encoder. */
    static void write(VisionTextDualEncoder model, PretrainedCfg cfg, Path dir) {
        PretrainedCfg.writeJson(model.config().toJson(), dir.resolve(ResolvedWeights.CONFIG_FILE));
        TransformersViT.writePreprocessor(cfg, cfg.inputSize() != null ? cfg.inputSize().get(1) : model.config().visionConfig().imageSize(), dir);
    }

    /** An OpenAI checkpoint's config as its config.json has it: 12 text layers, 77 positions, the legacy eos_token_id 2. */
    private static ClipConfig openai(int textWidth, int textHeads, int textMlp, int visionWidth, int visionLayers, int visionHeads,
            int visionMlp, int patch, int projection) {
        ClipTextConfig text = new ClipTextConfig(null, 49408, textWidth, textMlp, projection, 12, textHeads, 77, "quick_gelu", 1e-5, 1, 0,
                ClipTextConfig.LEGACY_EOS);
        ClipVisionConfig vision = new ClipVisionConfig(null, visionWidth, visionMlp, projection, visionLayers, visionHeads, 3, 224, patch,
                "quick_gelu", 1e-5);
        return ClipConfig.of(text, vision, projection);
    }

    private static void register(String name, ClipConfig config) {
        synchronized (Zoo.class) {
            CONFIGS.put(name, config);
            Zoo.register(name, FAMILY, defaultCfg(name, config), (cfg, args) -> new ClipModel(cfg, args, config));
        }
    }

    /** The architecture of a CLIP config: a registered one of the same shape, else one registered now. */
    public static String architectureFor(ClipConfig config) {
        synchronized (Zoo.class) {
            for (Map.Entry<String, ClipConfig> e : CONFIGS.entrySet()) {
                if (e.getValue().equals(config)) {
                    return e.getKey();
                }
            }
            ClipVisionConfig v = config.visionConfig();
            String name = String.format("clip_l%d_h%d_p%d_%d_%08x", v.numHiddenLayers(), v.hiddenSize(), v.patchSize(), v.imageSize(),
                    config.hashCode() & 0xffffffffL);
            register(name, config);
            return name;
        }
    }

    /** The CLIP config of a registered architecture, or null. */
    public static ClipConfig config(String architecture) {
        synchronized (Zoo.class) {
            return CONFIGS.get(architecture);
        }
    }

    private static PretrainedCfg defaultCfg(String name, ClipConfig c) {
        int size = c.visionConfig().imageSize();
        // CLIPImageProcessor: shortest side to 224 (bicubic), centre crop 224: timm's crop_pct 1.0, crop_mode center.
        return new PretrainedCfg(name, null, 0, c.projectionDim(), null, List.of(c.visionConfig().numChannels(), size, size), "bicubic", 1.0,
                MEAN, STD, "vision_model.embeddings.patch_embedding", "classifier", null, null, null).withGlobalPool("token");
    }

    /** A transformers CLIP config.json (and its preprocessor_config.json) as a zoo configuration. */
    static PretrainedCfg read(Path file) {
        ClipConfig config = ClipConfig.read(file);
        PretrainedCfg cfg = defaultCfg(architectureFor(config), config);
        Path pre = file.resolveSibling(TransformersViT.PREPROCESSOR_FILE);
        if (!Files.isRegularFile(pre)) {
            return cfg;
        }
        cfg = TransformersViT.withPreprocessor(cfg, pre);
        try {
            JsonNode p = Json.MAPPER.readTree(pre.toFile());
            int shortest = p.path("size").path("shortest_edge").asInt(0);
            int crop = p.path("crop_size").path("height").asInt(0);
            if (shortest > 0 && crop > 0 && p.path("do_center_crop").asBoolean(true)) {
                // transformers resizes the shortest side to `shortest`, then crops `crop`: timm's crop_pct = crop / shortest.
                cfg = new PretrainedCfg(cfg.architecture(), cfg.tag(), cfg.numClasses(), cfg.numFeatures(), cfg.labelNames(), cfg.inputSize(),
                        cfg.interpolation(), (double) crop / shortest, cfg.mean(), cfg.std(), cfg.firstConv(), cfg.classifier(), cfg.license(),
                        cfg.source(), cfg.provenance(), "center", cfg.globalPool(), cfg.otherFields());
            }
        } catch (IOException e) {
            throw new GraftException("cannot read " + pre + ": " + e.getMessage(), "check that it is transformers' preprocessor_config.json", e);
        }
        return cfg;
    }

    /** Writes transformers' config.json and CLIPImageProcessor's preprocessor_config.json for {@code model} with {@code cfg}'s image preparation. */
    static void write(ClipModel model, PretrainedCfg cfg, Path dir) {
        PretrainedCfg.writeJson(model.config().toJson(), dir.resolve(ResolvedWeights.CONFIG_FILE));
        int size = cfg.inputSize() != null ? cfg.inputSize().get(1) : model.config().visionConfig().imageSize();
        int shortest = (int) Math.round(size / (cfg.cropPct() > 0 ? cfg.cropPct() : 1.0));
        ObjectNode pre = Json.MAPPER.createObjectNode();
        pre.put("image_processor_type", "CLIPImageProcessor");
        pre.put("do_resize", true);
        pre.putObject("size").put("shortest_edge", shortest);
        pre.put("resample", TransformersViT.PIL.getOrDefault(cfg.interpolation(), 3));
        pre.put("do_center_crop", true);
        pre.putObject("crop_size").put("height", size).put("width", size);
        pre.put("do_rescale", true);
        pre.put("rescale_factor", 1.0 / 255);
        pre.put("do_normalize", true);
        pre.set("image_mean", Json.MAPPER.valueToTree(cfg.mean()));
        pre.set("image_std", Json.MAPPER.valueToTree(cfg.std()));
        pre.put("do_convert_rgb", true);
        PretrainedCfg.writeJson(pre, dir.resolve(TransformersViT.PREPROCESSOR_FILE));
    }
}
