package dev.graft.hub.server.store;

import dev.graft.hub.protocol.RepoId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hub's repositories: their settings, branches and tags, immutable commits (a full file tree each)
 * and the LFS objects each received, over a {@link BlobStore} of file contents. Two kinds:
 * {@link FileRepoStore} in the data folder (the single-server default) and {@link SqlRepoStore} in the
 * shared index database, which any number of servers over one S3 bucket share.
 *
 * <p>A commit moves its branch compare-and-swap: with an expected parent the branch must still point at
 * it (else 412); without one the operations apply on whatever the branch holds once the repository's
 * lock is taken. A kill at any point leaves the branch at the old commit or the new one.
 *
 * <pre>{@code
 * RepoStore store = new FileRepoStore(dataDir);
 * RepoId id = RepoId.of(RepoType.MODEL, "alice/bert");
 * store.create(id, false, "alice");
 * String sha = store.blobs().put("hello".getBytes());
 * Commit c = store.commit(id, "main", null, "alice", "add hello", "",
 *         List.of(new CommitOp.Put(new FileEntry("hello.txt", 5, sha, Hashes.gitBlobSha1("hello".getBytes()), false))));
 * }</pre>
 */
public interface RepoStore extends AutoCloseable {
    /**
     * The store a server's settings name: with no {@code blobStore} (or an empty one) the repositories and
     * blobs in {@code dataDir}; with a shared one ({@code s3://bucket[/prefix]}) the repositories in
     * {@code index}'s tables, so every server on that database and bucket serves the same hub.
     */
    static RepoStore open(java.nio.file.Path dataDir, String blobStore, dev.graft.hub.server.index.IndexDb index) throws IOException {
        if (blobStore == null || blobStore.isBlank()) {
            return new FileRepoStore(dataDir);
        }
        return new SqlRepoStore(index, BlobStore.open(blobStore, dataDir));
    }

    /** Where the file contents are. */
    BlobStore blobs();

    /** Removes leftovers of operations that a kill cut off (temporary files, half-deleted repos). */
    void recover() throws IOException;

    // ---- repositories ----

    /** Creates an empty repository with a first commit holding {@code .gitattributes}; 409 if it exists. */
    RepoMeta create(RepoId id, boolean isPrivate, String author) throws IOException;

    /** The existing repository whose name equals {@code id}'s ignoring case, or {@code null}. */
    RepoId sameNameIgnoringCase(RepoId id) throws IOException;

    /** Settings of a repository, or {@code null} if it does not exist. */
    RepoMeta meta(RepoId id);

    /** Changes a repository's visibility. */
    RepoMeta setPrivate(RepoId id, boolean isPrivate) throws IOException;

    /**
     * Deletes a repository. Its objects stay in the shared store until {@link #collectGarbage} finds them
     * unreferenced.
     */
    void delete(RepoId id) throws IOException;

    /** Every repository, sorted by URL path. */
    List<RepoId> list() throws IOException;

    // ---- refs ----

    /**
     * Resolves a revision to a commit id: a branch, a tag, {@code HEAD} (the main branch) or a full
     * commit id of this repository; 404 {@code RevisionNotFound} otherwise.
     */
    String resolve(RepoId id, String revision);

    /** Branch name to commit id, sorted by name. */
    Map<String, String> branches(RepoId id) throws IOException;

    /** Tag name to commit id, sorted by name. */
    Map<String, String> tags(RepoId id) throws IOException;

    /** Creates a branch at a revision; 409 if it exists. */
    void createBranch(RepoId id, String branch, String startingPoint) throws IOException;

    /** Creates a tag at a revision; 409 if it exists. */
    void createTag(RepoId id, String tag, String revision) throws IOException;

    /** Deletes a branch (not main) or a tag. */
    void deleteRef(RepoId id, boolean tag, String name) throws IOException;

    // ---- LFS objects of a repository ----

    /**
     * Records that this repository received the LFS object (a verified upload). Blobs are shared
     * between repositories, so a repository may only reference objects it was sent itself: knowing
     * another (perhaps private) repository's sha256 is not enough to obtain its content.
     */
    void markLfsObject(RepoId id, String sha256) throws IOException;

    /** Whether this repository received the LFS object and the store holds it with this size. */
    boolean hasLfsObject(RepoId id, String sha256, long size);

    // ---- commits ----

    /** Reads a commit of this repository. */
    Commit readCommit(RepoId id, String commitId);

    /** The commit a revision points at. */
    default Commit commitAt(RepoId id, String revision) {
        return readCommit(id, resolve(id, revision));
    }

    /** Commits reachable from {@code commitId} by first parents, newest first, skipping {@code skip}. */
    default List<Commit> history(RepoId id, String commitId, int skip, int limit) {
        List<Commit> out = new ArrayList<>();
        String c = commitId;
        int index = 0;
        while (c != null && out.size() < limit) {
            Commit commit = readCommit(id, c);
            if (index++ >= skip) {
                out.add(commit);
            }
            c = commit.parent();
        }
        return out;
    }

    /**
     * Applies operations on top of a branch and moves the branch, atomically. With a non-null
     * {@code expectedParent} the branch must still point at it (else 412); without one the operations
     * are applied to whatever the branch holds when the lock is taken, so concurrent commits of
     * different files both land.
     */
    default Commit commit(RepoId id, String branch, String expectedParent, String author, String title, String message,
            List<CommitOp> ops) throws IOException {
        return commit(id, branch, expectedParent, author, title, message, ops, c -> {});
    }

    /** What must happen together with a commit (the index update): if it fails, the commit is undone. */
    @FunctionalInterface
    interface Publish {
        void run(Commit c) throws IOException;
    }

    /**
     * {@link #commit(RepoId, String, String, String, String, String, List)}, then {@code publish} while the
     * repository's lock is still held. If {@code publish} fails the commit did not happen at all (a kill in
     * between leaves it landed, and the index is rebuilt from the store at the next start).
     */
    Commit commit(RepoId id, String branch, String expectedParent, String author, String title, String message,
            List<CommitOp> ops, Publish publish) throws IOException;

    // ---- garbage collection ----

    /**
     * What a garbage collection did.
     *
     * @param kept objects some repository references (a commit of any branch, tag or past revision, or an
     *     LFS upload not committed yet)
     * @param spared unreferenced objects younger than the grace period, left for a later run
     * @param deleted unreferenced objects deleted
     * @param bytesFreed their total size
     */
    record GcResult(int kept, int spared, int deleted, long bytesFreed) {}

    /**
     * The sha256 of every object some repository references: the files of every commit (not only those
     * of branches and tags, since any commit stays addressable by its id) and the LFS objects a repository
     * received but has not committed yet. A commit that cannot be read fails the call.
     */
    Set<String> referencedObjects() throws IOException;

    /**
     * Deletes the objects that no repository references any more (mark and sweep, see
     * {@link #referencedObjects}). The whole run holds the store lock exclusive, so no commit on this
     * machine can start referencing an object in between; objects younger than {@code grace} are spared,
     * since an upload and the commit that references it are separate requests (storing an object that is
     * present already makes it young again). A commit that cannot be read stops the run before anything
     * is deleted.
     *
     * <pre>{@code
     * RepoStore.GcResult r = store.collectGarbage(Duration.ofHours(1));
     * }</pre>
     */
    default GcResult collectGarbage(java.time.Duration grace) throws IOException {
        return GarbageCollector.collect(this, grace);
    }

    // ---- locking and secrets ----

    /** Work done while holding the repository's lock. */
    @FunctionalInterface
    interface Locked<T> {
        T run() throws IOException;
    }

    /** Runs {@code work} holding this repository's lock, which every server on this store respects. */
    <T> T locked(RepoId id, Locked<T> work) throws IOException;

    /**
     * The key that signs LFS transfer URLs: made once and kept with the store (owner-only), so URLs stay
     * valid for as long as they say, across restarts and on every server of the store.
     */
    byte[] signingKey() throws IOException;

    /** Releases the store's connections and its blob store's. */
    @Override
    default void close() {
        blobs().close();
    }
}
