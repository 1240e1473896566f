package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.data.DataException;
import dev.graft.train.Divergence;
import dev.graft.zoo.WeightsStep;
import dev.graft.zoo.ZooException;

/**
 * The CLI's wording of the library's errors: where a fix names a Java option or the library's
 * API, the CLI names its own command or flag instead. The library throws typed errors ({@link
 * ZooException}, {@link SettingException}, {@link DataException}) whose reason says which wording
 * applies; errors without a CLI wording keep their fix.
 */
public final class CliErrors {
    private CliErrors() {}

    /** The problem and the CLI's fix on one line, as {@link GraftException#oneLine}. */
    public static String oneLine(GraftException e) {
        String fix = fix(e);
        return fix == null ? e.getMessage() : e.getMessage() + " (" + fix + ")";
    }

    /** The fix in the CLI's words, or {@code null}. */
    public static String fix(GraftException e) {
        if (e instanceof SettingException s) {
            return settingFix(s);
        }
        if (e instanceof DataException d) {
            return dataFix(d);
        }
        if (!(e instanceof ZooException z)) {
            return e.fix();
        }
        return switch (z.reason()) {
            case UNKNOWN_MODEL -> z.suggestions().isEmpty() ? "see `graft models list` for the catalogue" : z.fix();
            case WEIGHTS_NOT_HERE -> (z.weightsStep() == null ? "" : weightsStep(z.weightsStep()) + ", or ") + ZooException.GIVE_A_SOURCE;
            case KEYS_MISMATCH -> "pick the architecture the weights were saved from, or load non-strictly (--non-strict)";
            case SHAPES_MISMATCH ->
                "pick the architecture and class count (--num-classes) the weights were saved with; shapes must agree even when not strict";
            case IMAGE_OPTIONS_FOR_TOKENS -> "leave out --in-chans and --img-size";
        };
    }

    /** A setting's fix naming the flag that sets it. */
    static String settingFix(SettingException e) {
        return switch (e.reason()) {
            case LR_NOT_POSITIVE -> "give --lr > 0, e.g. 0.01";
            case EPOCHS_BELOW_ONE -> "give --epochs 1 or more";
            case BATCH_SIZE_BELOW_ONE -> "give --batch-size 1 or more";
            case TOP_LAYERS_BELOW_ONE -> "train at least the top layer (--top-layers 1)";
            case TOP_LAYERS_ABOVE_LAYERS -> "use --top-layers between 1 and " + e.value() + " (or --strategy full)";
            case ALL_FROZEN -> "freeze fewer stages (--freeze-stages) or use --strategy head";
            case CHANNELS_MISMATCH -> "use a model with " + e.value() + " input channels (--in-chans) or convert the images";
            case FIT_TOO_LARGE -> "use --fit " + e.value() + " or less";
            case PROBE_FOLDS_BELOW_TWO -> "use --probe-folds 2 or more (0 turns the probe off)";
            case NO_CLASSIFIER -> "use --strategy full or partial";
            case NO_FEATURE_STATS -> "weights made by `graft pretrain` carry them; for other weights pass --strategy explicitly";
            case DIVERGED -> "lower the learning rate (" + (e.value() == null ? "--lr" : "e.g. --lr " + e.value()) + ")" + Divergence.DIVERGED_TAIL;
            case SEED_MISMATCH -> "resume with --seed " + e.value();
            case ADAPT_BUDGET -> "fix --epochs, --iterations or --batch-size";
            case TOO_FEW_LABELS -> "give at least two labels, e.g. --labels animal,plant";
            case NO_BASELINES -> "give --baseline the results.json (or run folder) of a --single-task run covering every task";
            case FOLDER_NOT_EMPTY -> "pass --overwrite to write over it" + (e.value() == null ? "" : ", or " + e.value() + " to continue the run in it")
                    + ", or choose another folder";
            case OUT_NOT_A_FOLDER -> "pass another --out folder";
            case OUT_NOT_WRITABLE -> "pass a writable --out folder";
        };
    }

    /** A data set's fix naming {@code graft data get} and its flags. */
    static String dataFix(DataException e) {
        String get = "`graft data get " + e.dataset();
        return switch (e.reason()) {
            case NOT_FETCHED -> "run " + get + "`";
            case DAMAGED -> "re-run " + get + " --force`";
            case FETCHED_WRONG -> "the copy is damaged or a different version; re-run " + get + " --force` or give the original files with --from DIR";
            case FETCH_FAILED -> {
                String copy = e.localFiles() == null ? null : "use " + get + " --from DIR` with a folder holding " + e.localFiles();
                yield e.detail() == null ? copy : copy == null ? e.detail() : e.detail() + ", or " + copy;
            }
            case NO_LOCAL_COPY -> "run " + get + "` without --from";
            case NO_REFETCH -> "remove its folder under " + e.detail() + " and run " + get + "`";
            case NO_DATA_GIVEN -> "name a built-in data set (graft data list) or user data: " + e.detail();
            case UNKNOWN_PREFIX -> "use " + e.detail() + " or a built-in name (graft data list)";
        };
    }

    /** What makes a catalogue tag's weights available, naming {@code graft pretrain}; null for null. */
    public static String weightsStep(WeightsStep step) {
        if (step == null || !step.pretrain()) {
            return step == null ? null : step.other();
        }
        String make = "make them with `" + pretrainCommand(step.architecture(), step.data()) + "`";
        return step.other() == null ? make : step.other() + ", or " + make;
    }

    /** The command that makes weights of {@code arch} trained on {@code data} (DATA when unknown). */
    public static String pretrainCommand(String arch, String data) {
        return "graft pretrain --model " + arch + " --data " + (data == null ? "DATA" : data);
    }
}
