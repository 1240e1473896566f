package dev.graft.data;

import java.nio.file.Path;

/**
 * A named data set Graft knows how to obtain: fetched or generated once into
 * {@code GRAFT_HOME/data}, verified, then used offline.
 *
 * <pre>{@code
 * DataSplits splits = Datasets.source("mnist").load(42);          // 10 % of train as validation
 * DataSplits whole = Datasets.source("mnist").load(42, 0.0);      // the official train/test only
 * }</pre>
 */
public interface DatasetSource {
    /** The name users type, e.g. {@code mnist}. */
    String name();

    /** One line: what it is and where it comes from. */
    String description();

    /**
     * Its licence as a Hugging Face licence id ({@code mit}, {@code cc-by-4.0}, {@code other}), what
     * {@code graft data push} writes on the card; {@code unknown} by default.
     */
    default String license() {
        return "unknown";
    }

    /**
     * Extra facts {@code graft data info} shows, one line each (e.g. a fixed class split or what
     * text comes with the images); none by default.
     */
    default java.util.List<String> notes() {
        return java.util.List.of();
    }

    /**
     * The same data set with options typed after its name, {@code NAME?key=value&...} (e.g.
     * {@code emoji-twitter?label=category}); by default a built-in data set takes none and says so.
     */
    default DatasetSource withOptions(java.util.Map<String, String> options) {
        throw new dev.graft.GraftException("data set '" + name() + "' takes no options (" + String.join(", ", options.keySet()) + ")",
                "write just " + name());
    }

    /** Whether it is already in the local cache (no fetching needed). */
    boolean isCached();

    /** Fetches or generates it into the cache if needed; idempotent. */
    void fetch();

    /**
     * Fetches again even if cached ({@code force}), or copies it from a local folder instead of
     * the network ({@code from}, may be null). By default a source supports neither and says so.
     */
    default void fetch(boolean force, Path from) {
        if (from != null) {
            throw DataException.noLocalCopy(name());
        }
        if (force && isCached()) {
            throw DataException.noRefetch(name(), dev.graft.GraftHome.root().resolve("data").toString());
        }
        fetch();
    }

    /**
     * Loads the splits; validation is {@link Splits#DEFAULT_VALIDATION_FRACTION} of train, carved
     * deterministically (stratified) with {@code seed}.
     */
    DataSplits load(long seed);

    /**
     * Loads the splits with a validation carve-out of {@code validationFraction} of train
     * (0 keeps the whole train split and leaves validation empty).
     */
    default DataSplits load(long seed, double validationFraction) {
        DataSplits s = load(seed);
        ImageData all = s.validation().size() == 0 ? s.train() : Splits.concat(name() + "/train", s.train(), s.validation());
        return Splits.withValidation(name(), all, s.test(), validationFraction, seed);
    }
}
