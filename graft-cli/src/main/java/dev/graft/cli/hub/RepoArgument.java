package dev.graft.cli.hub;

import picocli.CommandLine.Parameters;

/** The {@code REPO} (owner/name) that a hub verb takes as its first argument (a picocli mixin). */
public final class RepoArgument {
    @Parameters(index = "0", paramLabel = "REPO", description = "owner/name")
    String repo;

    public String get() {
        return repo;
    }
}
