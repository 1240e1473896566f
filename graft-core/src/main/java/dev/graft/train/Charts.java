package dev.graft.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleToIntFunction;
import java.util.function.IntUnaryOperator;
import javax.imageio.ImageIO;

/**
 * PNG charts of a run drawn with Java2D: learning curves (loss and top-1 per epoch, train and
 * validation) and a confusion matrix heat map.
 *
 * <pre>{@code
 * Charts.learningCurves(result.history(), run.resolve("curves.png"));
 * Charts.confusion(test.confusion(), test.classNames(), run.resolve("confusion.png"));
 * }</pre>
 */
public final class Charts {
    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color VAL = new Color(255, 127, 14);

    private Charts() {}

    /** Two panels, loss and top-1 accuracy, over epochs. */
    public static void learningCurves(List<Map<String, Object>> history, Path png) throws IOException {
        lossAndTop1(history, "epoch", png);
    }

    /**
     * The linear probe's regularisation path: training and validation loss and top-1 for every L2 penalty
     * tried, the chosen one marked.
     */
    public static void probePath(LinearProbe.Selection sel, Path png) throws IOException {
        List<Map<String, Object>> points = new java.util.ArrayList<>();
        for (LinearProbe.Candidate c : sel.path()) {
            points.add(Map.of("l2", String.format(Locale.ROOT, c.l2() == sel.l2() ? "[%.0e]" : "%.0e", c.l2()), "train_loss", c.trainLoss(),
                    "train_top1", c.trainTop1(), "val_loss", c.heldOutLoss(), "val_top1", c.heldOutTop1()));
        }
        lossAndTop1(points, "l2", png);
    }

    /**
     * Loss (left) and top-1 (right) of the points' {@code train_loss}, {@code val_loss},
     * {@code train_top1} and {@code val_top1} over {@code xKey} (named on the axis), as a PNG.
     */
    public static void lossAndTop1(List<Map<String, Object>> points, String xKey, Path png) throws IOException {
        int w = 900;
        int h = 380;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        panel(g, points, "loss", "train_loss", "val_loss", xKey, 10, 10, w / 2 - 15, h - 20, false);
        panel(g, points, "top-1 accuracy", "train_top1", "val_top1", xKey, w / 2 + 5, 10, w / 2 - 15, h - 20, true);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static void panel(Graphics2D g, List<Map<String, Object>> history, String title, String trainKey, String valKey,
                              String xKey, int x0, int y0, int pw, int ph, boolean percent) {
        int left = x0 + 55;
        int top = y0 + 30;
        int right = x0 + pw - 10;
        int bottom = y0 + ph - 40;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Map<String, Object> r : history) {
            for (String k : new String[] {trainKey, valKey}) {
                Object v = r.get(k);
                if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                    min = Math.min(min, n.doubleValue());
                    max = Math.max(max, n.doubleValue());
                }
            }
        }
        if (!Double.isFinite(min)) {
            min = 0;
            max = 1;
        }
        if (max - min < 1e-9) {
            max = min + 1e-3;
        }
        double pad = (max - min) * 0.05;
        min -= pad;
        max += pad;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, y0 + 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(left, top, right - left, bottom - top);
        for (int i = 0; i <= 4; i++) {
            double v = min + (max - min) * i / 4;
            int y = bottom - (int) ((bottom - top) * i / 4.0);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left + 1, y, right - 1, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(percent ? String.format(Locale.ROOT, "%.1f%%", v * 100) : String.format(Locale.ROOT, "%.3f", v), x0, y + 4);
        }
        int n = history.size();
        IntUnaryOperator xOf = i -> n == 1 ? (left + right) / 2 : left + (int) ((right - left) * i / (double) (n - 1));
        for (int i = 0; i < n; i++) {
            if (n <= 20 || i % Math.max(1, n / 10) == 0) {
                String tick = String.valueOf(history.get(i).get(xKey));
                g.drawString(tick, xOf.applyAsInt(i) - 3 * tick.length(), bottom + 15);
            }
        }
        String axis = "l2".equals(xKey) ? "L2 penalty (chosen in brackets)" : xKey;
        g.drawString(axis, (left + right) / 2 - 3 * axis.length(), bottom + 32);
        double lo = min;
        double hi = max;
        DoubleToIntFunction yOf = v -> bottom - (int) ((bottom - top) * (v - lo) / (hi - lo));
        series(g, TRAIN, column(history, trainKey), xOf, yOf);
        series(g, VAL, column(history, valKey), xOf, yOf);
        g.setColor(TRAIN);
        g.drawString("train", right - 90, top + 15);
        if (java.util.Arrays.stream(column(history, valKey)).anyMatch(Double::isFinite)) {
            g.setColor(VAL);
            g.drawString("validation", right - 55, top + 15);
        }
    }

    /** The finite numbers under {@code key} in each point; NaN where a point has none. */
    private static double[] column(List<Map<String, Object>> points, String key) {
        double[] out = new double[points.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = points.get(i).get(key);
            out[i] = v instanceof Number num && Double.isFinite(num.doubleValue()) ? num.doubleValue() : Double.NaN;
        }
        return out;
    }

    /**
     * One series of a line chart in {@code color}: a dot at every point that has a value, joined to
     * the one before; NaN values are left out. {@code x} gives a point's pixel column from its index,
     * {@code y} a value's pixel row. The colour stays set for a label drawn after it.
     */
    public static void series(Graphics2D g, Color color, double[] values, IntUnaryOperator x, DoubleToIntFunction y) {
        Stroke before = g.getStroke();
        g.setColor(color);
        g.setStroke(new BasicStroke(2f));
        int px = -1;
        int py = -1;
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) {
                continue;
            }
            int cx = x.applyAsInt(i);
            int cy = y.applyAsInt(values[i]);
            g.fillOval(cx - 3, cy - 3, 6, 6);
            if (px >= 0) {
                g.drawLine(px, py, cx, cy);
            }
            px = cx;
            py = cy;
        }
        g.setStroke(before);
    }

    /** A heat map of confusion[actual][predicted] with counts, rows normalised for the colour. */
    public static void confusion(long[][] confusion, List<String> classNames, Path png) throws IOException {
        int k = confusion.length;
        int cell = Math.max(18, Math.min(48, 560 / Math.max(1, k)));
        int labelW = 110;
        int w = labelW + k * cell + 20;
        int h = labelW + k * cell + 20;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(12, cell / 3))));
        for (int r = 0; r < k; r++) {
            long rowSum = 0;
            for (long v : confusion[r]) {
                rowSum += v;
            }
            for (int c = 0; c < k; c++) {
                double f = rowSum == 0 ? 0 : confusion[r][c] / (double) rowSum;
                int shade = (int) (255 * (1 - f));
                g.setColor(new Color(shade, shade, 255));
                int x = labelW + c * cell;
                int y = labelW + r * cell;
                g.fillRect(x, y, cell, cell);
                g.setColor(f > 0.5 ? Color.WHITE : Color.BLACK);
                if (cell >= 24) {
                    g.drawString(Long.toString(confusion[r][c]), x + 3, y + cell / 2 + 4);
                }
            }
            g.setColor(Color.BLACK);
            g.drawString(shorten(classNames.get(r)), 5, labelW + r * cell + cell / 2 + 4);
        }
        for (int c = 0; c < k; c++) {
            Graphics2D rot = (Graphics2D) g.create();
            rot.translate(labelW + c * cell + cell / 2 + 4, labelW - 5);
            rot.rotate(-Math.PI / 2);
            rot.drawString(shorten(classNames.get(c)), 0, 0);
            rot.dispose();
        }
        g.drawString("rows: actual, columns: predicted", 5, 15);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static String shorten(String s) {
        return s.length() > 14 ? s.substring(0, 13) + "." : s;
    }

    /** Graphics on {@code img} for a chart: antialiased shapes and text on a white background. */
    public static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }
}
