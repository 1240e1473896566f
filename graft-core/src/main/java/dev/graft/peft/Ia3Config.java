package dev.graft.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.util.Records;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An (IA)³ adapter's settings as Hugging Face PEFT's {@code IA3Config} ({@code peft_type: "IA3"}),
 * read from and written to PEFT's {@code adapter_config.json}. Each target layer learns one vector
 * {@code ia3_l}, initialised to ones: a layer in {@code feedforward_modules} scales its input,
 * {@code ia3_l} of shape (1, in); any other scales its output, shape (out, 1).
 *
 * <p>{@code target_modules} match as in LoRA (a name is the path or a suffix after a dot; a string
 * is a full-match regular expression). {@code feedforward_modules} match as PEFT matches them: a
 * name is any suffix of the path ({@code output.dense} matches BERT's {@code attention.output.dense}
 * too), a string a full-match regular expression; as names they must be among the target modules.
 *
 * <pre>{@code
 * Ia3Config c = Ia3Config.defaults().withTargetsFor(LinearLayers.of(bert).keySet());   // key, value, output.dense
 * c.feedforward("encoder.layer.0.output.dense");   // true: that layer scales its input
 * }</pre>
 *
 * @param targetModules module names; empty when {@code targetRegex} is set, or when neither is (then {@link #withTargetsFor} picks PEFT's)
 * @param targetRegex {@code target_modules} as one full-match regular expression, or null
 * @param feedforwardModules module names (suffixes) of the layers that scale their input
 * @param feedforwardRegex {@code feedforward_modules} as one full-match regular expression, or null
 * @param modulesToSave modules trained fully and stored whole (e.g. {@code classifier})
 * @param baseModel {@code base_model_name_or_path}
 * @param revision the base model's revision, or null
 * @param taskType PEFT's task type, or null
 */
public record Ia3Config(List<String> targetModules, String targetRegex, List<String> feedforwardModules, String feedforwardRegex,
        List<String> modulesToSave, String baseModel, String revision, String taskType) implements PeftConfig {

    public Ia3Config {
        targetModules = targetModules == null ? List.of() : List.copyOf(targetModules);
        feedforwardModules = feedforwardModules == null ? List.of() : List.copyOf(feedforwardModules);
        modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
        for (String re : new String[] {targetRegex, feedforwardRegex}) {
            if (re != null) {
                try {
                    Pattern.compile(re);
                } catch (PatternSyntaxException e) {
                    throw new GraftException("IA3 module regex '" + re + "' is invalid: " + e.getDescription(),
                            "give a regular expression, or a comma-separated list of module names");
                }
            }
        }
        if (targetRegex == null && !targetModules.isEmpty() && feedforwardRegex == null && !targetModules.containsAll(feedforwardModules)) {
            throw new GraftException("feedforward_modules " + feedforwardModules + " are not all among target_modules " + targetModules,
                    "list every feed-forward module in --target-modules too (PEFT requires a subset)");
        }
    }

    /** No targets yet: PEFT's for the model are picked when the adapter is created ({@link #withTargetsFor}). */
    public static Ia3Config defaults() {
        return new Ia3Config(List.of(), null, List.of(), null, List.of(), null, null, null);
    }

    @Override
    public String peftType() {
        return "IA3";
    }

    @Override
    public boolean targets(String path) {
        return targetRegex != null ? Pattern.compile(targetRegex).matcher(path).matches() : PeftConfig.matchesSuffix(targetModules, path);
    }

    /** Whether the layer at {@code path} scales its input (PEFT's {@code _check_target_module_feedforward}). */
    public boolean feedforward(String path) {
        if (feedforwardRegex != null) {
            return Pattern.compile(feedforwardRegex).matcher(path).matches();
        }
        return feedforwardModules.stream().anyMatch(path::endsWith);
    }

    /**
     * This config with PEFT's IA3 targets for the model when it names none, read off its layer names
     * (PEFT's table: BERT and RoBERTa {@code key}, {@code value}, {@code output.dense} with
     * {@code output.dense} feed-forward; GPT-2 {@code c_attn}, {@code mlp.c_proj} with {@code mlp.c_proj}).
     */
    @Override
    public Ia3Config withTargetsFor(Collection<String> linearPaths) {
        if (targetRegex != null || !targetModules.isEmpty()) {
            return this;
        }
        List<List<List<String>>> table = List.of(
                List.of(List.of("key", "output.dense", "value"), List.of("output.dense")),   // sorted, as PEFT writes its sets
                List.of(List.of("c_attn", "mlp.c_proj"), List.of("mlp.c_proj")));
        for (List<List<String>> row : table) {
            if (row.get(0).stream().allMatch(n -> linearPaths.stream().anyMatch(p -> p.equals(n) || p.endsWith("." + n)))) {
                return new Ia3Config(row.get(0), null, feedforwardModules.isEmpty() && feedforwardRegex == null ? row.get(1) : feedforwardModules,
                        feedforwardRegex, modulesToSave, baseModel, revision, taskType);
            }
        }
        TreeSet<String> have = new TreeSet<>();
        linearPaths.forEach(p -> have.add(p.substring(p.lastIndexOf('.') + 1)));
        throw new GraftException("the model has no layers IA3 adapts by default (its linear layers: " + (have.isEmpty() ? "none" : String.join(", ", have)) + ")",
                have.isEmpty() ? "use ia3 on a transformer (BERT, GPT-2), or another strategy" : "name the layers to adapt with --target-modules");
    }

    @Override
    public String targetsText() {
        return targetRegex != null ? "'" + targetRegex + "'" : targetModules.isEmpty() ? "(the model's defaults)" : String.join(",", targetModules);
    }

    @Override
    public String describe() {
        return "An (IA)³ adapter (feed-forward " + (feedforwardRegex != null ? "'" + feedforwardRegex + "'" : String.join(", ", feedforwardModules)) + ")";
    }

    /**
     * The command line's {@code --target-modules} and {@code --feedforward-modules} on {@code base}: names
     * separated by commas or one regular expression each; null or blank keeps {@code base}'s (named targets
     * without feed-forward modules keep those of {@code base}'s feed-forward modules they still list).
     */
    public static Ia3Config parse(Ia3Config base, String targets, String feedforward) {
        Ia3Config c = base;
        if (targets != null && !targets.isBlank()) {
            List<String> names = PeftConfig.moduleNames(targets);
            if (names != null && (feedforward == null || feedforward.isBlank()) && c.feedforwardRegex() == null) {
                // base's feed-forward modules that are still targets (PEFT requires a subset)
                List<String> ff = c.feedforwardModules().stream().filter(names::contains).toList();
                c = new Ia3Config(names, null, ff, null, c.modulesToSave(), c.baseModel(), c.revision(), c.taskType());
            } else {
                c = names != null ? c.withTargets(names) : c.withTargetRegex(targets.trim());
            }
        }
        if (feedforward != null && !feedforward.isBlank()) {
            List<String> names = PeftConfig.moduleNames(feedforward);
            c = names != null ? c.withFeedforward(names) : c.withFeedforwardRegex(feedforward.trim());
        }
        return c;
    }

    /** Target modules by name; the feed-forward ones stay. */
    public Ia3Config withTargets(List<String> v) {
        return new Ia3Config(v, null, feedforwardModules, feedforwardRegex, modulesToSave, baseModel, revision, taskType);
    }

    /** Target modules by one full-match regular expression. */
    public Ia3Config withTargetRegex(String v) {
        return new Ia3Config(List.of(), v, feedforwardModules, feedforwardRegex, modulesToSave, baseModel, revision, taskType);
    }

    /** Feed-forward modules by name (suffixes of the path). */
    public Ia3Config withFeedforward(List<String> v) {
        return new Ia3Config(targetModules, targetRegex, v, null, modulesToSave, baseModel, revision, taskType);
    }

    /** Feed-forward modules by one full-match regular expression. */
    public Ia3Config withFeedforwardRegex(String v) {
        return new Ia3Config(targetModules, targetRegex, List.of(), v, modulesToSave, baseModel, revision, taskType);
    }

    public Ia3Config withModulesToSave(List<String> v) {
        return Records.with(this, "modulesToSave", v);
    }

    @Override
    public Ia3Config withBaseModel(String v) {
        return Records.with(this, "baseModel", v);
    }

    public Ia3Config withTaskType(String v) {
        return Records.with(this, "taskType", v);
    }

    /** Writes PEFT's {@code adapter_config.json} of an IA3 adapter (the fields PEFT writes). */
    @Override
    public void write(Path file, boolean fanInFanOut) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putNull("auto_mapping");
        PeftConfig.putText(o, "base_model_name_or_path", baseModel);
        o.putNull("exclude_modules");
        o.put("fan_in_fan_out", fanInFanOut);
        if (feedforwardRegex != null) {
            o.put("feedforward_modules", feedforwardRegex);
        } else {
            new TreeSet<>(feedforwardModules).forEach(o.putArray("feedforward_modules")::add);
        }
        o.put("inference_mode", true);
        o.put("init_ia3_weights", true);
        if (modulesToSave.isEmpty()) {
            o.putNull("modules_to_save");
        } else {
            modulesToSave.forEach(o.putArray("modules_to_save")::add);
        }
        o.put("peft_type", "IA3");
        PeftConfig.putText(o, "revision", revision);
        if (targetRegex != null) {
            o.put("target_modules", targetRegex);
        } else {
            new TreeSet<>(targetModules).forEach(o.putArray("target_modules")::add);
        }
        PeftConfig.putText(o, "task_type", taskType);
        PeftConfig.writeJson(o, file);
    }

    /** The IA3 config in {@code n}, read from {@code file}. */
    static Ia3Config of(Path file, JsonNode n) {
        List<String> targets = new ArrayList<>();
        List<String> ff = new ArrayList<>();
        List<String> save = new ArrayList<>();
        n.path("target_modules").forEach(x -> targets.add(x.asText()));
        n.path("feedforward_modules").forEach(x -> ff.add(x.asText()));
        n.path("modules_to_save").forEach(x -> save.add(x.asText()));
        JsonNode t = n.path("target_modules");
        JsonNode f = n.path("feedforward_modules");
        return new Ia3Config(targets, t.isTextual() ? t.asText() : null, ff, f.isTextual() ? f.asText() : null, save,
                PeftConfig.text(n, "base_model_name_or_path"), PeftConfig.text(n, "revision"), PeftConfig.text(n, "task_type"));
    }
}
