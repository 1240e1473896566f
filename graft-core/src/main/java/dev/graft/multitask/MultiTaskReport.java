package dev.graft.multitask;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.graft.SettingException;
import dev.graft.train.Charts;
import dev.graft.train.RunDirectory;
import dev.graft.util.Json;
import dev.graft.train.CardFrontMatter;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.Weights;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Writes a multi-task run directory: {@code metrics.jsonl} (one line per epoch), {@code results.json},
 * {@code report.md}, {@code curves.png}, and the exported model ({@code model.safetensors} with every
 * head, {@code config.json} listing the tasks, {@code README.md} model card).
 */
public final class MultiTaskReport {
    private MultiTaskReport() {}

    static void appendMetrics(Path dir, List<TaskSpec> tasks, MultiTaskResult.EpochLog log) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("epoch", log.epoch());
        for (int t = 0; t < tasks.size(); t++) {
            line.put("train_loss." + tasks.get(t).name(), log.trainLoss()[t]);
            line.put("weight." + tasks.get(t).name(), log.weights()[t]);
        }
        log.validation().forEach((k, v) -> line.put("val_" + metricOf(tasks, k) + "." + k, v));
        line.put("seconds", log.seconds());
        new RunDirectory(dir).appendMetrics(line);
    }

    static String epochLine(List<TaskSpec> tasks, MultiTaskResult.EpochLog log) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %d:", log.epoch()));
        for (int t = 0; t < tasks.size(); t++) {
            String name = tasks.get(t).name();
            s.append(String.format(Locale.ROOT, " %s loss %.4f w %.3f", name, log.trainLoss()[t], log.weights()[t]));
            Double v = log.validation().get(name);
            if (v != null) {
                s.append(String.format(Locale.ROOT, " val %s %.4f", tasks.get(t).kind().metricName(), v));
            }
            s.append(';');
        }
        s.append(String.format(Locale.ROOT, " %.1fs", log.seconds()));
        return s.toString();
    }

    private static String metricOf(List<TaskSpec> tasks, String name) {
        for (TaskSpec t : tasks) {
            if (t.name().equals(name)) {
                return t.kind().metricName();
            }
        }
        return "metric";
    }

    /** Reads per-task metrics from a {@code results.json} written by a run (or a folder holding one). */
    public static Map<String, Double> readMetrics(Path fileOrDir) {
        Path f = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("results.json") : fileOrDir;
        try {
            Map<String, Object> m = Json.MAPPER.readValue(f.toFile(), new TypeReference<Map<String, Object>>() {});
            Object metrics = m.get("metrics");
            if (!(metrics instanceof Map<?, ?> mm)) {
                throw new IOException("no \"metrics\" object");
            }
            Map<String, Double> out = new LinkedHashMap<>();
            mm.forEach((k, v) -> out.put(k.toString(), ((Number) v).doubleValue()));
            return out;
        } catch (IOException | ClassCastException e) {
            throw new SettingException(SettingException.Reason.NO_BASELINES, null, "cannot read baselines from " + f + ": " + e.getMessage(),
                    "give the results.json of a single-task run (or its folder)", e);
        }
    }

    static void writeRun(Path dir, MultiTaskResult r, MultiTaskModel model, Map<String, Object> setup) {
        try {
            Files.createDirectories(dir);
            writeResults(dir, r, setup);
            writeCurves(dir.resolve("curves.png"), r);
            exportModel(dir, r, model, setup);
            Files.writeString(dir.resolve("report.md"), report(r, setup), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SettingException(SettingException.Reason.OUT_NOT_WRITABLE, null, "cannot write the run directory " + dir + ": " + e.getMessage(),
                    "check the output folder is writable", e);
        }
    }

    static void writeSummary(Path dir, MultiTaskResult r, Map<String, Object> setup) {
        try {
            Files.createDirectories(dir);
            writeResults(dir, r, setup);
            Files.writeString(dir.resolve("report.md"), report(r, setup), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SettingException(SettingException.Reason.OUT_NOT_WRITABLE, null, "cannot write " + dir + ": " + e.getMessage(),
                    "check the output folder is writable", e);
        }
    }

    private static void writeResults(Path dir, MultiTaskResult r, Map<String, Object> setup) throws IOException {
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("weighting", r.weighting());
        res.put("tasks", taskList(r.tasks()));
        res.put("metrics", r.testMetrics());
        if (r.deltaM() != null) {
            res.put("delta_m_percent", r.deltaM());
        }
        res.put("weighting_state", r.weightingState());
        res.put("setup", setup);
        res.put("seconds", r.seconds());
        Json.MAPPER.writeValue(dir.resolve("results.json").toFile(), res);
    }

    private static List<Map<String, Object>> taskList(List<TaskSpec> tasks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TaskSpec t : tasks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("kind", t.kind().name().toLowerCase(Locale.ROOT));
            m.put("num_outputs", t.numOutputs());
            if (!t.classNames().isEmpty()) {
                m.put("label_names", t.classNames());
            }
            m.put("head", MultiTaskModel.headPrefix(t));
            m.put("metric", t.kind().metricName());
            out.add(m);
        }
        return out;
    }

    static String report(MultiTaskResult r, Map<String, Object> setup) {
        StringBuilder s = new StringBuilder();
        s.append("# Multi-task run: ").append(r.weighting()).append("\n\n");
        s.append("| setting | value |\n|---|---|\n");
        s.append("| weighting | ").append(r.weighting()).append(" |\n");
        setup.forEach((k, v) -> s.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        s.append(String.format(Locale.ROOT, "| wall time | %.1f s |%n%n", r.seconds()));
        s.append("## Test metrics\n\n| task | metric | value |\n|---|---|---|\n");
        for (TaskSpec t : r.tasks()) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %.4f |%n", t.name(), t.kind().metricName(), r.testMetrics().get(t.name())));
        }
        if (r.deltaM() != null) {
            s.append(String.format(Locale.ROOT, "%nDelta_m against the single-task baselines: **%+.2f%%** "
                    + "(LibMTL's average relative improvement; positive is better).%n", r.deltaM()));
        }
        if (!r.weightingState().isEmpty()) {
            s.append("\n## Weighting state at the end\n\n");
            r.weightingState().forEach((k, v) -> s.append("- ").append(k).append(": ").append(format(v)).append('\n'));
        }
        s.append("\n## Epochs\n\n| epoch |");
        for (TaskSpec t : r.tasks()) {
            s.append(" loss ").append(t.name()).append(" | weight ").append(t.name()).append(" | val ").append(t.name()).append(" |");
        }
        s.append(" seconds |\n|---|");
        s.append("---|---|---|".repeat(r.tasks().size())).append("---|\n");
        for (MultiTaskResult.EpochLog e : r.history()) {
            if (e.trainLoss().length != r.tasks().size()) {
                continue; // single-task summaries list each task's own report instead
            }
            s.append("| ").append(e.epoch()).append(" |");
            for (int t = 0; t < r.tasks().size(); t++) {
                Double v = e.validation().get(r.tasks().get(t).name());
                s.append(String.format(Locale.ROOT, " %.4f | %.3f | %s |", e.trainLoss()[t], e.weights()[t],
                        v == null ? "-" : String.format(Locale.ROOT, "%.4f", v)));
            }
            s.append(String.format(Locale.ROOT, " %.1f |%n", e.seconds()));
        }
        s.append("\nLearning curves: `curves.png`. Per-epoch values: `metrics.jsonl`.\n");
        return s.toString();
    }

    private static String format(Object v) {
        if (v instanceof double[] d) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < d.length; i++) {
                s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", d[i]));
            }
            return s.append(']').toString();
        }
        return String.valueOf(v);
    }

    /** model.safetensors (backbone keys + {@code heads.<task>.*}), config.json with the tasks, README.md card. */
    static void exportModel(Path dir, MultiTaskResult r, MultiTaskModel model, Map<String, Object> setup) throws IOException {
        Weights.saveStateDict(model.stateDict(), dir.resolve(ResolvedWeights.WEIGHTS_FILE), Map.of());
        PretrainedCfg base = model.backbone().cfg();
        Map<String, Object> provenance = new LinkedHashMap<>(setup);
        provenance.put("weighting", r.weighting());
        provenance.put("metrics", r.testMetrics());
        PretrainedCfg cfg = base.withNumClasses(0, null).withOrigin(
                "graft_multitask_" + r.weighting().replace('-', '_'), base.license(), "graft multitask", provenance);
        com.fasterxml.jackson.databind.node.ObjectNode json = cfg.toJson();
        json.set("tasks", Json.MAPPER.valueToTree(taskList(r.tasks())));
        PretrainedCfg.writeJson(json, dir.resolve(ResolvedWeights.CONFIG_FILE));
        RunDirectory.writeCard(dir.resolve("README.md"), frontMatter(r, base, setup), card(r, base, setup));
    }

    private static Map<String, Object> frontMatter(MultiTaskResult r, PretrainedCfg base, Map<String, Object> setup) {
        String data = String.valueOf(setup.get("data"));
        CardFrontMatter fm = new CardFrontMatter(base.license(), null).withBaseModel(base.name()).withDataset(data)
                .withTags("multi-task", r.weighting());
        for (TaskSpec t : r.tasks()) {
            // one result per head: the hub wants a task type and a data set for each
            fm = fm.withResult(base.name() + "-multitask-" + r.weighting(),
                    t.kind() == TaskKind.CLASSIFICATION ? "image-classification" : "image-regression", t.name(), data,
                    CardFrontMatter.metric(t.kind().metricName(), null, r.testMetrics().get(t.name())));
        }
        return fm.toMap();
    }

    private static String card(MultiTaskResult r, PretrainedCfg base, Map<String, Object> setup) {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(base.name()).append(" multi-task model (").append(r.weighting()).append(")\n\n");
        s.append("A shared ").append(base.name()).append(" backbone (hard parameter sharing) with one linear head per task, ")
                .append("trained by Graft's `multitask` with the `").append(r.weighting()).append("` weighting.\n\n");
        s.append("| head (weights prefix) | task | kind | outputs | test metric |\n|---|---|---|---|---|\n");
        for (TaskSpec t : r.tasks()) {
            s.append(String.format(Locale.ROOT, "| `%s` | %s | %s | %d | %s %.4f |%n", MultiTaskModel.headPrefix(t), t.name(),
                    t.kind().name().toLowerCase(Locale.ROOT), t.numOutputs(), t.kind().metricName(), r.testMetrics().get(t.name())));
        }
        if (r.deltaM() != null) {
            s.append(String.format(Locale.ROOT, "%nDelta_m against single-task baselines: %+.2f%%.%n", r.deltaM()));
        }
        s.append("\n## Training\n\n");
        setup.forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
        RunDirectory.versions().forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
        s.append("\nThe base weights are ").append(base.tag() == null ? "randomly initialised (no pretrained tag)" : "`" + base.name() + "` (" + base.source() + ")")
                .append(". The task names, label names and head prefixes are listed under `tasks` in `config.json`.\n");
        return s.toString();
    }

    /** Learning curves: training loss per task (left) and validation metric per task (right). */
    static void writeCurves(Path file, MultiTaskResult r) throws IOException {
        int w = 900;
        int h = 380;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Charts.canvas(img);
        Color[] colors = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189)};
        List<TaskSpec> tasks = r.tasks();
        List<double[]> loss = new ArrayList<>();
        List<double[]> val = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            double[] l = new double[r.history().size()];
            double[] v = new double[r.history().size()];
            for (int e = 0; e < r.history().size(); e++) {
                l[e] = r.history().get(e).trainLoss()[t];
                Double x = r.history().get(e).validation().get(tasks.get(t).name());
                v[e] = x == null ? Double.NaN : x;
            }
            loss.add(l);
            val.add(v);
        }
        panel(g, 50, 30, 380, 290, "training loss", loss, colors);
        panel(g, 500, 30, 380, 290, "validation metric", val, colors);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int t = 0; t < tasks.size(); t++) {
            g.setColor(colors[t % colors.length]);
            g.fillRect(60 + t * 150, h - 30, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(tasks.get(t).name() + " (" + tasks.get(t).kind().metricName() + ")", 78 + t * 150, h - 19);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int x0, int y0, int pw, int ph, String title, List<double[]> series, Color[] colors) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title + " per epoch", x0, y0 - 8);
        g.drawRect(x0, y0, pw, ph);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int len = 0;
        for (double[] s : series) {
            len = Math.max(len, s.length);
            for (double v : s) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!Double.isFinite(min)) {
            g.drawString("no data", x0 + pw / 2 - 20, y0 + ph / 2);
            return;
        }
        if (max - min < 1e-9) {
            max = min + 1e-3;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(String.format(Locale.ROOT, "%.4g", max), x0 - 45, y0 + 10);
        g.drawString(String.format(Locale.ROOT, "%.4g", min), x0 - 45, y0 + ph);
        g.drawString("1", x0, y0 + ph + 14);
        g.drawString(Integer.toString(len), x0 + pw - 10, y0 + ph + 14);
        g.setStroke(new BasicStroke(2f));
        for (int k = 0; k < series.size(); k++) {
            double[] s = series.get(k);
            g.setColor(colors[k % colors.length]);
            int px = -1;
            int py = -1;
            for (int e = 0; e < s.length; e++) {
                if (!Double.isFinite(s[e])) {
                    continue;
                }
                int x = x0 + (len <= 1 ? pw / 2 : (int) Math.round((double) e / (len - 1) * pw));
                int y = y0 + (int) Math.round((max - s[e]) / (max - min) * ph);
                g.fillOval(x - 3, y - 3, 6, 6);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
    }
}
