package dev.graft.data;

/**
 * A named data set Graft knows how to obtain: fetched or generated once into
 * {@code GRAFT_HOME/data}, verified, then used offline.
 *
 * <pre>{@code
 * DataSplits splits = Datasets.source("mnist").load(42);
 * }</pre>
 */
public interface DatasetSource {
    /** The name users type, e.g. {@code mnist}. */
    String name();

    /** One line: what it is and where it comes from. */
    String description();

    /** Whether it is already in the local cache (no fetching needed). */
    boolean isCached();

    /** Fetches or generates it into the cache if needed; idempotent. */
    void fetch();

    /** Loads the splits; validation is carved from train deterministically with {@code seed}. */
    DataSplits load(long seed);
}
