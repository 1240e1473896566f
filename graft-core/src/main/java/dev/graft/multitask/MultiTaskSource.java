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

    /**
     * Loads the splits with a {@code validationFraction} of train carved for validation; 0 keeps train
     * whole, as it is published ({@code graft data push}).
     */
    default MultiTaskSplits load(long seed, double validationFraction) {
        throw new dev.graft.GraftException("multi-task data set '" + name() + "' has a fixed validation split",
                "load it with load(seed), or publish a set that carves validation from train (mnist-tasks)");
    }
}
