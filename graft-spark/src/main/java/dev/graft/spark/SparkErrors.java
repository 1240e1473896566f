package dev.graft.spark;

import dev.graft.GraftException;
import java.util.function.Supplier;

/**
 * Spark's failures as Graft's one-line errors: a {@link GraftException} thrown in an executor (a model that
 * does not load there, a bad image) comes back to the driver inside Spark's job failure, and is found again
 * here, with its message and fix, instead of Spark's stack of task failures.
 *
 * <pre>{@code
 * long n = SparkErrors.run(() -> GraftSpark.embed(df, "no-such-model").count());   // GraftException: model ... does not load in the executor ...
 * }</pre>
 */
public final class SparkErrors {
    private static final String MARK = GraftException.class.getName() + ": ";

    private SparkErrors() {}

    /** Runs a Spark action, turning its failure into a {@link GraftException} ({@link #explain}). */
    public static <T> T run(Supplier<T> action) {
        try {
            return action.get();
        } catch (GraftException e) {
            throw e;
        } catch (Exception e) {   // Spark's SparkException is checked, thrown from Scala undeclared
            throw explain(e);
        }
    }

    /**
     * The {@link GraftException} behind a Spark failure: the one in its causes (as Spark sends it back from
     * the executor), else the one named in its message, else Spark's own first line.
     */
    public static GraftException explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof GraftException g) {
                return new GraftException(g.getMessage(), g.fix(), failure);
            }
        }
        String msg = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        int at = msg.indexOf(MARK);
        if (at >= 0) {
            String line = firstLine(msg.substring(at + MARK.length()));
            return new GraftException(line, null, failure);
        }
        return new GraftException("Spark failed: " + firstLine(msg), "run with --debug for Spark's details", failure);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
