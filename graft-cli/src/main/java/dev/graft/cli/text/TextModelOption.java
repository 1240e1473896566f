package dev.graft.cli.text;

import dev.graft.text.TextEncoder;
import picocli.CommandLine.Option;

/**
 * The {@code --model} option every text verb shares (through {@link TextVerb}), and opening the model
 * it names.
 *
 * <pre>{@code
 * try (TextEncoder enc = textModel.open()) { ... }
 * }</pre>
 */
public final class TextModelOption {
    /** The text model a verb uses when --model is not given. */
    static final String DEFAULT = "all-MiniLM-L6-v2";

    @Option(names = "--model", defaultValue = DEFAULT, paramLabel = "M",
            description = "Text model: all-MiniLM-L6-v2 (default), a model folder, or a GPT-2 (e.g. gpt2_graft_small.graft_wordnet_glosses).")
    String name;

    /** Whether --model was left at its default, the text model. */
    boolean isDefault() {
        return DEFAULT.equals(name);
    }

    /** The named model, through {@link TextModels#open} (a first MiniLM import is published to the local hub). */
    TextEncoder open() {
        return TextModels.open(name);
    }
}
