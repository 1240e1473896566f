package dev.graft.multitask;

/**
 * A named multi-task data set Graft knows how to build: generated once into {@code GRAFT_HOME/data},
 * then used offline.
 *
 * <pre>{@code
 * MultiTaskSplits s = MultiTaskDatasets.source("multimnist").load(42);
 * }</pre>
 */
public interface MultiTaskSource {
    /** The name users type, e.g. {@code multimnist}. */
    String name();

    /** One line: what it is and how it is made. */
    String description();

    /** Whether it is already in the local cache. */
    boolean isCached();

    /** Builds it into the cache if needed; idempotent. */
    void fetch();

    /** Loads the splits; validation is carved from train deterministically with {@code seed}. */
    MultiTaskSplits load(long seed);
}
