package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.progress.Output;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reader does with a bad row of a hub data set (an image that does not decode or has another
 * size, a missing image or label, a label outside the declared class names, an empty text): by default
 * the row's one-line error stops the run; when skipping is asked for ({@code ?skip-bad=true} on the data
 * argument, or {@link #skipByDefault} as {@code graft --skip-bad} sets it) the row is left out, counted,
 * and the count and the first errors are reported once the data set is read. Nothing is dropped silently.
 *
 * <pre>{@code
 * BadRows bad = BadRows.of(spec);
 * try { ... read row ... } catch (GraftException e) { bad.skip(e); }   // rethrows unless skipping
 * bad.report();                                                        // "skipped 2 bad rows of ...: ..."
 * }</pre>
 */
public final class BadRows {
    /** Errors quoted in the report. */
    static final int QUOTED = 3;

    private static volatile boolean skipByDefault;

    private final String dataset;
    private final boolean skip;
    private final List<String> quoted = new ArrayList<>();
    private long count;

    BadRows(String dataset, boolean skip) {
        this.dataset = dataset;
        this.skip = skip;
    }

    /** For the rows of the data set {@code spec} names: skipping when it says {@code skip-bad=true}, or by default. */
    static BadRows of(DataSpec spec) {
        return new BadRows(spec.text(), spec.skipBad() != null ? spec.skipBad() : skipByDefault);
    }

    /** Whether bad rows of hub data sets are skipped when the data argument does not say (default false). */
    public static void skipByDefault(boolean skip) {
        skipByDefault = skip;
    }

    /** Whether bad rows are skipped when the data argument does not say. */
    public static boolean skippingByDefault() {
        return skipByDefault;
    }

    /** A bad row: rethrown (with how to skip such rows) unless skipping, else counted. */
    void skip(GraftException e) {
        if (!skip) {
            throw new GraftException(e.getMessage(), (e.fix() == null ? "" : e.fix() + ", ") + "or leave such rows out with --skip-bad", e);
        }
        count++;
        if (quoted.size() < QUOTED) {
            quoted.add(e.getMessage());
        }
    }

    /** Rows skipped so far. */
    long count() {
        return count;
    }

    /** Says how many rows were skipped and why (the first {@value #QUOTED}), when any were. */
    void report() {
        if (count > 0) {
            Output.warn("skipped " + count + " bad row" + (count == 1 ? "" : "s") + " of " + dataset + ": " + String.join("; ", quoted)
                    + (count > quoted.size() ? "; ..." : ""));
        }
    }
}
