package dev.graft.cli.hub;

import dev.graft.hub.protocol.RepoType;
import picocli.CommandLine.Option;

/** {@code --type model|dataset}: the kind of repository a hub verb acts on (a picocli mixin). */
public final class RepoTypeOption {
    @Option(names = "--type", defaultValue = "model", description = "model or dataset (default: ${DEFAULT-VALUE}).")
    String type;

    /** The parsed type; an unknown one fails with the known ones named. */
    public RepoType get() {
        return RepoType.parse(type);
    }
}
