package dev.graft.cli.hub;

import java.nio.file.Path;
import java.util.List;
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

    /** Publishes {@code files} of {@code dir} (all of it when null) to the --push-to repository as one commit. */
    public ModelPublisher.Published publish(Path dir, List<String> files, String message) {
        return ModelPublisher.publish(dir, files, repo, message, isPrivate);
    }
}
