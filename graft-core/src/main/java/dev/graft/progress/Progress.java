package dev.graft.progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of long work: a redrawn bar with rate and ETA on a terminal, plain periodic lines when
 * the output is a file or a pipe, nothing with {@code --quiet}.
 *
 * <p>{@code GRAFT_PROGRESS=bar|plain|off} overrides the choice.
 *
 * <pre>{@code
 * try (Progress p = Progress.start("epoch 1", batches, "batch")) {
 *     for (...) { train(); p.step(1); p.status("loss 0.31"); }
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {
    /** How progress is shown. */
    public enum Mode { BAR, PLAIN, OFF }

    private static final long PLAIN_INTERVAL_NANOS = 10_000_000_000L;
    private static final long BAR_INTERVAL_NANOS = 100_000_000L;

    private final String label;
    private final long total;
    private final String unit;
    private final Mode mode;
    private final PrintStream out;
    private final long startNanos;
    private long done;
    private long lastDraw;
    private int lastPlainDecile = -1;
    private long lastPrintedDone = -1;
    private String status = "";
    private boolean closed;

    private Progress(String label, long total, String unit, Mode mode, PrintStream out) {
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.mode = mode;
        this.out = out;
        this.startNanos = System.nanoTime();
        this.lastDraw = startNanos - PLAIN_INTERVAL_NANOS;
    }

    /** Starts progress over {@code total} units ({@code total <= 0} when unknown). */
    public static Progress start(String label, long total, String unit) {
        return new Progress(label, total, unit, defaultMode(), Output.err());
    }

    /** For tests and for callers that pick the mode and stream themselves. */
    public static Progress start(String label, long total, String unit, Mode mode, PrintStream out) {
        return new Progress(label, total, unit, mode, out);
    }

    /** The mode from --quiet, GRAFT_PROGRESS and whether a terminal is attached. */
    public static Mode defaultMode() {
        if (Output.quiet()) {
            return Mode.OFF;
        }
        String env = System.getenv("GRAFT_PROGRESS");
        if (env != null) {
            switch (env.toLowerCase(Locale.ROOT)) {
                case "bar": return Mode.BAR;
                case "plain": return Mode.PLAIN;
                case "off": case "0": case "false": return Mode.OFF;
                default: break;
            }
        }
        return System.console() != null ? Mode.BAR : Mode.PLAIN;
    }

    /** Adds {@code n} finished units. */
    public synchronized void step(long n) {
        done += n;
        maybeDraw(false);
    }

    /** A short status shown after the counters, e.g. the running loss. */
    public synchronized void status(String text) {
        status = text == null ? "" : text;
    }

    public synchronized long done() {
        return done;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        maybeDraw(true);
        if (mode == Mode.BAR) {
            out.println();
        }
        out.flush();
    }

    private void maybeDraw(boolean last) {
        if (mode == Mode.OFF) {
            return;
        }
        long now = System.nanoTime();
        if (mode == Mode.BAR) {
            if (last || now - lastDraw >= BAR_INTERVAL_NANOS) {
                lastDraw = now;
                out.print("\r" + line(now, true) + "\u001b[K");
                out.flush();
            }
            return;
        }
        int decile = total > 0 ? (int) Math.min(10, done * 10 / total) : -1;
        boolean newDecile = total > 0 && decile > lastPlainDecile;
        // The closing line repeats nothing: it is printed only if the count moved since the last line.
        boolean closingNews = last && done != lastPrintedDone;
        if (closingNews || newDecile || (!last && now - lastDraw >= PLAIN_INTERVAL_NANOS)) {
            lastDraw = now;
            lastPrintedDone = done;
            lastPlainDecile = Math.max(lastPlainDecile, decile);
            out.println(line(now, false));
        }
    }

    String line(long now, boolean bar) {
        double secs = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = done / secs;
        StringBuilder sb = new StringBuilder(label).append(' ');
        if (total > 0) {
            double frac = Math.min(1.0, (double) done / total);
            if (bar) {
                int width = 24;
                int filled = (int) Math.round(frac * width);
                sb.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
            }
            sb.append(String.format(Locale.ROOT, "%3.0f%% %d/%d %s", frac * 100, done, total, unit));
            double eta = rate > 0 ? (total - done) / rate : Double.NaN;
            sb.append(String.format(Locale.ROOT, " %s/s, %s, ETA %s", fmtRate(rate), fmtTime(secs), fmtTime(eta)));
        } else {
            sb.append(String.format(Locale.ROOT, "%d %s %s/s, %s", done, unit, fmtRate(rate), fmtTime(secs)));
        }
        if (!status.isEmpty()) {
            sb.append(" | ").append(status);
        }
        return sb.toString();
    }

    private static String fmtRate(double r) {
        return r >= 100 ? String.format(Locale.ROOT, "%.0f", r) : String.format(Locale.ROOT, "%.2f", r);
    }

    static String fmtTime(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) {
            return "?";
        }
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
