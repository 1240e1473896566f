package dev.graft.progress;

import java.io.PrintStream;

/**
 * Process-wide output settings set by the CLI's global flags: {@code --quiet} silences progress
 * and chatter, {@code --json} asks commands for machine-readable results on standard output.
 *
 * <p>Progress and notes go to standard error so standard output stays clean for results.
 */
public final class Output {
    private static volatile boolean quiet;
    private static volatile boolean json;

    private Output() {}

    public static void configure(boolean quietFlag, boolean jsonFlag) {
        quiet = quietFlag;
        json = jsonFlag;
    }

    public static boolean quiet() {
        return quiet;
    }

    public static boolean json() {
        return json;
    }

    /** A note for the user on standard error (suppressed by --quiet). */
    public static void note(String message) {
        if (!quiet) {
            err().println(message);
        }
    }

    /** A warning on standard error; shown even with --quiet, since it may change a result. */
    public static void warn(String message) {
        err().println("warning: " + message);
    }

    static PrintStream err() {
        return System.err;
    }
}
