package dev.graft.train;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.hub.protocol.HubProtocolException;
import dev.graft.hub.protocol.ModelCardData;
import dev.graft.util.Json;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.Weights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The folder a training run writes: {@code metrics.jsonl} (one JSON record per epoch, then the test
 * result), {@code report.md}, {@code curves.png}, {@code confusion.png}, the exported model
 * ({@code model.safetensors}, {@code config.json}, {@code README.md} model card with YAML front
 * matter) and {@code checkpoint/} for {@link FineTune#resume}.
 *
 * <pre>{@code
 * RunDirectory run = new RunDirectory(Path.of("runs/digits-head"));
 * run.appendMetrics(Map.of("epoch", 1, "train_loss", 0.4));
 * run.exportModel(model, cfg, Map.of("license", "apache-2.0"), "# My model\n");   // card front matter and body
 * }</pre>
 */
public final class RunDirectory {
    public static final String METRICS = "metrics.jsonl";
    public static final String REPORT = "report.md";
    public static final String CURVES = "curves.png";
    public static final String CONFUSION = "confusion.png";
    public static final String SPEC = "run.json";

    // Card front matter as people write it: no "---" of its own (the card adds both), few quotes.
    private static final ObjectMapper CARD_YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private final Path root;

    public RunDirectory(Path root) {
        this.root = root.toAbsolutePath();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new SettingException(SettingException.Reason.OUT_NOT_WRITABLE, null, "cannot create run folder " + root + ": " + e.getMessage(),
                    "choose a writable output folder", e);
        }
    }

    public Path root() {
        return root;
    }

    /**
     * The run folder {@code runs/NAME} a verb uses when none is given, with every character of {@code name}
     * other than letters, digits, {@code _ . -} made {@code _} (a data argument such as
     * {@code hf-hub:datasets/alice/pics?size=28x28} names one folder, not a path).
     */
    public static Path defaultDir(String name) {
        return Path.of("runs", name.replaceAll("[^A-Za-z0-9_.-]", "_"));
    }

    /**
     * The rule every verb that writes a folder applies before it starts: a missing or empty folder
     * is taken; a folder with content is refused unless overwriting is allowed (the run writes over
     * it) or it is the folder being resumed. Checked before any work, so a refusal
     * costs nothing and leaves the folder as it was.
     *
     * <pre>{@code
     * RunDirectory.claim(out, overwrite, "FineTune.resume(out)");   // fine-tuning can continue a run
     * RunDirectory.claim(out, overwrite, null);                     // a run that cannot be continued
     * }</pre>
     *
     * @param dir the folder the verb is about to write
     * @param overwrite whether the folder may be written over
     * @param resumeHint how the caller continues a run in {@code dir}, in the caller's words (e.g. {@code
     *     "FineTune.resume(DIR)"}), or null when it cannot; the error carries it as its {@link SettingException#value}
     * @return {@code dir}
     */
    public static Path claim(Path dir, boolean overwrite, String resumeHint) {
        if (overwrite || !Files.isDirectory(dir)) {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new SettingException(SettingException.Reason.OUT_NOT_A_FOLDER, null, dir + " is a file, not a folder",
                        "choose another output folder");
            }
            return dir;
        }
        List<String> names;
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new SettingException(SettingException.Reason.OUT_NOT_WRITABLE, null, "cannot read " + dir + ": " + e.getMessage(),
                    "choose a readable output folder", e);
        }
        if (names.isEmpty()) {
            return dir;
        }
        String shown = String.join(", ", names.subList(0, Math.min(4, names.size()))) + (names.size() > 4 ? ", ..." : "");
        throw new SettingException(SettingException.Reason.FOLDER_NOT_EMPTY, resumeHint, "folder " + dir + " is not empty (" + shown + ")",
                "allow overwriting to write over it" + (resumeHint == null ? "" : ", or " + resumeHint + " to continue the run in it")
                        + ", or choose another folder");
    }

    public Path checkpointDir() {
        return root.resolve("checkpoint");
    }

    public Path bestDir() {
        return root.resolve("best");
    }

    /** Appends one JSON line to {@code metrics.jsonl}. */
    public void appendMetrics(Map<String, Object> record) {
        try {
            String line = Json.MAPPER.copy().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(record) + "\n";
            Files.writeString(root.resolve(METRICS), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites {@code metrics.jsonl} from a history (used on resume so the file matches the checkpoint). */
    public void rewriteMetrics(List<Map<String, Object>> history) {
        try {
            Files.deleteIfExists(root.resolve(METRICS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        history.forEach(this::appendMetrics);
    }

    /** Writes the exported model: weights, config and a model card. */
    public void exportModel(GraftModel model, PretrainedCfg cfg, Map<String, Object> frontMatter, String cardBody) {
        try {
            Weights.saveStateDict(model, root.resolve(ResolvedWeights.WEIGHTS_FILE));
            model.writeConfig(cfg, root);
            writeCard(root.resolve("README.md"), frontMatter, cardBody);
        } catch (IOException e) {
            throw new GraftException("cannot export the model to " + root + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }

    /** A model card: YAML front matter (Hugging Face Hub style, see {@link CardFrontMatter}) and a Markdown body. */
    public static void writeCard(Path file, Map<String, Object> frontMatter, String body) throws IOException {
        Files.writeString(file, cardText(frontMatter, body), StandardCharsets.UTF_8);
    }

    /**
     * The text of a model card, checked against the hub's card rules: a card Graft writes is one every
     * hub accepts, so a push never fails on it after a long run.
     */
    public static String cardText(Map<String, Object> frontMatter, String body) {
        String text;
        try {
            text = "---\n" + CARD_YAML.writeValueAsString(frontMatter) + "---\n\n" + body;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("card front matter cannot be written as YAML: " + e.getOriginalMessage(), e);
        }
        try {
            ModelCardData.parse(text);
        } catch (HubProtocolException e) {
            // Graft wrote the card: a refusal here is a bug in the exporter, not in the user's input.
            throw new IllegalStateException("Graft built a model card the hub would refuse: " + e.getMessage(), e);
        }
        return text;
    }

    /** Software versions recorded with every model. */
    public static Map<String, Object> versions() {
        Map<String, Object> v = new LinkedHashMap<>();
        String graft = RunDirectory.class.getPackage().getImplementationVersion();
        v.put("graft", graft == null ? "0.1.0-SNAPSHOT" : graft);
        v.put("djl", Engine.getDjlVersion());
        v.put("pytorch", Engine.getInstance().getVersion());
        v.put("java", System.getProperty("java.version"));
        return v;
    }

    /** Markdown table of per-class precision and recall. */
    public static String perClassTable(EvalResult r) {
        StringBuilder sb = new StringBuilder("| class | precision | recall | support |\n|---|---|---|---|\n");
        for (int c = 0; c < r.classNames().size(); c++) {
            long support = 0;
            for (long v : r.confusion()[c]) {
                support += v;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d |%n", r.classNames().get(c), pct(r.precision()[c]),
                    pct(r.recall()[c]), support));
        }
        return sb.toString();
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", v * 100);
    }

    /** The metrics of a split as a flat record for metrics.jsonl. */
    public static Map<String, Object> record(String split, EvalResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("split", split);
        m.put("loss", r.loss());
        m.put("top1", r.top1());
        m.put("top5", r.top5());
        m.put("balanced_accuracy", r.balancedAccuracy());
        m.put("count", r.count());
        List<Double> p = new ArrayList<>();
        List<Double> rc = new ArrayList<>();
        for (int c = 0; c < r.precision().length; c++) {
            p.add(Double.isNaN(r.precision()[c]) ? null : r.precision()[c]);
            rc.add(Double.isNaN(r.recall()[c]) ? null : r.recall()[c]);
        }
        m.put("precision", p);
        m.put("recall", rc);
        m.put("confusion", r.confusion());
        return m;
    }
}
