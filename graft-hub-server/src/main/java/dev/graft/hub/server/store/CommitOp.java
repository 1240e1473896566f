package dev.graft.hub.server.store;

/** One change in a commit: add or replace a file, delete a file, or delete a folder. */
public sealed interface CommitOp {
    /** Adds or replaces a file whose content is already in the blob store. */
    record Put(FileEntry file) implements CommitOp {}

    /** Deletes a file; the commit fails with 404 when it does not exist. */
    record Delete(String path) implements CommitOp {}

    /** Deletes every file under a folder. */
    record DeleteFolder(String path) implements CommitOp {}
}
