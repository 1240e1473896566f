package dev.graft.hub.server.store;

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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Repositories on disk (the single-server default). Layout under the data folder:
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
 * RepoStore store = new FileRepoStore(dataDir);
 * RepoId id = RepoId.of(RepoType.MODEL, "alice/bert");
 * store.create(id, false, "alice");
 * String sha = store.blobs().put("hello".getBytes());
 * Commit c = store.commit(id, "main", null, "alice", "add hello", "",
 *         List.of(new CommitOp.Put(new FileEntry("hello.txt", 5, sha, Hashes.gitBlobSha1("hello".getBytes()), false))));
 * }</pre>
 */
public final class FileRepoStore implements RepoStore {
    private final Path root;
    private final BlobStore blobs;
    private final RefStore refs = new RefStore(this);
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Commits.Cache commitCache = new Commits.Cache();

    /** The store of the data folder {@code dataDir}, its blobs under it too. */
    public FileRepoStore(Path dataDir) throws IOException {
        this(dataDir, new FileBlobStore(dataDir));
    }

    /** Repositories under {@code dataDir}, their file contents in {@code blobs}. */
    public FileRepoStore(Path dataDir, BlobStore blobs) throws IOException {
        this.root = Files.createDirectories(dataDir.resolve("repos"));
        Files.createDirectories(dataDir.resolve("trash"));
        this.blobs = blobs;
    }

    @Override
    public BlobStore blobs() {
        return blobs;
    }

    Path dir(RepoId id) {
        return root.resolve(id.type().plural()).resolve(id.owner()).resolve(id.name());
    }

    /** Removes leftovers of operations that a kill cut off (temporary files, half-deleted repos). */
    @Override
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
    @Override
    public RepoMeta create(RepoId id, boolean isPrivate, String author) throws IOException {
        // One creation at a time in this process, so two names differing only in case cannot both pass the check.
        synchronized (creating) {
            return createUnique(id, isPrivate, author);
        }
    }

    private final Object creating = new Object();

    /** The existing repository whose name equals {@code id}'s ignoring case, or {@code null}. */
    @Override
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
            AtomicFiles.write(building.resolve("repo.json"), Commits.JSON.writeValueAsBytes(meta));
            Commit first = Commits.first(blobs, author);
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
    @Override
    public RepoMeta meta(RepoId id) {
        try {
            return Commits.JSON.readValue(dir(id).resolve("repo.json").toFile(), RepoMeta.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Changes a repository's visibility. */
    @Override
    public RepoMeta setPrivate(RepoId id, boolean isPrivate) throws IOException {
        return locked(id, () -> {
            RepoMeta old = requireMeta(id);
            RepoMeta meta = new RepoMeta(old.type(), old.id(), isPrivate, old.createdAt());
            AtomicFiles.write(dir(id).resolve("repo.json"), Commits.JSON.writeValueAsBytes(meta));
            return meta;
        });
    }

    /**
     * Deletes a repository (renamed away atomically, then removed). Its objects stay in the shared store
     * until {@link #collectGarbage} finds them unreferenced.
     */
    @Override
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
    @Override
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
    @Override
    public String resolve(RepoId id, String revision) {
        return refs.resolve(id, revision);
    }

    /** Branch name to commit id, sorted by name. */
    @Override
    public Map<String, String> branches(RepoId id) throws IOException {
        return refs.list(id, "heads");
    }

    /** Tag name to commit id, sorted by name. */
    @Override
    public Map<String, String> tags(RepoId id) throws IOException {
        return refs.list(id, "tags");
    }

    /** Creates a branch at a revision; 409 if it exists. */
    @Override
    public void createBranch(RepoId id, String branch, String startingPoint) throws IOException {
        refs.create(id, "heads", RepoPaths.checkRef(branch), startingPoint);
    }

    /** Creates a tag at a revision; 409 if it exists. */
    @Override
    public void createTag(RepoId id, String tag, String revision) throws IOException {
        refs.create(id, "tags", RepoPaths.checkRef(tag), revision);
    }

    /** Deletes a branch (not main) or a tag. */
    @Override
    public void deleteRef(RepoId id, boolean tag, String name) throws IOException {
        refs.delete(id, tag, name);
    }

    // ---- LFS objects of a repository ----

    /**
     * Records that this repository received the LFS object (a verified upload). Blobs are shared
     * between repositories, so a repository may only reference objects it was sent itself: knowing
     * another (perhaps private) repository's sha256 is not enough to obtain its content.
     */
    @Override
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
    @Override
    public boolean hasLfsObject(RepoId id, String sha256, long size) {
        return Hashes.isSha256(sha256) && Files.exists(dir(id).resolve("lfs").resolve(sha256)) && blobs.size(sha256) == size;
    }

    // ---- commits ----

    /** Reads a commit of this repository. */
    @Override
    public Commit readCommit(RepoId id, String commitId) {
        Commit c = commitCache.get(id, commitId);
        if (c != null) {
            return c;
        }
        try {
            c = Commits.JSON.readValue(dir(id).resolve("commits").resolve(commitId + ".json").toFile(), Commit.class);
        } catch (IOException e) {
            throw HubError.notFound("RevisionNotFound", "commit " + commitId + " not found in " + id);
        }
        commitCache.put(id, c);
        return c;
    }

    /**
     * {@link #commit(RepoId, String, String, String, String, String, List)}, then {@code publish} while the
     * repository's lock is still held. If {@code publish} fails the branch is moved back and the new commit
     * file removed, so the commit did not happen at all (a kill in between leaves it landed, and the index
     * is rebuilt from the store at the next start).
     */
    @Override
    public Commit commit(RepoId id, String branch, String expectedParent, String author, String title, String message,
            List<CommitOp> ops, Publish publish) throws IOException {
        // Shared store lock: garbage collection cannot delete an object between the check that it exists
        // and the commit that references it.
        return locked(id, () -> {
            try (StoreLock.Held referencing = blobs.lock().shared()) {
                String head = refs.read(id, "heads", branch);
                if (head == null) {
                    requireMeta(id);
                }
                Commit c = Commits.next(id, branch, head, refs.read(id, "tags", branch) != null, expectedParent,
                        head == null ? null : readCommit(id, head), blobs, author, title, message, ops);
                writeCommit(dir(id), c);
                Path ref = dir(id).resolve("refs/heads").resolve(branch);
                AtomicFiles.write(ref, (c.id() + "\n").getBytes(StandardCharsets.US_ASCII));
                try {
                    publish.run(c);
                } catch (IOException | RuntimeException | Error e) {
                    AtomicFiles.write(ref, (head + "\n").getBytes(StandardCharsets.US_ASCII));
                    commitCache.remove(id, c.id());
                    Files.deleteIfExists(dir(id).resolve("commits").resolve(c.id() + ".json"));
                    throw e;
                }
                return c;
            }
        });
    }

    private void writeCommit(Path repoDir, Commit c) throws IOException {
        AtomicFiles.write(repoDir.resolve("commits").resolve(c.id() + ".json"), Commits.JSON.writeValueAsBytes(c));
    }

    // ---- garbage collection ----

    @Override
    public java.util.Set<String> referencedObjects() throws IOException {
        java.util.Set<String> live = new java.util.HashSet<>();
        for (RepoId id : list()) {
            Path commits = dir(id).resolve("commits");
            if (Files.isDirectory(commits)) {
                try (Stream<Path> s = Files.list(commits)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        String name = p.getFileName().toString();
                        if (name.startsWith(".tmp-") || !name.endsWith(".json")) {
                            continue;
                        }
                        Commit c;
                        try {
                            c = Commits.JSON.readValue(p.toFile(), Commit.class);
                        } catch (IOException e) {
                            throw new IOException("cannot read commit " + p + " (" + e.getMessage()
                                    + "); garbage collection stopped and deleted nothing", e);
                        }
                        for (FileEntry f : c.files()) {
                            live.add(f.sha256());
                        }
                    }
                }
            }
            Path lfs = dir(id).resolve("lfs");
            if (Files.isDirectory(lfs)) {
                try (Stream<Path> s = Files.list(lfs)) {
                    s.map(p -> p.getFileName().toString()).filter(Hashes::isSha256).forEach(live::add);
                }
            }
        }
        return live;
    }

    // ---- the signing key ----

    /** Kept in {@code signing.key} in the data folder (owner-only), created by the first server on it. */
    @Override
    public byte[] signingKey() throws IOException {
        Path file = root.getParent().resolve("signing.key");
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            Path tmp = file.resolveSibling(".tmp-" + UUID.randomUUID());
            try {
                Files.write(tmp, key, StandardOpenOption.CREATE_NEW);
                try {
                    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: its own permissions apply
                }
                // A hard link fails if another server created the key first; then that one is used.
                Files.createLink(file, tmp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created concurrently by another server on this folder
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length < 32) {
            throw new dev.graft.hub.server.HubServerException("the signing key " + file.getFileName() + " in the hub data folder is damaged ("
                    + key.length + " bytes)", "delete it and restart; LFS transfer URLs handed out before stop working");
        }
        return key;
    }

    // ---- locking ----

    /** Runs {@code work} holding this repository's lock (in this JVM and, by a file lock, across processes). */
    @Override
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
