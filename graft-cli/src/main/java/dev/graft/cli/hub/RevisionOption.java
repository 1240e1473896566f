package dev.graft.cli.hub;

import picocli.CommandLine.Option;

/** {@code --revision}: the branch, tag or commit a reading hub verb looks at, main when not given (a picocli mixin). */
public final class RevisionOption {
    @Option(names = "--revision", description = "Branch, tag or commit sha (default: main).")
    String revision;

    /** The revision, or null for the hub's default branch. */
    public String get() {
        return revision;
    }
}
