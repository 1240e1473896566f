package dev.graft.cli;

/** Values of the global flags that commands read (set by {@link GraftCli}). */
public final class Globals {
    /** The seed when {@code --seed} is not given. */
    public static final long DEFAULT_SEED = dev.graft.train.TrainConfig.DEFAULT_SEED;
    /** {@code --seed}; every random choice in a command derives from it. */
    public static long seed = DEFAULT_SEED;
    /** {@code --debug}: print stack traces. */
    public static boolean debug;

    private Globals() {}
}
