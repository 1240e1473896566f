package dev.graft.text;

/**
 * A named text data set Graft can build offline, as {@link dev.graft.data.DatasetSource} is for images.
 *
 * <pre>{@code
 * TextSplits s = TextDatasets.source("wordnet-topics").load(42);
 * }</pre>
 */
public interface TextSource {
    /** The name users type, e.g. {@code wordnet-topics}. */
    String name();

    /** One line: what it is and where it comes from. */
    String description();

    /** Its licence as a Hugging Face licence id, what {@code graft data push} writes on the card; {@code unknown} by default. */
    default String license() {
        return "unknown";
    }

    /** Loads the splits; validation is carved from train deterministically with {@code seed}. */
    TextSplits load(long seed);
}
