package dev.graft.zoo.gpt2;

import dev.graft.zoo.ModelFamily;
import dev.graft.zoo.PretrainedCfg;
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
        Zoo.registerConfigReader(Gpt2Config.MODEL_TYPE, Gpt2Models::read);
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
