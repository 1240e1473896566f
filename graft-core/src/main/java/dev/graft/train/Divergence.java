package dev.graft.train;

import dev.graft.SettingException;
import java.util.Locale;

/**
 * The one rule every trainer applies to its loss (fine-tuning, pretraining, domain adaptation,
 * multi-task, text): a loss that is NaN or infinite ends the run with an error, before anything is
 * exported, so a diverged run exits non-zero and never replaces a good model.
 *
 * <pre>{@code
 * Divergence.check(loss.getFloat(), "the loss", "epoch 3, step 120", lr);
 * }</pre>
 */
public final class Divergence {
    private Divergence() {}

    /**
     * Throws {@link #error} when {@code value} is NaN or infinite.
     *
     * @param what what was measured, e.g. {@code "the loss"}
     * @param where where in the run, e.g. {@code "epoch 1, step 6"}
     * @param lr the learning rate in use (NaN when not known)
     */
    public static void check(double value, String what, String where, double lr) {
        if (!Double.isFinite(value)) {
            throw error(what + " is " + value, where, lr);
        }
    }

    /** The error of a diverged run: what went non-finite, where, and what to change. */
    public static SettingException error(String problem, String where, double lr) {
        String rate = Double.isNaN(lr) ? "" : String.format(Locale.ROOT, " (learning rate %.3g)", lr);
        String lower = Double.isNaN(lr) ? null : String.format(Locale.ROOT, "%.3g", lr / 10);
        return new SettingException(SettingException.Reason.DIVERGED, lower, "training diverged: " + problem + " at " + where + rate,
                "lower the learning rate (" + (lower == null ? "TrainConfig.lr" : "e.g. TrainConfig.lr " + lower) + ")" + DIVERGED_TAIL);
    }

    /** The end of the fix of a diverged run, after the advice on the learning rate. */
    public static final String DIVERGED_TAIL = ", keep gradient clipping on, or check the inputs for NaN; nothing was exported";
}
