package dev.graft.hub.server.store;

import java.util.List;

/**
 * An immutable commit: a full file tree plus who, when and why.
 *
 * @param id 40 hex digits: sha1 of the commit's canonical JSON without the id
 * @param parents parent commit ids (empty for the first commit)
 * @param author user name of the committer
 * @param title summary line
 * @param message longer description (may be empty)
 * @param time epoch milliseconds
 * @param files the whole tree, sorted by path
 */
public record Commit(String id, List<String> parents, String author, String title, String message, long time,
        List<FileEntry> files) {

    /** The file at {@code path}, or {@code null}. */
    public FileEntry file(String path) {
        for (FileEntry f : files) {
            if (f.path().equals(path)) {
                return f;
            }
        }
        return null;
    }

    /** The first parent, or {@code null}. */
    public String parent() {
        return parents.isEmpty() ? null : parents.get(0);
    }
}
