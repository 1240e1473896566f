package dev.graft.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * What every adapter config of Hugging Face PEFT that Graft applies has in common ({@code peft_type}
 * {@code LORA}: {@link LoraConfig}, {@code IA3}: {@link Ia3Config}, {@code PROMPT_TUNING}:
 * {@link PromptTuningConfig}, which adapts no layer): which linear layers it adapts
 * ({@code target_modules}), which modules it trains and stores whole ({@code modules_to_save}) and
 * the base it belongs to ({@code base_model_name_or_path}). {@link #read} answers with the config of
 * the folder's type.
 *
 * <pre>{@code
 * PeftConfig c = PeftConfig.read(dir.resolve("adapter_config.json"));   // a LoraConfig or an Ia3Config
 * c.targets("encoder.layer.0.attention.self.key");
 * }</pre>
 */
public sealed interface PeftConfig permits LoraConfig, Ia3Config, PromptTuningConfig {
    /** The file name PEFT gives the config. */
    String FILE = "adapter_config.json";

    /** PEFT's {@code peft_type}, e.g. {@code LORA}. */
    String peftType();

    /** Whether the linear layer at {@code path} is adapted (PEFT's {@code check_target_module_exists}). */
    boolean targets(String path);

    /** Whether the module at {@code path} is one of {@code modules_to_save}. */
    default boolean saves(String path) {
        return matchesSuffix(modulesToSave(), path);
    }

    /** Modules trained fully and stored whole (e.g. {@code classifier}). */
    List<String> modulesToSave();

    /** Which biases train and are saved: {@code none}, {@code lora_only} or {@code all}. */
    default String bias() {
        return "none";
    }

    /** {@code base_model_name_or_path}, or null. */
    String baseModel();

    /** PEFT's task type, or null. */
    String taskType();

    /** This config with the model's default targets (given its linear layers' paths) when it names none. */
    PeftConfig withTargetsFor(Collection<String> linearPaths);

    /** {@code target_modules} as the user gave it, for messages. */
    String targetsText();

    /** A copy naming {@code v} as its base. */
    PeftConfig withBaseModel(String v);

    /** One phrase for model cards, e.g. {@code A LoRA adapter (r 8, alpha 16)}. */
    String describe();

    /** Writes PEFT's {@code adapter_config.json}; {@code fanInFanOut} when the adapted layers are transformers' Conv1D. */
    void write(Path file, boolean fanInFanOut);

    /** Reads a PEFT {@code adapter_config.json} of a type Graft applies ({@code LORA}, {@code IA3}, {@code PROMPT_TUNING}). */
    static PeftConfig read(Path file) {
        JsonNode n = readJson(file);
        String type = n.path("peft_type").asText("");
        return switch (type) {
            case "LORA" -> LoraConfig.of(file, n);
            case "IA3" -> Ia3Config.of(file, n);
            case "PROMPT_TUNING" -> PromptTuningConfig.of(file, n);
            default -> throw new GraftException(file + " is a PEFT '" + type + "' adapter",
                    "Graft loads LoRA, IA3 and prompt-tuning adapters (peft_type LORA, IA3 or PROMPT_TUNING)");
        };
    }

    /** The JSON of an adapter config; a missing or broken file is one clear error. */
    static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new GraftException("no " + FILE + " in " + file.getParent(), "give the folder of a PEFT adapter (adapter_config.json, adapter_model.safetensors)");
        }
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "the adapter config is not valid JSON", e);
        }
    }

    /** Writes a config's JSON. */
    static void writeJson(ObjectNode o, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Json.MAPPER.writeValue(file.toFile(), o);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }

    /** PEFT's rule for a list of module names: the path is the name or ends with {@code "." + name}. */
    static boolean matchesSuffix(List<String> names, String path) {
        for (String n : names) {
            if (path.equals(n) || path.endsWith("." + n)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A command line's module list: names separated by commas ({@code query,value}), or null when
     * {@code spec} is one regular expression instead (anything else than names and commas).
     */
    static List<String> moduleNames(String spec) {
        String s = spec.trim();
        if (!s.matches("[A-Za-z0-9_.]+(\\s*,\\s*[A-Za-z0-9_.]+)*")) {
            return null;
        }
        List<String> names = new java.util.ArrayList<>();
        for (String n : s.split(",")) {
            names.add(n.trim());
        }
        return names;
    }

    /** A text field, null when absent or null. */
    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Puts a nullable text field. */
    static void putText(ObjectNode o, String field, String v) {
        if (v == null) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }
}
