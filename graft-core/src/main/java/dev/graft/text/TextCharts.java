package dev.graft.text;

import dev.graft.GraftException;
import dev.graft.train.Charts;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleToIntFunction;
import java.util.function.IntUnaryOperator;
import javax.imageio.ImageIO;

/**
 * Small PNG charts drawn with Java2D (no plotting library): a bar chart of accuracies, learning
 * curves, and a confusion matrix.
 *
 * <pre>{@code
 * TextCharts.bars(List.of("zero-shot", "head"), new double[] {0.6, 0.8}, 0.125, "test accuracy", out.resolve("accuracy.png"));
 * }</pre>
 */
public final class TextCharts {
    private static final Color[] PALETTE = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868),
        new Color(0xC44E52), new Color(0x8172B3), new Color(0x937860)};

    private TextCharts() {}

    /** Horizontal bars in [0, 1] with a dashed line at {@code chance}. */
    public static void bars(List<String> names, double[] values, double chance, String title, Path file) {
        int rowH = 34;
        int left = 300;
        int w = 900;
        int h = 70 + rowH * names.size() + 40;
        BufferedImage img = canvas(w, h);
        Graphics2D g = graphics(img);
        title(g, title, w);
        int plotW = w - left - 80;
        for (int i = 0; i < names.size(); i++) {
            int y = 60 + i * rowH;
            g.setColor(Color.DARK_GRAY);
            g.drawString(names.get(i), 10, y + 20);
            g.setColor(PALETTE[i % PALETTE.length]);
            int bw = (int) Math.round(Math.max(0, Math.min(1, values[i])) * plotW);
            g.fillRect(left, y + 5, bw, rowH - 10);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.1f%%", values[i] * 100), left + bw + 6, y + 20);
        }
        int cx = left + (int) Math.round(chance * plotW);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        g.drawLine(cx, 55, cx, 60 + rowH * names.size());
        g.drawString(String.format(Locale.ROOT, "chance %.1f%%", chance * 100), cx + 4, 60 + rowH * names.size() + 20);
        write(img, file);
    }

    /** Line chart: one series per name over 1..n (e.g. loss per epoch). */
    public static void lines(List<String> names, List<double[]> series, String title, String xLabel, Path file) {
        int w = 800;
        int h = 480;
        int left = 70;
        int right = 200;
        int top = 50;
        int bottom = 60;
        double max = 0;
        double min = Double.MAX_VALUE;
        int n = 1;
        for (double[] s : series) {
            for (double v : s) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
            n = Math.max(n, s.length);
        }
        if (min > max) {
            min = 0;
            max = 1;
        }
        min = Math.min(0, min);
        max = max == min ? min + 1 : max;
        BufferedImage img = canvas(w, h);
        Graphics2D g = graphics(img);
        title(g, title, w);
        int pw = w - left - right;
        int ph = h - top - bottom;
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(left, top, pw, ph);
        g.setColor(Color.DARK_GRAY);
        for (int t = 0; t <= 4; t++) {
            double v = min + (max - min) * t / 4;
            int y = top + ph - (int) Math.round(ph * (v - min) / (max - min));
            g.drawString(String.format(Locale.ROOT, "%.3g", v), 8, y + 5);
        }
        g.drawString(xLabel + " (1.." + n + ")", left + pw / 2 - 40, h - 20);
        int points = n;
        double lo = min;
        double hi = max;
        IntUnaryOperator xOf = i -> left + (points == 1 ? pw / 2 : (int) Math.round((double) pw * i / (points - 1)));
        DoubleToIntFunction yOf = v -> top + ph - (int) Math.round(ph * (v - lo) / (hi - lo));
        for (int k = 0; k < series.size(); k++) {
            Charts.series(g, PALETTE[k % PALETTE.length], series.get(k), xOf, yOf);
            g.drawString(names.get(k), left + pw + 15, top + 20 + 22 * k);
        }
        write(img, file);
    }

    /** A confusion matrix (rows: true class, columns: predicted), cells shaded by row fraction. */
    public static void confusion(List<String> classes, int[][] counts, String title, Path file) {
        int c = classes.size();
        int cell = Math.max(36, Math.min(70, 560 / Math.max(1, c)));
        int left = 140;
        int top = 130;
        int w = left + cell * c + 30;
        int h = top + cell * c + 40;
        BufferedImage img = canvas(Math.max(w, 500), h);
        Graphics2D g = graphics(img);
        title(g, title, Math.max(w, 500));
        for (int j = 0; j < c; j++) {
            Graphics2D r = (Graphics2D) g.create();
            r.translate(left + j * cell + cell / 2 + 4, top - 6);
            r.rotate(-Math.PI / 4);
            r.setColor(Color.DARK_GRAY);
            r.drawString(classes.get(j), 0, 0);
            r.dispose();
        }
        for (int i = 0; i < c; i++) {
            int rowSum = 0;
            for (int v : counts[i]) {
                rowSum += v;
            }
            g.setColor(Color.DARK_GRAY);
            g.drawString(classes.get(i), 8, top + i * cell + cell / 2 + 5);
            for (int j = 0; j < c; j++) {
                double f = rowSum == 0 ? 0 : (double) counts[i][j] / rowSum;
                int shade = (int) Math.round(255 - 200 * f);
                g.setColor(new Color(shade, shade, 255));
                g.fillRect(left + j * cell, top + i * cell, cell, cell);
                g.setColor(f > 0.5 ? Color.WHITE : Color.BLACK);
                g.drawString(Integer.toString(counts[i][j]), left + j * cell + cell / 2 - 8, top + i * cell + cell / 2 + 5);
            }
        }
        write(img, file);
    }

    private static BufferedImage canvas(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        return g;
    }

    private static void title(Graphics2D g, String title, int w) {
        Font f = g.getFont();
        g.setFont(f.deriveFont(Font.BOLD, 16f));
        g.setColor(Color.BLACK);
        g.drawString(title, 10, 28);
        g.setFont(f);
    }

    private static void write(BufferedImage img, Path file) {
        try {
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }
}
