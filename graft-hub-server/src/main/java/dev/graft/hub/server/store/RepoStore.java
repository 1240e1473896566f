package dev.graft.hub.server.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoPaths;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.HubError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Repositories on disk. Layout under the data folder:
 *
 * <pre>
 * objects/ab/ab12...            file contents by sha256 ({@link BlobStore})
 * repos/models/alice/bert/
 *   repo.json                   {@link RepoMeta}
 *   commits/&lt;id&gt;.json          immutable commits (full tree each)
 *   refs/heads/main             commit id of a branch (one line)
 *   refs/tags/v1.0              commit id of a tag
 *   lfs/&lt;sha256&gt;               LFS objects uploaded to this repository (empty markers)
 *   lock                        file lock for writers of this repository
 * </pre>
 *
 * <p>A commit first stores its blobs and its commit file (each written to a temporary file, fsynced
 * and renamed), then moves the branch in one atomic rename of the small ref file while holding the
 * repository's lock. A kill at any point leaves the branch at the old commit or at the new one.
 * Writers compare the branch with the parent they expect (compare-and-swap); a stale parent is a
 * 412 conflict and nothing is written to the branch.
 *
 * <pre>{@code
 * RepoStore store = new RepoStore(dataDir);
 * RepoId id = RepoId.of(RepoType.MODEL, "alice/bert");
 * store.create(id, false, "alice");
 * String sha = store.blobs().put("hello".getBytes());
 * Commit c = store.commit(id, "main", null, "alice", "add hello", "",
 *         List.of(new CommitOp.Put(new FileEntry("hello.txt", 5, sha, Hashes.gitBlobSha1("hello".getBytes()), false))));
 * }</pre>
 */
public final class RepoStore {
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

    private final Path root;
    private final BlobStore blobs;
    private final RefStore refs = new RefStore(this);
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, Commit> commitCache = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Commit> eldest) {
            return size() > 2048;
        }
    });

    public RepoStore(Path dataDir) throws IOException {
        this.root = Files.createDirectories(dataDir.resolve("repos"));
        Files.createDirectories(dataDir.resolve("trash"));
        this.blobs = new BlobStore(dataDir);
    }

    public BlobStore blobs() {
        return blobs;
    }

    Path dir(RepoId id) {
        return root.resolve(id.type().plural()).resolve(id.owner()).resolve(id.name());
    }

    /** Removes leftovers of operations that a kill cut off (temporary files, half-deleted repos). */
    public void recover() throws IOException {
        blobs.removeLeftovers();
        deleteTree(root.getParent().resolve("trash"), false);
        for (RepoId id : list()) {
            for (String sub : new String[] {"commits", "refs/heads", "refs/tags", "lfs", ""}) {
                Path d = sub.isEmpty() ? dir(id) : dir(id).resolve(sub);
                if (Files.isDirectory(d)) {
                    try (Stream<Path> s = Files.walk(d, sub.isEmpty() ? 1 : 8)) {
                        for (Path p : (Iterable<Path>) s::iterator) {
                            if (p.getFileName().toString().startsWith(".tmp-")) {
                                Files.deleteIfExists(p);
                            }
                        }
                    }
                }
            }
        }
    }

    // ---- repositories ----

    /** Creates an empty repository with a first commit holding {@code .gitattributes}; 409 if it exists. */
    public RepoMeta create(RepoId id, boolean isPrivate, String author) throws IOException {
        // One creation at a time in this process, so two names differing only in case cannot both pass the check.
        synchronized (creating) {
            return createUnique(id, isPrivate, author);
        }
    }

    private final Object creating = new Object();

    /** The existing repository whose name equals {@code id}'s ignoring case, or {@code null}. */
    public RepoId sameNameIgnoringCase(RepoId id) throws IOException {
        Path typeDir = root.resolve(id.type().plural());
        if (!Files.isDirectory(typeDir)) {
            return null;
        }
        try (Stream<Path> owners = Files.list(typeDir)) {
            for (Path o : (Iterable<Path>) owners::iterator) {
                if (!o.getFileName().toString().equalsIgnoreCase(id.owner()) || !Files.isDirectory(o)) {
                    continue;
                }
                try (Stream<Path> names = Files.list(o)) {
                    for (Path n : (Iterable<Path>) names::iterator) {
                        String name = n.getFileName().toString();
                        if (name.equalsIgnoreCase(id.name()) && Files.isRegularFile(n.resolve("repo.json"))) {
                            return new RepoId(id.type(), o.getFileName().toString(), name);
                        }
                    }
                }
            }
        }
        return null;
    }

    private RepoMeta createUnique(RepoId id, boolean isPrivate, String author) throws IOException {
        Path dir = dir(id);
        if (Files.exists(dir)) {
            throw HubError.conflict("You already created this " + id.type().singular() + " repo: " + id.id());
        }
        RepoId lookAlike = sameNameIgnoringCase(id);
        if (lookAlike != null) {
            throw HubError.conflict("the " + id.type().singular() + " repository " + lookAlike.id() + " exists; names are unique"
                    + " regardless of case, so " + id.id() + " cannot be created: choose another name");
        }
        Files.createDirectories(dir.getParent());
        // Build the repository in a side folder and rename it into place: it appears whole or not at all.
        Path building = dir.getParent().resolve(".tmp-" + UUID.randomUUID());
        try {
            RepoMeta meta = new RepoMeta(id.type().singular(), id.id(), isPrivate, System.currentTimeMillis());
            Files.createDirectories(building.resolve("refs/heads"));
            Files.createDirectories(building.resolve("refs/tags"));
            AtomicFiles.write(building.resolve("repo.json"), JSON.writeValueAsBytes(meta));
            byte[] attrs = GITATTRIBUTES.getBytes(StandardCharsets.UTF_8);
            String sha = blobs.put(attrs);
            Commit first = newCommit(List.of(), author, "initial commit", "", List.of(
                    new FileEntry(".gitattributes", attrs.length, sha, Hashes.gitBlobSha1(attrs), false)));
            writeCommit(building, first);
            AtomicFiles.write(building.resolve("refs/heads/main"), (first.id() + "\n").getBytes(StandardCharsets.US_ASCII));
            try {
                Files.move(building, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                throw HubError.conflict("You already created this " + id.type().singular() + " repo: " + id.id());
            }
            AtomicFiles.syncDir(dir.getParent());
            return meta;
        } finally {
            deleteTree(building, true);
        }
    }

    /** Settings of a repository, or {@code null} if it does not exist. */
    public RepoMeta meta(RepoId id) {
        try {
            return JSON.readValue(dir(id).resolve("repo.json").toFile(), RepoMeta.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Changes a repository's visibility. */
    public RepoMeta setPrivate(RepoId id, boolean isPrivate) throws IOException {
        return locked(id, () -> {
            RepoMeta old = requireMeta(id);
            RepoMeta meta = new RepoMeta(old.type(), old.id(), isPrivate, old.createdAt());
            AtomicFiles.write(dir(id).resolve("repo.json"), JSON.writeValueAsBytes(meta));
            return meta;
        });
    }

    /**
     * Deletes a repository (renamed away atomically, then removed). Its objects stay in the shared store
     * until {@link #collectGarbage} finds them unreferenced.
     */
    public void delete(RepoId id) throws IOException {
        locked(id, () -> {
            requireMeta(id);
            Path trash = root.getParent().resolve("trash").resolve(UUID.randomUUID().toString());
            Files.move(dir(id), trash, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDir(dir(id).getParent());
            deleteTree(trash, true);
            return null;
        });
    }

    /** Every repository on disk. */
    public List<RepoId> list() throws IOException {
        List<RepoId> out = new ArrayList<>();
        for (RepoType t : RepoType.values()) {
            Path typeDir = root.resolve(t.plural());
            if (!Files.isDirectory(typeDir)) {
                continue;
            }
            try (Stream<Path> owners = Files.list(typeDir)) {
                for (Path o : (Iterable<Path>) owners::iterator) {
                    if (!Files.isDirectory(o)) {
                        continue;
                    }
                    try (Stream<Path> names = Files.list(o)) {
                        for (Path n : (Iterable<Path>) names::iterator) {
                            String name = n.getFileName().toString();
                            if (!name.startsWith(".tmp-") && Files.isRegularFile(n.resolve("repo.json"))) {
                                out.add(new RepoId(t, o.getFileName().toString(), name));
                            }
                        }
                    }
                }
            }
        }
        out.sort(Comparator.comparing(RepoId::urlPath));
        return out;
    }

    RepoMeta requireMeta(RepoId id) {
        RepoMeta m = meta(id);
        if (m == null) {
            throw HubError.notFound("RepoNotFound", "repository " + id + " not found");
        }
        return m;
    }

    // ---- refs ----

    /**
     * Resolves a revision to a commit id: a branch, a tag, {@code HEAD} (the main branch) or a full
     * commit id of this repository; 404 {@code RevisionNotFound} otherwise.
     */
    public String resolve(RepoId id, String revision) {
        return refs.resolve(id, revision);
    }

    /** Branch name to commit id, sorted by name. */
    public Map<String, String> branches(RepoId id) throws IOException {
        return refs.list(id, "heads");
    }

    /** Tag name to commit id, sorted by name. */
    public Map<String, String> tags(RepoId id) throws IOException {
        return refs.list(id, "tags");
    }

    /** Creates a branch at a revision; 409 if it exists. */
    public void createBranch(RepoId id, String branch, String startingPoint) throws IOException {
        refs.create(id, "heads", RepoPaths.checkRef(branch), startingPoint);
    }

    /** Creates a tag at a revision; 409 if it exists. */
    public void createTag(RepoId id, String tag, String revision) throws IOException {
        refs.create(id, "tags", RepoPaths.checkRef(tag), revision);
    }

    /** Deletes a branch (not main) or a tag. */
    public void deleteRef(RepoId id, boolean tag, String name) throws IOException {
        refs.delete(id, tag, name);
    }

    // ---- LFS objects of a repository ----

    /**
     * Records that this repository received the LFS object (a verified upload). Blobs are shared
     * between repositories, so a repository may only reference objects it was sent itself: knowing
     * another (perhaps private) repository's sha256 is not enough to obtain its content.
     */
    public void markLfsObject(RepoId id, String sha256) throws IOException {
        requireMeta(id);
        Path marker = dir(id).resolve("lfs").resolve(sha256);
        try (StoreLock.Held referencing = blobs.lock().shared()) {
            if (!blobs.exists(sha256)) {
                throw HubError.notFound(null, "object " + sha256 + " is not in the store; upload it again");
            }
            if (!Files.exists(marker)) {
                AtomicFiles.write(marker, new byte[0]);
            }
        }
    }

    /** Whether this repository received the LFS object and the store holds it with this size. */
    public boolean hasLfsObject(RepoId id, String sha256, long size) {
        return Hashes.isSha256(sha256) && Files.exists(dir(id).resolve("lfs").resolve(sha256)) && blobs.size(sha256) == size;
    }

    // ---- commits ----

    /** Reads a commit of this repository. */
    public Commit readCommit(RepoId id, String commitId) {
        Commit c = commitCache.get(id.urlPath() + "@" + commitId);
        if (c != null) {
            return c;
        }
        try {
            c = JSON.readValue(dir(id).resolve("commits").resolve(commitId + ".json").toFile(), Commit.class);
        } catch (IOException e) {
            throw HubError.notFound("RevisionNotFound", "commit " + commitId + " not found in " + id);
        }
        commitCache.put(id.urlPath() + "@" + commitId, c);
        return c;
    }

    /** The commit a revision points at. */
    public Commit commitAt(RepoId id, String revision) {
        return readCommit(id, resolve(id, revision));
    }

    /** Commits reachable from {@code commitId} by first parents, newest first, skipping {@code skip}. */
    public List<Commit> history(RepoId id, String commitId, int skip, int limit) {
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
    public Commit commit(RepoId id, String branch, String expectedParent, String author, String title, String message,
            List<CommitOp> ops) throws IOException {
        return commit(id, branch, expectedParent, author, title, message, ops, c -> {});
    }

    /** What must happen together with a commit (the index update): if it fails, the commit is undone. */
    @FunctionalInterface
    public interface Publish {
        void run(Commit c) throws IOException;
    }

    /**
     * {@link #commit(RepoId, String, String, String, String, String, List)}, then {@code publish} while the
     * repository's lock is still held. If {@code publish} fails the branch is moved back and the new commit
     * file removed, so the commit did not happen at all (a kill in between leaves it landed, and the index
     * is rebuilt from the store at the next start).
     */
    public Commit commit(RepoId id, String branch, String expectedParent, String author, String title, String message,
            List<CommitOp> ops, Publish publish) throws IOException {
        // Shared store lock: garbage collection cannot delete an object between the check that it exists
        // and the commit that references it.
        return locked(id, () -> {
            try (StoreLock.Held referencing = blobs.lock().shared()) {
                String head = refs.read(id, "heads", branch);
                if (head == null) {
                    requireMeta(id);
                    if (refs.read(id, "tags", branch) != null || RepoPaths.isCommitId(branch)) {
                        throw HubError.badRequest("commits go to a branch; '" + branch + "' is not one");
                    }
                    throw HubError.notFound("RevisionNotFound", "branch '" + RepoId.printable(branch) + "' not found in " + id
                            + "; create it first");
                }
                if (expectedParent != null && !expectedParent.isEmpty() && !expectedParent.equals(head)) {
                    throw new HubError(412, null, "A commit has happened since " + expectedParent + ": " + branch + " is now at "
                            + head + ". Pull the new commit and commit again on top of it.");
                }
                Commit parent = readCommit(id, head);
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
                Commit c = newCommit(List.of(head), author, title, message == null ? "" : message, new ArrayList<>(tree.values()));
                writeCommit(dir(id), c);
                Path ref = dir(id).resolve("refs/heads").resolve(branch);
                AtomicFiles.write(ref, (c.id() + "\n").getBytes(StandardCharsets.US_ASCII));
                try {
                    publish.run(c);
                } catch (IOException | RuntimeException | Error e) {
                    AtomicFiles.write(ref, (head + "\n").getBytes(StandardCharsets.US_ASCII));
                    commitCache.remove(id.urlPath() + "@" + c.id());
                    Files.deleteIfExists(dir(id).resolve("commits").resolve(c.id() + ".json"));
                    throw e;
                }
                return c;
            }
        });
    }

    private static Commit newCommit(List<String> parents, String author, String title, String message, List<FileEntry> files)
            throws IOException {
        long time = System.currentTimeMillis();
        byte[] body = JSON.writeValueAsBytes(new Commit(null, parents, author, title, message, time, files));
        String id = Hashes.hex(Hashes.digest("SHA-1").digest(body));
        return new Commit(id, parents, author, title, message, time, List.copyOf(files));
    }

    private void writeCommit(Path repoDir, Commit c) throws IOException {
        AtomicFiles.write(repoDir.resolve("commits").resolve(c.id() + ".json"), JSON.writeValueAsBytes(c));
    }

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
    public record GcResult(int kept, int spared, int deleted, long bytesFreed) {}

    /**
     * Deletes the objects that no repository references any more (mark and sweep). Every commit of every
     * repository counts, not only those of branches and tags, since any commit stays addressable by its
     * id; so do LFS objects a repository received but has not committed yet. The whole run holds the
     * store lock exclusive, so no commit can start referencing an object in between; objects younger than
     * {@code grace} are spared, since an upload and the commit that references it are separate requests
     * (storing an object that is present already makes it young again). A commit that cannot be read
     * stops the run before anything is deleted.
     *
     * <pre>{@code
     * RepoStore.GcResult r = store.collectGarbage(Duration.ofHours(1));
     * }</pre>
     */
    public GcResult collectGarbage(java.time.Duration grace) throws IOException {
        return new GarbageCollector(this).collect(grace);
    }

    // ---- locking ----

    /** Work done while holding the repository's lock. */
    @FunctionalInterface
    public interface Locked<T> {
        T run() throws IOException;
    }

    /** Runs {@code work} holding this repository's lock (in this JVM and, by a file lock, across processes). */
    public <T> T locked(RepoId id, Locked<T> work) throws IOException {
        ReentrantLock lock = locks.computeIfAbsent(id.urlPath(), k -> new ReentrantLock());
        lock.lock();
        try {
            if (lock.getHoldCount() > 1) {
                return work.run(); // this thread holds the file lock already (a commit that updates the index)
            }
            Path dir = dir(id);
            if (!Files.isDirectory(dir)) {
                return work.run();
            }
            try (FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = ch.lock()) {
                return work.run();
            }
        } finally {
            lock.unlock();
        }
    }

    private static void deleteTree(Path p, boolean includeSelf) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
            for (Path x : all) {
                if (includeSelf || !x.equals(p)) {
                    Files.deleteIfExists(x);
                }
            }
        }
    }
}
