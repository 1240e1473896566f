package dev.graft.cli.hub;

import picocli.CommandLine.Option;

/** {@code --dry-run} of the verbs that delete from the cache: report, delete nothing (a picocli mixin). */
public final class DryRunOption {
    @Option(names = "--dry-run", description = "Only show what would be deleted.")
    boolean dryRun;

    public boolean get() {
        return dryRun;
    }
}
