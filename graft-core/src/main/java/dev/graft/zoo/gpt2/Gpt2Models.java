package dev.graft.zoo.gpt2;

import dev.graft.zoo.ModelFamily;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.ShippedWeights;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code gpt2} family in the zoo: OpenAI's GPT-2 shapes under the Hugging Face names ({@code -} written {@code _}, as zoo names are)
 * ({@code gpt2} 124M, {@code gpt2_medium} 355M, {@code gpt2_large} 774M, {@code distilgpt2} 82M),
 * plus {@code gpt2_tiny}, a test-sized network (2 blocks, 64 wide, 128 positions) with GPT-2's
 * vocabulary. Architectures only: no weights are registered, so a checkpoint loads through a source.
 * A transformers {@code config.json} with {@code model_type: gpt2} ({@code local-dir:}, {@code hf-hub:})
 * is read as the registered architecture of the same shape, or as a new one
 * {@code gpt2_l<layers>_h<width>_<hash>} registered on the fly; {@code GPT2Model} configs give the bare network,
 * {@code GPT2ForSequenceClassification} ones (classes from {@code id2label}) the same network with a {@code score} head.
 *
 * <pre>{@code
 * GraftModel random = Zoo.create("gpt2_tiny");
 * GraftModel own = Zoo.create("local-dir:runs/gpt2");   // transformers' config.json + model.safetensors
 * }</pre>
 */
public final class Gpt2Models implements ModelFamily {
    /** The family name shown by {@code graft models info}. */
    public static final String FAMILY = "gpt2";
    /** The test-sized architecture: GPT-2's vocabulary, 2 blocks of 4 heads, 64 wide, 128 positions. */
    public static final String TINY = "gpt2_tiny";

    /**
     * Graft's own small GPT: 4 blocks of 4 heads, 128 wide, 128 positions, GPT-2's vocabulary, no
     * dropout (it is trained for few steps); its tag {@link #GRAFT_SMALL_TAG} ships inside Graft.
     */
    public static final String GRAFT_SMALL = "gpt2_graft_small";
    /** The tag of {@link #GRAFT_SMALL}'s weights, pretrained by Graft on {@code wordnet-glosses}. */
    public static final String GRAFT_SMALL_TAG = "graft_wordnet_glosses";
    /** How many characters of {@code wordnet-glosses} the shipped weights were pretrained on (the text's first lines). */
    public static final long GRAFT_SMALL_CHARS = 500_000;

    /**
     * The sha256 of every shipped file of {@code gpt2_graft_small.graft_wordnet_glosses}, as
     * {@code bench/shipped-gpt2.sh} prints them; a remade file needs its new sum here.
     */
    static final Map<String, String> GRAFT_SMALL_SHIPPED = shipped(
            "a87a04b25d2a7983289a706241fcc36bbbfa9d2c1055d7d7039c38ff9ae7afbf",
            "749a620f9e57301c7471efd0747c04bd7618feb9ba554a119f11c0a73f553da6",
            "1541091829c48dd748f22f4e77bbfbace66f226af9cd9a1f81ff6bf1e9fb0ec8");

    private static final Map<String, Gpt2Config> CONFIGS = new LinkedHashMap<>();

    /** Created by the zoo through {@link java.util.ServiceLoader}. */
    public Gpt2Models() {}

    /** Registers the family's architectures and the reader of {@code model_type: gpt2} configs (called by the zoo once). */
    @Override
    public void register() {
        register("gpt2", Gpt2Config.of(12, 12, 768, 1024, 50257));
        register("gpt2_medium", Gpt2Config.of(24, 16, 1024, 1024, 50257));
        register("gpt2_large", Gpt2Config.of(36, 20, 1280, 1024, 50257));
        register("distilgpt2", Gpt2Config.of(6, 12, 768, 1024, 50257));
        register(TINY, Gpt2Config.of(2, 4, 64, 128, 50257));
        Gpt2Config of = Gpt2Config.of(4, 4, 128, 128, 50257);
        Gpt2Config small = new Gpt2Config(of.architectures(), of.modelType(), of.vocabSize(), of.nPositions(), of.nEmbd(), of.nLayer(),
                of.nHead(), null, of.activationFunction(), 0.0, 0.0, 0.0, of.layerNormEpsilon(), of.initializerRange(), true,
                of.bosTokenId(), of.eosTokenId(), true, null, null);
        register(GRAFT_SMALL, small);
        Zoo.registerConfigReader(Gpt2Config.MODEL_TYPE, Gpt2Models::read);
        String name = GRAFT_SMALL + "." + GRAFT_SMALL_TAG;
        PretrainedCfg base = defaultCfg(GRAFT_SMALL, small);
        String data = Zoo.pretrainData(name);
        Zoo.registerPretrained(Map.of(name, new PretrainedCfg(GRAFT_SMALL, GRAFT_SMALL_TAG, 0, base.numFeatures(), null, null, null, 0,
                null, null, null, base.classifier(), "apache-2.0", "trained by Graft on " + data,
                Map.of("dataset", data, "notes", "weights trained by Graft, apache-2.0; the text is WordNet 3.1's glosses (WordNet licence, "
                        + "Princeton University), wordnet-topics' test definitions left out",
                        "recipe", "graft --seed 42 lm-pretrain --model " + GRAFT_SMALL + " --data " + data + " --max-chars " + GRAFT_SMALL_CHARS))));
        Zoo.registerShippedWeights(new ShippedWeights(name, GRAFT_SMALL_SHIPPED));
    }

    private static Map<String, String> shipped(String model, String config, String card) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ResolvedWeights.WEIGHTS_FILE, model);
        m.put(ResolvedWeights.CONFIG_FILE, config);
        m.put(dev.graft.text.LmPretrainer.CARD, card);
        return m;
    }

    private static void register(String name, Gpt2Config config) {
        Gpt2Config shape = config.shape();
        synchronized (Zoo.class) {
            CONFIGS.put(name, shape);
            Zoo.register(name, FAMILY, defaultCfg(name, shape), (cfg, args) -> new Gpt2Model(cfg, args, shape));
        }
    }

    /** The GPT-2 config of a registered architecture, or null. */
    public static Gpt2Config config(String architecture) {
        synchronized (Zoo.class) {
            return CONFIGS.get(architecture);
        }
    }

    /** The architecture of a GPT-2 config: a registered one of the same shape, else one registered now. */
    public static String architectureFor(Gpt2Config config) {
        Gpt2Config shape = config.shape();
        synchronized (Zoo.class) {
            for (Map.Entry<String, Gpt2Config> e : CONFIGS.entrySet()) {
                if (e.getValue().equals(shape)) {
                    return e.getKey();
                }
            }
            String name = String.format("gpt2_l%d_h%d_%08x", shape.nLayer(), shape.nEmbd(), shape.hashCode() & 0xffffffffL);
            register(name, shape);
            return name;
        }
    }

    /** A transformers GPT-2 config.json as a zoo configuration ({@code GPT2ForSequenceClassification}: classes from {@code id2label}). */
    static PretrainedCfg read(Path file) {
        Gpt2Config config = Gpt2Config.read(file);
        PretrainedCfg cfg = defaultCfg(architectureFor(config), config);
        List<String> labels = config.labels();
        if (config.isSequenceClassification()) {
            if (labels.isEmpty()) {
                throw new dev.graft.GraftException(file + " is a GPT2ForSequenceClassification config without id2label",
                        "add id2label, e.g. {\"0\": \"LABEL_0\", \"1\": \"LABEL_1\"}, as transformers writes it");
            }
            return cfg.withNumClasses(labels.size(), labels);
        }
        return cfg;
    }

    private static PretrainedCfg defaultCfg(String name, Gpt2Config config) {
        // A text model: no image input size or normalisation; no classifier ("score" would be one).
        return new PretrainedCfg(name, null, 0, config.nEmbd(), null, null, null, 0, null, null, null, "score", null, null, null);
    }
}
