package dev.graft.hub.server.store;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoPaths;
import dev.graft.hub.server.HubError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The branches and tags of the repositories in a {@link FileRepoStore}: one small file per ref under
 * {@code refs/heads/} and {@code refs/tags/} holding a commit id, written atomically under the repository's lock.
 */
final class RefStore {
    private final FileRepoStore store;

    RefStore(FileRepoStore store) {
        this.store = store;
    }

    /**
     * Resolves a revision to a commit id: a branch, a tag, {@code HEAD} (the main branch) or a full
     * commit id of this repository; 404 {@code RevisionNotFound} otherwise.
     */
    String resolve(RepoId id, String revision) {
        store.requireMeta(id);
        return Commits.resolve(id, revision, (kind, name) -> read(id, kind, name),
                rev -> Files.isRegularFile(store.dir(id).resolve("commits").resolve(rev + ".json")));
    }

    /** The commit id a ref file holds, or {@code null} when there is none of that name (or the name is no ref name). */
    String read(RepoId id, String kind, String name) {
        if (name.isEmpty() || name.contains("..") || name.startsWith("/") || name.contains("\\") || name.indexOf(0) >= 0) {
            return null;
        }
        try {
            return Files.readString(store.dir(id).resolve("refs").resolve(kind).resolve(name), StandardCharsets.US_ASCII).trim();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /** Ref name to commit id of one kind ({@code heads} or {@code tags}), sorted by name. */
    Map<String, String> list(RepoId id, String kind) throws IOException {
        store.requireMeta(id);
        Path base = store.dir(id).resolve("refs").resolve(kind);
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(base)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = base.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".tmp-")) {
                    out.put(name, Files.readString(p, StandardCharsets.US_ASCII).trim());
                }
            }
        }
        return out;
    }

    /** Creates a ref of a kind at a revision; 409 if it, or a ref it would clash with, exists. */
    void create(RepoId id, String kind, String name, String revision) throws IOException {
        store.locked(id, () -> {
            String target = resolve(id, revision);
            String what = kind.equals("tags") ? "tag" : "branch";
            if (read(id, kind, name) != null) {
                throw HubError.conflict(what + " '" + name + "' already exists in " + id);
            }
            String other = kind.equals("tags") ? "heads" : "tags";
            if (read(id, other, name) != null) {
                throw HubError.conflict("a " + (other.equals("tags") ? "tag" : "branch") + " named '" + name + "' exists in " + id
                        + ": a " + what + " of the same name would make the revision ambiguous; choose another name");
            }
            // Git refs are files: 'a' and 'a/b' cannot both be branches (or both tags).
            Path base = store.dir(id).resolve("refs").resolve(kind);
            String prefix = "";
            for (String part : name.substring(0, Math.max(0, name.lastIndexOf('/'))).split("/")) {
                prefix = prefix.isEmpty() ? part : prefix + "/" + part;
                if (!prefix.isEmpty() && Files.isRegularFile(base.resolve(prefix))) {
                    throw HubError.conflict("'" + name + "' cannot be created: '" + prefix + "' is a " + what + " in " + id
                            + ", and a " + what + " name cannot also be a folder of " + what + " names");
                }
            }
            if (Files.isDirectory(base.resolve(name))) {
                throw HubError.conflict("'" + name + "' cannot be created: " + (what.equals("tag") ? "tags" : "branches") + " named '" + name + "/...' exist in "
                        + id + ", and a " + what + " name cannot also be a folder of " + what + " names");
            }
            AtomicFiles.write(store.dir(id).resolve("refs").resolve(kind).resolve(name), (target + "\n").getBytes(StandardCharsets.US_ASCII));
            return null;
        });
    }

    /** Deletes a branch (not main) or a tag. */
    void delete(RepoId id, boolean tag, String name) throws IOException {
        store.locked(id, () -> {
            String kind = tag ? "tags" : "heads";
            if (!tag && name.equals("main")) {
                throw HubError.badRequest("the main branch cannot be deleted");
            }
            if (read(id, kind, RepoPaths.checkExistingRef(name)) == null) {
                throw HubError.notFound("RevisionNotFound", (tag ? "tag '" : "branch '") + name + "' not found in " + id);
            }
            Path base = store.dir(id).resolve("refs").resolve(kind);
            Path ref = base.resolve(name);
            Files.delete(ref);
            // Drop folders the ref leaves empty, so 'a' can be created once 'a/b' is gone.
            for (Path p = ref.getParent(); !p.equals(base); p = p.getParent()) {
                try (Stream<Path> left = Files.list(p)) {
                    if (left.findAny().isPresent()) {
                        break;
                    }
                }
                Files.deleteIfExists(p);
            }
            AtomicFiles.syncDir(base);
            return null;
        });
    }
}
