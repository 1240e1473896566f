package dev.graft.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.util.Records;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A LoRA adapter's settings as Hugging Face PEFT's {@code LoraConfig}, read from and written to PEFT's
 * own {@code adapter_config.json}. Validated on construction; immutable, each {@code withX} returns a copy.
 *
 * <p>{@code target_modules} follows PEFT's rule: a list of names, each matching a module whose path
 * is the name or ends with {@code "." + name}; or a single string, matched as a full regular
 * expression against the whole path ({@link #targets}). {@code modules_to_save} names modules (e.g. the
 * classifier) that are trained fully and saved whole, matched as a suffix the same way.
 *
 * <pre>{@code
 * LoraConfig c = LoraConfig.defaults().withR(16).withTargets(List.of("query", "key", "value"));
 * c.targets("encoder.layer.0.attention.self.query");   // true
 * c.write(dir.resolve("adapter_config.json"));
 * }</pre>
 *
 * @param r the rank of the update B·A (1 or more)
 * @param alpha {@code lora_alpha}: the update is scaled by alpha / r (alpha / sqrt(r) with {@code useRslora})
 * @param dropout {@code lora_dropout} on the adapter's input while training, in [0, 1)
 * @param targetModules module names matched as suffixes of the module path; empty when {@code targetRegex} is set,
 *        or when neither is (then {@link #withTargetsFor} picks the model's)
 * @param targetRegex PEFT's single-string form of {@code target_modules}: a full-match regular expression; null for names
 * @param modulesToSave modules trained fully and stored whole in the adapter (e.g. {@code classifier})
 * @param bias which biases train and are saved: {@code none}, {@code lora_only} (those of adapted layers) or {@code all}
 * @param useRslora rank-stabilised scaling alpha / sqrt(r)
 * @param baseModel {@code base_model_name_or_path}: the model the adapter belongs to (a Graft model name or source)
 * @param revision the base model's revision, or null
 * @param taskType PEFT's task type, e.g. {@code SEQ_CLS}, {@code FEATURE_EXTRACTION}; may be null
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, String targetRegex,
        List<String> modulesToSave, String bias, boolean useRslora, String baseModel, String revision, String taskType) implements PeftConfig {

    /** PEFT's default rank. */
    public static final int DEFAULT_R = 8;
    /** The alpha Graft uses by default (PEFT's examples' 16, scale 2 at r 8). */
    public static final double DEFAULT_ALPHA = 16;
    /** The dropout Graft uses by default (PEFT's examples' 0.1). */
    public static final double DEFAULT_DROPOUT = 0.1;

    public LoraConfig {
        if (r <= 0) {
            throw new GraftException("LoRA rank r " + r + " is not positive", "use r 1 or more, e.g. --lora-r 8");
        }
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new GraftException("lora_alpha " + alpha + " is not positive", "use e.g. --lora-alpha 16 (twice r)");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new GraftException("lora_dropout " + dropout + " is outside [0, 1)", "use e.g. 0.1, or 0 for none");
        }
        targetModules = targetModules == null ? List.of() : List.copyOf(targetModules);
        modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
        if (targetRegex != null) {
            try {
                Pattern.compile(targetRegex);
            } catch (PatternSyntaxException e) {
                throw new GraftException("target_modules regex '" + targetRegex + "' is invalid: " + e.getDescription(),
                        "give a Java/Python regular expression, or a comma-separated list of module names");
            }
        }
        bias = bias == null ? "none" : bias.toLowerCase(Locale.ROOT);
        if (!List.of("none", "lora_only", "all").contains(bias)) {
            throw new GraftException("LoRA bias '" + bias + "' is unknown", "use none, lora_only or all");
        }
    }

    /**
     * r 8, alpha 16, dropout 0.1, no bias, and no target modules yet: the model's attention projections
     * are picked when the adapter is created ({@link #withTargetsFor}).
     */
    public static LoraConfig defaults() {
        return new LoraConfig(DEFAULT_R, DEFAULT_ALPHA, DEFAULT_DROPOUT, List.of(), null, List.of(), "none", false, null, null, null);
    }

    /** Whether target modules are given (else {@link #withTargetsFor} picks the model's defaults). */
    public boolean hasTargets() {
        return targetRegex != null || !targetModules.isEmpty();
    }

    /**
     * This config, with PEFT's default target modules for a model given by its linear layers' module
     * paths when it names none: PEFT's mapping read off the names the model has ({@code query}+{@code value}: BERT, RoBERTa, transformers' ViT; {@code q_lin}+{@code v_lin}:
     * DistilBERT; {@code q_proj}+{@code v_proj}: CLIP; {@code c_attn}: GPT-2; {@code qkv}: timm's ViT). A
     * model with none of them (a CNN's classifier only) fails with the names it has.
     */
    @Override
    public LoraConfig withTargetsFor(java.util.Collection<String> linearPaths) {
        if (hasTargets()) {
            return this;
        }
        for (List<String> names : List.of(List.of("query", "value"), List.of("q_lin", "v_lin"), List.of("q_proj", "v_proj"), List.of("c_attn"),
                List.of("qkv"))) {
            if (names.stream().allMatch(n -> linearPaths.stream().anyMatch(p -> p.equals(n) || p.endsWith("." + n)))) {
                return withTargets(names);
            }
        }
        TreeSet<String> have = new TreeSet<>();
        linearPaths.forEach(p -> have.add(p.substring(p.lastIndexOf('.') + 1)));
        throw new GraftException("the model has no attention projections LoRA adapts by default (its linear layers: "
                + (have.isEmpty() ? "none" : String.join(", ", have)) + ")", have.isEmpty()
                ? "use lora on a transformer (ViT, BERT), or another strategy" : "name the layers to adapt with --target-modules");
    }

    /** Parses the command line's {@code --target-modules}: names separated by commas, or one regular expression. */
    public static LoraConfig parseTargets(LoraConfig base, String spec) {
        if (spec == null || spec.isBlank()) {
            return base;
        }
        List<String> names = PeftConfig.moduleNames(spec);
        return names != null ? base.withTargets(names) : base.withTargetRegex(spec.trim());
    }

    /** The scale of the update: alpha / r, or alpha / sqrt(r) with rsLoRA. */
    public double scale() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    @Override
    public String peftType() {
        return "LORA";
    }

    @Override
    public boolean targets(String path) {
        if (targetRegex != null) {
            return Pattern.compile(targetRegex).matcher(path).matches();
        }
        return PeftConfig.matchesSuffix(targetModules, path);
    }

    @Override
    public String describe() {
        return "A LoRA adapter (r " + r + ", alpha " + (alpha == Math.rint(alpha) ? String.valueOf((long) alpha) : String.valueOf(alpha))
                + (useRslora ? ", rsLoRA" : "") + ")";
    }

    @Override
    public String targetsText() {
        return targetRegex != null ? "'" + targetRegex + "'" : targetModules.isEmpty() ? "(the model's defaults)" : String.join(",", targetModules);
    }

    public LoraConfig withR(int v) {
        return Records.with(this, "r", v);
    }

    public LoraConfig withAlpha(double v) {
        return Records.with(this, "alpha", v);
    }

    public LoraConfig withDropout(double v) {
        return Records.with(this, "dropout", v);
    }

    /** Target modules by name (suffix of the module path). */
    public LoraConfig withTargets(List<String> v) {
        return new LoraConfig(r, alpha, dropout, v, null, modulesToSave, bias, useRslora, baseModel, revision, taskType);
    }

    /** Target modules by one full-match regular expression (PEFT's single-string form). */
    public LoraConfig withTargetRegex(String v) {
        return new LoraConfig(r, alpha, dropout, List.of(), v, modulesToSave, bias, useRslora, baseModel, revision, taskType);
    }

    public LoraConfig withModulesToSave(List<String> v) {
        return Records.with(this, "modulesToSave", v);
    }

    public LoraConfig withBias(String v) {
        return Records.with(this, "bias", v);
    }

    public LoraConfig withRslora(boolean v) {
        return Records.with(this, "useRslora", v);
    }

    @Override
    public LoraConfig withBaseModel(String v) {
        return Records.with(this, "baseModel", v);
    }

    public LoraConfig withTaskType(String v) {
        return Records.with(this, "taskType", v);
    }

    /** Writes PEFT's {@code adapter_config.json} for nn.Linear layers; see {@link #write(Path, boolean)}. */
    public void write(Path file) {
        write(file, false);
    }

    /** Writes PEFT's {@code adapter_config.json} (every field PEFT writes, with its defaults for those Graft does not use). */
    @Override
    public void write(Path file, boolean fanInFanOut) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putObject("alpha_pattern");
        o.putNull("auto_mapping");
        PeftConfig.putText(o, "base_model_name_or_path", baseModel);
        o.put("bias", bias);
        o.put("fan_in_fan_out", fanInFanOut);
        o.put("inference_mode", true);
        o.put("init_lora_weights", true);
        o.putNull("layer_replication");
        o.putNull("layers_pattern");
        o.putNull("layers_to_transform");
        o.putObject("loftq_config");
        if (alpha == Math.rint(alpha)) {
            o.put("lora_alpha", (long) alpha);   // PEFT writes an int when it was given one
        } else {
            o.put("lora_alpha", alpha);
        }
        o.put("lora_dropout", dropout);
        o.putNull("megatron_config");
        o.put("megatron_core", "megatron.core");
        if (modulesToSave.isEmpty()) {
            o.putNull("modules_to_save");
        } else {
            modulesToSave.forEach(o.putArray("modules_to_save")::add);
        }
        o.put("peft_type", "LORA");
        o.put("r", r);
        o.putObject("rank_pattern");
        PeftConfig.putText(o, "revision", revision);
        if (targetRegex != null) {
            o.put("target_modules", targetRegex);
        } else {
            new TreeSet<>(targetModules).forEach(o.putArray("target_modules")::add);  // PEFT stores a set, written sorted
        }
        PeftConfig.putText(o, "task_type", taskType);
        o.put("use_dora", false);
        o.put("use_rslora", useRslora);
        PeftConfig.writeJson(o, file);
    }

    /** Reads PEFT's {@code adapter_config.json} of a LoRA adapter; another type, DoRA or rank patterns fail here. */
    public static LoraConfig read(Path file) {
        JsonNode n = PeftConfig.readJson(file);
        String type = n.path("peft_type").asText("");
        if (!type.equals("LORA")) {
            throw new GraftException(file + " is a PEFT '" + type + "' adapter", "give a LoRA adapter (peft_type LORA)");
        }
        return of(file, n);
    }

    /** The LoRA config in {@code n}, read from {@code file}; what Graft cannot apply (DoRA, rank patterns) fails here. */
    static LoraConfig of(Path file, JsonNode n) {
        if (n.path("use_dora").asBoolean(false)) {
            throw new GraftException(file + " is a DoRA adapter (use_dora true)", "use a plain LoRA adapter");
        }
        // fan_in_fan_out follows the layers, as PEFT sets it: true for transformers' Conv1D, false for nn.Linear
        for (String f : List.of("rank_pattern", "alpha_pattern")) {
            if (n.path(f).isObject() && n.path(f).size() > 0) {
                throw new GraftException(file + " sets a per-layer " + f, "use an adapter with one r and one lora_alpha for all layers");
            }
        }
        JsonNode t = n.path("target_modules");
        List<String> names = new ArrayList<>();
        String regex = null;
        if (t.isTextual()) {
            regex = t.asText();
        } else if (t.isArray()) {
            t.forEach(x -> names.add(x.asText()));
        }
        List<String> save = new ArrayList<>();
        n.path("modules_to_save").forEach(x -> save.add(x.asText()));
        return new LoraConfig(n.path("r").asInt(DEFAULT_R), n.path("lora_alpha").asDouble(DEFAULT_R), n.path("lora_dropout").asDouble(0), names, regex,
                save, n.path("bias").asText("none"), n.path("use_rslora").asBoolean(false), PeftConfig.text(n, "base_model_name_or_path"),
                PeftConfig.text(n, "revision"), PeftConfig.text(n, "task_type"));
    }
}
