package dev.graft.zoo;

import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.List;

/**
 * An error of the zoo that a front end may word in its own terms: {@link #reason} says which error
 * it is and the accessors carry what a wording needs. Its message and fix are the library's own
 * and name no command or flag of any front end (the CLI adds those).
 *
 * <pre>{@code
 * try {
 *     Zoo.create("resnet19");
 * } catch (ZooException e) {
 *     if (e.reason() == ZooException.Reason.UNKNOWN_MODEL) { ... e.suggestions() ... }
 * }
 * }</pre>
 */
public final class ZooException extends GraftException {
    /** Which error. */
    public enum Reason {
        /** No architecture of that name; {@link #suggestions} holds close names, possibly none. */
        UNKNOWN_MODEL,
        /** A catalogue tag's weights are not on this machine; {@link #weightsStep} says what makes them available. */
        WEIGHTS_NOT_HERE,
        /** Strict loading found missing or unexpected keys (shapes agree). */
        KEYS_MISMATCH,
        /** Some tensors have another shape than the model's (also when not strict). */
        SHAPES_MISMATCH,
        /** Image options (input channels, image size) were given for a model that takes token ids. */
        IMAGE_OPTIONS_FOR_TOKENS
    }

    private final Reason reason;
    private final String model;
    private final List<String> suggestions;
    private final WeightsStep weightsStep;

    private ZooException(Reason reason, String model, List<String> suggestions, WeightsStep weightsStep, String problem, String fix) {
        super(problem, fix);
        this.reason = reason;
        this.model = model;
        this.suggestions = List.copyOf(suggestions);
        this.weightsStep = weightsStep;
    }

    /** An unknown model name, with the close names (possibly none). */
    public static ZooException unknownModel(String name, List<String> suggestions) {
        return new ZooException(Reason.UNKNOWN_MODEL, name, suggestions, null, "unknown model '" + name + "'",
                suggestions.isEmpty() ? "Zoo.list() lists the catalogue" : "did you mean " + String.join(", ", suggestions) + "?");
    }

    /** The weights of a catalogue tag are not in {@code dir}; {@code step} makes them available. */
    public static ZooException weightsNotHere(String archDotTag, Path dir, WeightsStep step) {
        return new ZooException(Reason.WEIGHTS_NOT_HERE, archDotTag, List.of(), step,
                "the weights of " + archDotTag + " are not on this machine (looked in " + dir + ")",
                (step == null ? "" : step.describe() + ", or ") + GIVE_A_SOURCE);
    }

    /** Weights in {@code file} do not fit {@code model}; {@code shapes} when some shapes differ, else keys. */
    public static ZooException weightsMismatch(String model, Path file, String details, boolean shapes) {
        return new ZooException(shapes ? Reason.SHAPES_MISMATCH : Reason.KEYS_MISMATCH, model, List.of(), null,
                "weights in " + file + " do not match " + model + ": " + details,
                shapes ? "pick the architecture and class count the weights were saved with; shapes must agree even when not strict"
                        : "pick the architecture the weights were saved from, or load non-strictly");
    }

    /** Image options given for {@code arch}, which takes token ids. */
    public static ZooException imageOptionsForTokens(String arch) {
        return new ZooException(Reason.IMAGE_OPTIONS_FOR_TOKENS, arch, List.of(), null,
                arch + " takes token ids, not images, so in_chans and img_size do not apply", "leave out inChans and imgSize");
    }

    /** The fix's tail that names the weights sources {@link Zoo#create} takes. */
    public static final String GIVE_A_SOURCE = "give a source (file:, local-dir:, hf-hub:)";

    /** Which error this is. */
    public Reason reason() {
        return reason;
    }

    /** The model (architecture or {@code arch.tag}) the error is about. */
    public String model() {
        return model;
    }

    /** For {@link Reason#UNKNOWN_MODEL}: close names, possibly none; else empty. */
    public List<String> suggestions() {
        return suggestions;
    }

    /** For {@link Reason#WEIGHTS_NOT_HERE}: what makes the weights available; else null. */
    public WeightsStep weightsStep() {
        return weightsStep;
    }
}
