package dev.graft;

/**
 * An error whose fix is to change a setting (an option of a builder or a config record) that a
 * front end may word in its own terms: {@link #reason} says which error it is, {@link
 * Reason#setting} names the setting by its Java name and {@link #value} carries the number the
 * wording needs. Its message and fix are the library's own and name no command or flag of any
 * front end (the CLI adds those).
 *
 * <pre>{@code
 * try {
 *     TrainConfig.defaults().withLr(0);
 * } catch (SettingException e) {
 *     e.reason();            // LR_NOT_POSITIVE
 *     e.reason().setting();  // "lr"
 * }
 * }</pre>
 */
public final class SettingException extends GraftException {
    /** Which error; each names the setting to change by its Java name. */
    public enum Reason {
        /** The learning rate is not a positive number. */
        LR_NOT_POSITIVE("lr"),
        /** Fewer than one epoch. */
        EPOCHS_BELOW_ONE("epochs"),
        /** A batch size below one. */
        BATCH_SIZE_BELOW_ONE("batchSize"),
        /** Partial fine-tuning of fewer than one top layer. */
        TOP_LAYERS_BELOW_ONE("topLayers"),
        /** Partial fine-tuning of more top layers than the model has; {@link #value} is the number of layers. */
        TOP_LAYERS_ABOVE_LAYERS("topLayers"),
        /** The strategy and frozen stages leave nothing to train. */
        ALL_FROZEN("freezeStages"),
        /** The data's channel count fits no input of the model; {@link #value} is the data's channel count. */
        CHANNELS_MISMATCH("inChans"),
        /** The fit box is larger than the model's input; {@link #value} is the largest box that fits. */
        FIT_TOO_LARGE("fit"),
        /** The strategy probe was asked for fewer than two folds. */
        PROBE_FOLDS_BELOW_TWO("probeFolds"),
        /** Strategy {@code head} on a model without a classifier layer. */
        NO_CLASSIFIER("strategy"),
        /** Strategy {@code auto} on weights without feature statistics. */
        NO_FEATURE_STATS("strategy"),
        /** Training diverged; {@link #value} is a lower learning rate to try, or null when the rate is not known. */
        DIVERGED("lr"),
        /** A resumed run's seed differs from its checkpoint's; {@link #value} is the checkpoint's seed. */
        SEED_MISMATCH("seed"),
        /** The domain-adaptation budget (epochs, iterations per epoch, batch size) is out of range. */
        ADAPT_BUDGET("epochs"),
        /** Zero-shot classification without labels. */
        TOO_FEW_LABELS("classNames"),
        /** Multi-task results without a single-task baseline for every task. */
        NO_BASELINES("baselines"),
        /**
         * The output folder has content and overwriting was not allowed; {@link #value} is how the caller
         * continues a run in it (in the caller's words), or null.
         */
        FOLDER_NOT_EMPTY("overwrite"),
        /** The output folder is a file. */
        OUT_NOT_A_FOLDER("outDir"),
        /** The output folder cannot be read or written. */
        OUT_NOT_WRITABLE("outDir");

        private final String setting;

        Reason(String setting) {
            this.setting = setting;
        }

        /** The Java name of the setting to change, e.g. {@code "lr"} for {@code TrainConfig.lr}. */
        public String setting() {
            return setting;
        }
    }

    private final Reason reason;
    private final String value;

    /**
     * @param problem what is wrong
     * @param fix the fix in the library's terms
     * @param value the number the reason's wording needs (see {@link Reason}), or null
     */
    public SettingException(Reason reason, String value, String problem, String fix) {
        this(reason, value, problem, fix, null);
    }

    /** As {@link #SettingException(Reason, String, String, String)}, with the cause. */
    public SettingException(Reason reason, String value, String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
        this.reason = reason;
        this.value = value;
    }

    /** Which error this is. */
    public Reason reason() {
        return reason;
    }

    /** The number the wording needs (see {@link Reason}), or null. */
    public String value() {
        return value;
    }
}
