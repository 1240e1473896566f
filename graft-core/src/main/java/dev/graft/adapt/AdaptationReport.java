package dev.graft.adapt;

import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.train.Charts;
import dev.graft.train.RunDirectory;
import dev.graft.util.Json;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleToIntFunction;
import java.util.function.IntUnaryOperator;
import javax.imageio.ImageIO;

/**
 * Writes a domain-adaptation run directory: {@code metrics.jsonl} (one line per epoch, appended as
 * training goes), {@code result.json}, {@code report.md} and {@code accuracy.png} (source and target
 * accuracy over epochs).
 *
 * <pre>{@code
 * AdaptationReport report = new AdaptationReport(Path.of("runs/dann"), Map.of("method", "dann"));
 * da.onEpoch(report::epoch);
 * report.finish(da.run());
 * }</pre>
 */
public final class AdaptationReport {
    private final Path dir;
    private final RunDirectory run;
    private final Map<String, Object> config;

    /** Creates {@code dir} and starts an empty {@code metrics.jsonl}; {@code config} is recorded in the report. */
    public AdaptationReport(Path dir, Map<String, Object> config) {
        this.dir = dir;
        this.run = new RunDirectory(dir);
        this.config = new LinkedHashMap<>(config);
        try {
            Files.writeString(dir.resolve(RunDirectory.METRICS), "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SettingException(SettingException.Reason.OUT_NOT_WRITABLE, null, "cannot write the run directory " + dir + ": " + e.getMessage(),
                    "choose a writable output folder", e);
        }
    }

    /** The run directory. */
    public Path dir() {
        return dir;
    }

    /** Appends one epoch to {@code metrics.jsonl}. */
    public void epoch(AdaptationResult.Epoch e) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("epoch", e.epoch());
        line.put("step", e.step());
        line.put("cls_loss", e.classificationLoss());
        line.put("transfer_loss", e.transferLoss());
        line.putAll(e.methodMetrics());
        line.put("source_acc", e.sourceAccuracy());
        line.put("target_acc", e.targetAccuracy());
        line.put("seconds", e.seconds());
        run.appendMetrics(line);
    }

    /** Writes {@code result.json}, {@code report.md} and {@code accuracy.png}. */
    public void finish(AdaptationResult r) {
        try {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("method", r.method());
            result.put("target_accuracy", r.targetAccuracy());
            result.put("source_accuracy", r.sourceAccuracy());
            if (!Double.isNaN(r.targetAccuracyBeforeAdaBN())) {
                result.put("target_accuracy_before_adabn", r.targetAccuracyBeforeAdaBN());
            }
            result.put("seconds", r.seconds());
            result.put("checkpoint_rule", "last epoch (target labels are used only for reporting)");
            result.put("config", config);
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("result.json").toFile(), result);
            Files.writeString(dir.resolve(RunDirectory.REPORT), markdown(r), StandardCharsets.UTF_8);
            if (!r.epochs().isEmpty()) {
                ImageIO.write(plot(r.epochs(), r.method()), "png", dir.resolve("accuracy.png").toFile());
            }
        } catch (IOException e) {
            throw new GraftException("cannot write the report in " + dir + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }

    private String markdown(AdaptationResult r) {
        StringBuilder md = new StringBuilder();
        md.append("# Domain adaptation: ").append(r.method()).append("\n\n");
        md.append("| setting | value |\n|---|---|\n");
        config.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n## Result (model after the last epoch)\n\n");
        md.append(String.format(Locale.ROOT, "- target accuracy: **%.2f %%**%n", 100 * r.targetAccuracy()));
        md.append(String.format(Locale.ROOT, "- source accuracy: %.2f %%%n", 100 * r.sourceAccuracy()));
        if (!Double.isNaN(r.targetAccuracyBeforeAdaBN())) {
            md.append(String.format(Locale.ROOT, "- target accuracy before AdaBN: %.2f %%%n", 100 * r.targetAccuracyBeforeAdaBN()));
        }
        md.append(String.format(Locale.ROOT, "- wall time: %.1f s%n", r.seconds()));
        md.append("\nTarget labels are read only to report accuracy; they choose nothing (the last epoch is kept).\n");
        if (!r.epochs().isEmpty()) {
            md.append("\n## Epochs\n\n![accuracy](accuracy.png)\n\n");
            md.append("| epoch | step | cls loss | transfer loss | source acc | target acc | s |\n|---|---|---|---|---|---|---|\n");
            for (AdaptationResult.Epoch e : r.epochs()) {
                md.append(String.format(Locale.ROOT, "| %d | %d | %.4f | %.4f | %.2f | %.2f | %.0f |%n", e.epoch(), e.step(),
                        e.classificationLoss(), e.transferLoss(), 100 * e.sourceAccuracy(), 100 * e.targetAccuracy(), e.seconds()));
            }
        }
        return md.toString();
    }

    /** Source and target accuracy over epochs as a line chart. */
    static BufferedImage plot(List<AdaptationResult.Epoch> epochs, String title) {
        int w = 640;
        int h = 400;
        int left = 60;
        int right = 20;
        int top = 40;
        int bottom = 50;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Charts.canvas(img);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int pw = w - left - right;
        int ph = h - top - bottom;
        g.setColor(new Color(230, 230, 230));
        for (int pct = 0; pct <= 100; pct += 20) {
            int y = top + ph - pct * ph / 100;
            g.drawLine(left, y, left + pw, y);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, pw, ph);
        for (int pct = 0; pct <= 100; pct += 20) {
            int y = top + ph - pct * ph / 100;
            g.drawString(pct + "%", left - 40, y + 4);
        }
        int n = epochs.size();
        for (int i = 0; i < n; i++) {
            int x = left + (n == 1 ? pw / 2 : i * pw / (n - 1));
            if (n <= 20 || i % Math.max(1, n / 10) == 0) {
                g.drawString(Integer.toString(epochs.get(i).epoch()), x - 4, top + ph + 18);
            }
        }
        g.drawString("epoch", left + pw / 2 - 15, h - 10);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title + ": accuracy over epochs", left, 24);
        IntUnaryOperator xOf = i -> left + (n == 1 ? pw / 2 : i * pw / (n - 1));
        DoubleToIntFunction yOf = acc -> top + ph - (int) Math.round(acc * ph);
        Charts.series(g, new Color(31, 119, 180), epochs.stream().mapToDouble(AdaptationResult.Epoch::sourceAccuracy).toArray(), xOf, yOf);
        Charts.series(g, new Color(214, 39, 40), epochs.stream().mapToDouble(AdaptationResult.Epoch::targetAccuracy).toArray(), xOf, yOf);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(31, 119, 180));
        g.drawString("source (labelled)", w - 260, 24);
        g.setColor(new Color(214, 39, 40));
        g.drawString("target (unlabelled)", w - 140, 24);
        g.dispose();
        return img;
    }
}
