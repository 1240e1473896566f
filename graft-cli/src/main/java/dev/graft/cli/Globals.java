package dev.graft.cli;

/** Values of the global flags that commands read (set by {@link GraftCli}). */
public final class Globals {
    /** {@code --seed}; every random choice in a command derives from it. */
    public static long seed = 42L;
    /** {@code --debug}: print stack traces. */
    public static boolean debug;

    private Globals() {}
}
