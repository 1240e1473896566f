package dev.graft.hub.server.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoPaths;
import dev.graft.hub.server.HubError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What every {@link RepoStore} does the same way: a new commit from its parent and operations, its JSON,
 * the resolution of a revision and the cache of commits read.
 */
final class Commits {
    private Commits() {}

    /** Patterns that Hugging Face puts in a new repository's {@code .gitattributes}. */
    static final String GITATTRIBUTES = String.join("\n",
            "*.bin filter=lfs diff=lfs merge=lfs -text",
            "*.ckpt filter=lfs diff=lfs merge=lfs -text",
            "*.h5 filter=lfs diff=lfs merge=lfs -text",
            "*.npy filter=lfs diff=lfs merge=lfs -text",
            "*.npz filter=lfs diff=lfs merge=lfs -text",
            "*.onnx filter=lfs diff=lfs merge=lfs -text",
            "*.parquet filter=lfs diff=lfs merge=lfs -text",
            "*.pt filter=lfs diff=lfs merge=lfs -text",
            "*.pth filter=lfs diff=lfs merge=lfs -text",
            "*.safetensors filter=lfs diff=lfs merge=lfs -text",
            "*.zip filter=lfs diff=lfs merge=lfs -text",
            "") ;

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A commit with its id (sha1 of its JSON without the id), made now. */
    static Commit create(List<String> parents, String author, String title, String message, List<FileEntry> files)
            throws IOException {
        long time = System.currentTimeMillis();
        byte[] body = JSON.writeValueAsBytes(new Commit(null, parents, author, title, message, time, files));
        String id = Hashes.hex(Hashes.digest("SHA-1").digest(body));
        return new Commit(id, parents, author, title, message, time, List.copyOf(files));
    }

    /** The first commit of a new repository: its {@code .gitattributes} (stored in {@code blobs}). */
    static Commit first(BlobStore blobs, String author) throws IOException {
        byte[] attrs = GITATTRIBUTES.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String sha = blobs.put(attrs);
        return create(List.of(), author, "initial commit", "", List.of(
                new FileEntry(".gitattributes", attrs.length, sha, Hashes.gitBlobSha1(attrs), false)));
    }

    /**
     * The commit that applies {@code ops} on {@code branch}, whose head is {@code head} ({@code null}: no
     * such branch; {@code isTag}: the name is a tag's). With a non-empty {@code expectedParent} the head must
     * be it (else 412). Every file put must be in {@code blobs}; a file may not also be a folder.
     */
    static Commit next(RepoId id, String branch, String head, boolean isTag, String expectedParent, Commit parent,
            BlobStore blobs, String author, String title, String message, List<CommitOp> ops) throws IOException {
        if (head == null) {
            if (isTag || RepoPaths.isCommitId(branch)) {
                throw HubError.badRequest("commits go to a branch; '" + branch + "' is not one");
            }
            throw HubError.notFound("RevisionNotFound", "branch '" + RepoId.printable(branch) + "' not found in " + id
                    + "; create it first");
        }
        if (expectedParent != null && !expectedParent.isEmpty() && !expectedParent.equals(head)) {
            throw new HubError(412, null, "A commit has happened since " + expectedParent + ": " + branch + " is now at "
                    + head + ". Pull the new commit and commit again on top of it.");
        }
        TreeMap<String, FileEntry> tree = new TreeMap<>();
        for (FileEntry f : parent.files()) {
            tree.put(f.path(), f);
        }
        for (CommitOp op : ops) {
            if (op instanceof CommitOp.Put put) {
                FileEntry f = put.file();
                if (!blobs.exists(f.sha256())) {
                    throw HubError.badRequest("content of " + f.path() + " (sha256 " + f.sha256()
                            + ") was not uploaded; upload it through the LFS batch API first");
                }
                String prefix = f.path() + "/";
                if (!tree.subMap(prefix, prefix + Character.MAX_VALUE).isEmpty()) {
                    throw HubError.badRequest("cannot add file " + f.path() + ": a folder of that name exists");
                }
                tree.put(f.path(), f);
            } else if (op instanceof CommitOp.Delete del) {
                if (tree.remove(del.path()) == null) {
                    throw HubError.notFound("EntryNotFound", "cannot delete " + del.path() + ": no such file in " + id + "@" + branch);
                }
            } else if (op instanceof CommitOp.DeleteFolder folder) {
                String prefix = folder.path().endsWith("/") ? folder.path() : folder.path() + "/";
                java.util.SortedMap<String, FileEntry> inside = tree.subMap(prefix, prefix + Character.MAX_VALUE);
                if (inside.isEmpty()) {
                    throw HubError.notFound("EntryNotFound", "cannot delete folder " + folder.path() + ": no such folder in "
                            + id + "@" + branch);
                }
                inside.clear();
            }
        }
        for (String path : tree.keySet()) {
            // A file may not also be a folder of another file.
            int slash = path.lastIndexOf('/');
            while (slash > 0) {
                if (tree.containsKey(path.substring(0, slash))) {
                    throw HubError.badRequest("cannot add " + path + ": " + path.substring(0, slash) + " is a file");
                }
                slash = path.lastIndexOf('/', slash - 1);
            }
        }
        return create(List.of(head), author, title, message == null ? "" : message, new ArrayList<>(tree.values()));
    }

    /** How a store reads one ref: the commit id of {@code kind} ({@code heads} or {@code tags}) {@code name}, or {@code null}. */
    @FunctionalInterface
    interface RefReader {
        String read(String kind, String name);
    }

    /**
     * Resolves a revision to a commit id: a branch, a tag, {@code HEAD} (the main branch) or a full commit
     * id that {@code hasCommit} knows; 404 {@code RevisionNotFound} otherwise.
     */
    static String resolve(RepoId id, String revision, RefReader refs, java.util.function.Predicate<String> hasCommit) {
        String rev = revision == null || revision.isEmpty() || revision.equals("HEAD") ? "main" : revision;
        if (rev.startsWith("refs/heads/")) {
            rev = rev.substring("refs/heads/".length());
        } else if (rev.startsWith("refs/tags/")) {
            String tag = refs.read("tags", rev.substring("refs/tags/".length()));
            if (tag != null) {
                return tag;
            }
        }
        String c = refs.read("heads", rev);
        if (c == null) {
            c = refs.read("tags", rev);
        }
        if (c == null && RepoPaths.isCommitId(rev) && hasCommit.test(rev)) {
            c = rev;
        }
        if (c == null) {
            throw HubError.notFound("RevisionNotFound", "revision '" + RepoId.printable(revision) + "' not found in " + id);
        }
        return c;
    }

    /** The last 2048 commits read (they never change), by repository and id. */
    static final class Cache {
        private final java.util.Map<String, Commit> commits = java.util.Collections.synchronizedMap(
                new java.util.LinkedHashMap<>(256, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(java.util.Map.Entry<String, Commit> eldest) {
                        return size() > 2048;
                    }
                });

        private static String key(RepoId id, String commitId) {
            return id.urlPath() + "@" + commitId;
        }

        Commit get(RepoId id, String commitId) {
            return commits.get(key(id, commitId));
        }

        void put(RepoId id, Commit c) {
            commits.put(key(id, c.id()), c);
        }

        void remove(RepoId id, String commitId) {
            commits.remove(key(id, commitId));
        }

        /** Forgets every commit of a deleted repository. */
        void forget(RepoId id) {
            synchronized (commits) {
                commits.keySet().removeIf(k -> k.startsWith(id.urlPath() + "@"));
            }
        }
    }
}
