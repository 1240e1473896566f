package dev.graft.hub;

import java.nio.file.Path;

/**
 * One change in a commit: add or replace a file, delete a file, or delete a folder.
 *
 * <pre>{@code
 * hub.commit(RepoType.MODEL, "alice/mnist-resnet", "main", "Add weights", List.of(
 *         CommitOperation.add("model.safetensors", Path.of("run/model.safetensors")),
 *         CommitOperation.delete("old.bin")));
 * }</pre>
 */
public sealed interface CommitOperation {
    /** Path of the change inside the repository. */
    String pathInRepo();

    /** Adds (or replaces) {@code pathInRepo} with the content of a local file. */
    static Add add(String pathInRepo, Path source) {
        return new Add(RepoPaths.checkPathInRepo(pathInRepo), source);
    }

    /** Deletes one file. */
    static Delete delete(String pathInRepo) {
        return new Delete(RepoPaths.checkPathInRepo(pathInRepo));
    }

    /** Deletes a folder and everything under it. */
    static DeleteFolder deleteFolder(String pathInRepo) {
        return new DeleteFolder(RepoPaths.checkPathInRepo(pathInRepo));
    }

    /** Adds or replaces a file. */
    record Add(String pathInRepo, Path source) implements CommitOperation {}

    /** Removes a file. */
    record Delete(String pathInRepo) implements CommitOperation {}

    /** Removes a folder. */
    record DeleteFolder(String pathInRepo) implements CommitOperation {}
}
