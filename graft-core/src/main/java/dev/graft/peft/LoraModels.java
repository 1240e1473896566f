package dev.graft.peft;

import dev.graft.GraftException;
import dev.graft.zoo.AdapterLoader;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Weights;
import dev.graft.zoo.WeightsSources;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.bert.MiniLm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Models from PEFT adapters (LoRA, IA3, prompt tuning): the base that {@code base_model_name_or_path} names with the adapter
 * merged in (prompt tuning: with its virtual tokens in front of every input) ({@link #create}, what {@code Zoo.create("local-dir:ADAPTER")} and {@code Zoo.create("hf-hub:owner/adapter")}
 * do through {@link Loader}), and the two folder
 * operations of {@code graft peft}: {@link #merge} (adapter to a plain model in the family's layout)
 * and {@link #unmerge} (merged model plus adapter back to the base).
 *
 * <pre>{@code
 * GraftModel m = LoraModels.create(Path.of("runs/x/adapter"), CreateOptions.defaults());   // base + adapter, merged
 * LoraModels.merge(Path.of("runs/x/adapter"), Path.of("merged"));
 * LoraModels.unmerge(Path.of("merged"), Path.of("runs/x/adapter"), Path.of("base-again"));
 * }</pre>
 */
public final class LoraModels {
    /** Files a text model's folder carries besides its weights and config, copied from the base. */
    private static final List<String> TEXT_FILES = List.of("tokenizer.json", "sentence_bert_config.json", "modules.json");

    private LoraModels() {}

    /**
     * The zoo's {@link AdapterLoader} for PEFT folders ({@code adapter_config.json}), registered with
     * {@link java.util.ServiceLoader}: a {@code local-dir:} or {@code hf-hub:} adapter is its base with the adapter merged in.
     */
    public static final class Loader implements AdapterLoader {
        @Override
        public String marker() {
            return PeftConfig.FILE;
        }

        @Override
        public dev.graft.zoo.PretrainedCfg baseCfg(Path dir) {
            return LoraModels.baseCfg(dir);
        }

        @Override
        public GraftModel create(Path dir, CreateOptions options) {
            return LoraModels.create(dir, options);
        }
    }

    /**
     * The adapter folder a model reference names, or null: a {@code local-dir:} or {@code hf-hub:} source whose
     * folder holds {@code adapter_config.json} (a hub repository is fetched into the cache), or such a plain folder.
     */
    public static Path adapterFolder(String ref) {
        if (WeightsSources.hasPrefix(ref)) {
            return WeightsSources.folderWith(ref, PeftConfig.FILE);
        }
        Path p = Path.of(ref);
        return Files.isDirectory(p) && isAdapter(p) ? p : null;
    }

    /**
     * The adapter's merged model as a folder in the base's layout ({@link #merge}), written once into
     * {@code GRAFT_HOME/cache/merged-adapters/<sha256 of the adapter's files>/}: what verbs that read a model
     * folder (the text verbs) load for an adapter.
     */
    public static Path mergedFolder(Path adapterDir) {
        String key;
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(Files.readAllBytes(adapterDir.resolve(PeftConfig.FILE)));
            md.update(dev.graft.data.builtin.Manifest.sha256(adapterDir.resolve(LoraAdapter.WEIGHTS_FILE)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            key = java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new GraftException("cannot read the adapter in " + adapterDir + ": " + e.getMessage(), "check the folder's files", e);
        }
        Path out = dev.graft.GraftHome.dir("cache", "merged-adapters").resolve(key);
        if (!Files.isRegularFile(out.resolve("model.safetensors"))) {
            merge(adapterDir, out);
        }
        return out;
    }

    /** Whether the adapter in {@code dir} is prompt tuning, which is applied to its base rather than merged. */
    public static boolean isPromptTuning(Path dir) {
        return PeftConfig.read(dir.resolve(PeftConfig.FILE)) instanceof PromptTuningConfig;
    }

    /** Whether {@code dir} holds a PEFT adapter ({@code adapter_config.json}). */
    public static boolean isAdapter(Path dir) {
        return Files.isRegularFile(dir.resolve(PeftConfig.FILE));
    }

    /**
     * The base model named by the adapter's {@code base_model_name_or_path}, pretrained, with the adapter
     * applied and merged: a plain model of the base's family, which every verb takes (a prompt-tuning adapter
     * is applied, not merged: the model carries its virtual tokens). The classifier's
     * class count comes from the adapter's saved classifier unless {@code options} give one.
     */
    public static GraftModel create(Path adapterDir, CreateOptions options) {
        try (LoraAdapter a = LoraAdapter.load(adapterDir)) {
            GraftModel base = base(a, options);
            a.apply(base);
            if (!(a.config() instanceof PromptTuningConfig)) {
                a.merge();   // a prompt-tuning adapter stays on the model: its virtual tokens live with the model's weights
            }
            return base;
        }
    }

    /** The configuration of the base an adapter names (nothing is built or loaded), as {@link Zoo#cfg} gives it. */
    public static dev.graft.zoo.PretrainedCfg baseCfg(Path adapterDir) {
        String name = PeftConfig.read(adapterDir.resolve(PeftConfig.FILE)).baseModel();
        if (name == null || name.isBlank()) {
            throw new GraftException("the adapter in " + adapterDir + " does not name its base model (base_model_name_or_path is null)",
                    "set base_model_name_or_path in adapter_config.json to a Graft model, a folder or a hub repository");
        }
        return Zoo.cfg(baseSource(name));
    }

    /** Writes the merged model of {@code adapterDir} into {@code out} in the base's own layout (no extra parameters). */
    public static GraftModel merge(Path adapterDir, Path out) {
        if (isPromptTuning(adapterDir)) {
            try (LoraAdapter a = LoraAdapter.load(adapterDir)) {
                a.merge();   // refuses, in one line: virtual tokens merge into no weights
            }
        }
        GraftModel m = create(adapterDir, CreateOptions.defaults());
        save(m, out);
        return m;
    }

    /**
     * Recovers the base from a merged model and its adapter: W - scale·B·A on every adapted layer,
     * written into {@code out}. Modules the adapter trained whole (the classifier) keep the merged
     * model's values: the base's are not in either folder. The merged model must have the adapter's
     * dimensions.
     */
    public static GraftModel unmerge(Path mergedDir, Path adapterDir, Path out) {
        if (isAdapter(mergedDir)) {
            throw new GraftException(mergedDir + " is an adapter, not a merged model", "give the merged model's folder first, then --adapter");
        }
        GraftModel m = Zoo.create(WeightsSources.LOCAL_DIR + mergedDir, CreateOptions.defaults());
        try (LoraAdapter a = LoraAdapter.load(adapterDir)) {
            a.apply(m).markMerged().unmerge();
            a.deactivate();
        }
        save(m, out);
        return m;
    }

    private static GraftModel base(LoraAdapter a, CreateOptions options) {
        String name = a.config().baseModel();
        if (name == null || name.isBlank()) {
            throw new GraftException("the adapter does not name its base model (base_model_name_or_path is null)",
                    "set base_model_name_or_path in adapter_config.json to a Graft model, a folder or a hub repository");
        }
        CreateOptions o = options.withPretrained(true);
        Integer classes = a.savedRows();
        if (options.numClasses() == null && classes != null) {
            o = o.withNumClasses(classes);
        }
        String source = baseSource(name);
        try {
            return Zoo.create(source, o);
        } catch (GraftException e) {
            throw new GraftException("the adapter's base model '" + name + "' cannot be loaded: " + e.getMessage(),
                    "make the base available (a Graft model name, a folder, or hf-hub:owner/name), or fix base_model_name_or_path", e);
        }
    }

    /** What Graft loads for a {@code base_model_name_or_path}: its zoo name, a folder, a source, or a hub repository. */
    static String baseSource(String name) {
        if (name.equals(MiniLm.ID)) {
            return "bert_minilm_l6_h384.sentence_transformers";   // the shipped MiniLM, by its zoo name
        }
        if (WeightsSources.hasPrefix(name)) {
            return name;
        }
        if (Files.isDirectory(Path.of(name))) {
            return WeightsSources.LOCAL_DIR + name;
        }
        if (!Zoo.pretrainedNames().contains(name) && name.contains("/")) {
            return WeightsSources.HF_HUB + name;
        }
        return name;
    }

    private static void save(GraftModel m, Path out) {
        Weights.save(m, out);
        Path from = m.weightsDir();
        if (from == null) {
            return;
        }
        try {
            for (String f : TEXT_FILES) {
                if (Files.isRegularFile(from.resolve(f))) {
                    Files.copy(from.resolve(f), out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new GraftException("cannot write into " + out + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }
}
