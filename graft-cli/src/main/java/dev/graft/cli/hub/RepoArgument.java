package dev.graft.cli.hub;

import dev.graft.hub.protocol.RepoType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The {@code REPO} (owner/name) that a hub verb takes as its first argument, with the {@code --type}
 * saying which kind of repository it is (a picocli mixin): every verb that names a repository this way
 * needs both.
 */
public final class RepoArgument {
    @Parameters(index = "0", paramLabel = "REPO", description = "owner/name")
    String repo;

    @Mixin
    RepoTypeOption type;

    public String get() {
        return repo;
    }

    /** The parsed {@code --type}. */
    public RepoType type() {
        return type.get();
    }
}
