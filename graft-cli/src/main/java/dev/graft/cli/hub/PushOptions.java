package dev.graft.cli.hub;

import picocli.CommandLine.Option;

/**
 * {@code --push-to owner/name [--private]}: publish what a command made (a fine-tuned model, pretrained
 * weights) to the hub when it finishes. Shared by the verbs that make models.
 */
public final class PushOptions {
    @Option(names = "--push-to", paramLabel = "REPO", description = "When done, push the model to the hub as owner/name"
            + " (GRAFT_ENDPOINT, else this machine's hub).")
    public String repo;

    @Option(names = "--private", description = "With --push-to: create the repository as private.")
    public boolean isPrivate;

    /** Fails before any work if the repository name is malformed. */
    public void check() {
        ModelPublisher.checkRepo(repo);
    }

    public boolean requested() {
        return repo != null;
    }
}
