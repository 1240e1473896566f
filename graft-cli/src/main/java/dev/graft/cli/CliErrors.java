package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.zoo.WeightsStep;
import dev.graft.zoo.ZooException;

/**
 * The CLI's wording of the library's errors: where a fix names a Java option or the pretraining
 * API, the CLI names its own command or flag instead. Errors without a CLI wording keep their fix.
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
