package dev.graft.hub;

import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What is in a {@link HubCache} and its upkeep, modelled on huggingface_hub's {@code scan_cache_dir}
 * and the {@code hf cache} verbs: {@link #scan} lists repositories and their revisions with sizes,
 * {@link #verify} hashes every blob again, {@link #prune} deletes detached revisions and
 * unreferenced blobs, {@link #remove} deletes a repository or one revision.
 *
 * <pre>{@code
 * CacheScan cache = new CacheScan(new Hub().cache());
 * for (CacheScan.Repo r : cache.scan()) System.out.println(r.id() + " " + r.sizeOnDisk());
 * List<CacheScan.Problem> bad = cache.verify(null);           // empty when every blob is whole
 * CacheScan.Removal gone = cache.prune(false);
 * }</pre>
 */
public final class CacheScan {
    private final HubCache cache;

    public CacheScan(HubCache cache) {
        this.cache = cache;
    }

    /**
     * One cached revision.
     *
     * @param commit the commit sha (the snapshot folder's name)
     * @param refs the branches and tags in {@code refs/} that point to it (empty: detached)
     * @param files files in the snapshot
     * @param size bytes of the blobs its files link to
     * @param snapshot the snapshot folder
     */
    public record Revision(String commit, Set<String> refs, int files, long size, Path snapshot) {}

    /**
     * One cached repository.
     *
     * @param type model or dataset
     * @param id owner/name
     * @param dir its folder in the cache
     * @param sizeOnDisk bytes of its blobs (shared blobs counted once)
     * @param blobs number of blobs
     * @param lastModified newest modification time in its folder
     * @param revisions cached revisions, newest first
     */
    public record Repo(RepoType type, String id, Path dir, long sizeOnDisk, int blobs, Instant lastModified, List<Revision> revisions) {}

    /**
     * A file of a snapshot whose blob is not as its name says.
     *
     * @param repo the repository
     * @param commit the revision
     * @param path the file inside the repository
     * @param check what the check found
     */
    public record Problem(Repo repo, String commit, String path, HubCache.BlobCheck check) {
        /** One line: which file, what is wrong, how to fix it. */
        public String describe() {
            return repo.type().urlPrefix() + repo.id() + "@" + commit.substring(0, 12) + " " + path + ": " + check.describe()
                    + "; pull again: graft hub pull " + repo.id() + (repo.type() == RepoType.MODEL ? "" : " --type " + repo.type().singular())
                    + " --revision " + commit;
        }
    }

    /**
     * What {@link #prune} or {@link #remove} deleted (or, on a dry run, would delete).
     *
     * @param revisions snapshot folders
     * @param blobs blob files (and {@code .incomplete} leftovers)
     * @param bytes bytes freed
     */
    public record Removal(List<Path> revisions, List<Path> blobs, long bytes) {}

    /** Every repository in the cache, sorted by type and id. */
    public List<Repo> scan() {
        List<Repo> out = new ArrayList<>();
        if (!Files.isDirectory(cache.root())) {
            return out;
        }
        for (Path dir : list(cache.root())) {
            String name = dir.getFileName().toString();
            RepoType type = name.startsWith("models--") ? RepoType.MODEL : name.startsWith("datasets--") ? RepoType.DATASET : null;
            if (type == null || !Files.isDirectory(dir)) {
                continue; // .locks and anything else that is not a repository folder
            }
            String id = name.substring(type.plural().length() + 2).replace("--", "/");
            out.add(scanRepo(type, id, dir));
        }
        out.sort(Comparator.comparing((Repo r) -> r.type()).thenComparing(Repo::id));
        return out;
    }

    /** The cached repository {@code id} of {@code type}, or null when it is not cached. */
    public Repo find(RepoType type, String id) {
        Path dir = cache.repoDir(type, id);
        return Files.isDirectory(dir) ? scanRepo(type, id, dir) : null;
    }

    private Repo scanRepo(RepoType type, String id, Path dir) {
        Map<String, Set<String>> refs = refs(dir);
        List<Revision> revisions = new ArrayList<>();
        Path snapshots = dir.resolve("snapshots");
        if (Files.isDirectory(snapshots)) {
            for (Path snap : list(snapshots)) {
                if (!Files.isDirectory(snap)) {
                    continue;
                }
                int files = 0;
                long size = 0;
                Set<Path> seen = new HashSet<>();
                for (Path f : snapshotEntries(snap)) {
                    files++;
                    Path blob = cache.blobOf(f);
                    Path counted = blob != null ? blob : f;
                    if (seen.add(counted) && Files.isRegularFile(counted)) {
                        size += sizeOf(counted);
                    }
                }
                String commit = snap.getFileName().toString();
                revisions.add(new Revision(commit, refs.getOrDefault(commit, Set.of()), files, size, snap));
            }
        }
        revisions.sort(Comparator.comparing((Revision r) -> lastModified(r.snapshot())).reversed());
        long bytes = 0;
        int blobs = 0;
        Path blobDir = dir.resolve("blobs");
        if (Files.isDirectory(blobDir)) {
            for (Path b : list(blobDir)) {
                if (Files.isRegularFile(b)) {
                    blobs++;
                    bytes += sizeOf(b);
                }
            }
        }
        // snapshot copies (file systems without links) hold bytes of their own
        for (Revision r : revisions) {
            for (Path f : snapshotEntries(r.snapshot())) {
                if (!Files.isSymbolicLink(f)) {
                    bytes += sizeOf(f);
                }
            }
        }
        return new Repo(type, id, dir, bytes, blobs, newest(dir), revisions);
    }

    /**
     * Hashes every blob that a snapshot of {@code repo} (all repositories when null) links to and
     * checks it against its name; lists the files whose blob is damaged or missing.
     */
    public List<Problem> verify(Repo only) {
        List<Problem> problems = new ArrayList<>();
        Map<Path, HubCache.BlobCheck> checked = new LinkedHashMap<>();
        for (Repo r : only == null ? scan() : List.of(only)) {
            for (Revision rev : r.revisions()) {
                for (Path f : snapshotEntries(rev.snapshot())) {
                    Path blob = cache.blobOf(f);
                    if (blob == null) {
                        continue; // a copy: nothing names its hash
                    }
                    HubCache.BlobCheck c = checked.computeIfAbsent(blob, b -> cache.checkBlob(b, true));
                    if (c.state() == HubCache.BlobState.DAMAGED || c.state() == HubCache.BlobState.MISSING) {
                        problems.add(new Problem(r, rev.commit(), rev.snapshot().relativize(f).toString().replace('\\', '/'), c));
                    }
                }
            }
        }
        return problems;
    }

    /** Number of distinct blobs {@link #verify} hashed for these repositories. */
    public int blobCount(List<Repo> repos) {
        Set<Path> blobs = new HashSet<>();
        for (Repo r : repos) {
            for (Revision rev : r.revisions()) {
                for (Path f : snapshotEntries(rev.snapshot())) {
                    Path b = cache.blobOf(f);
                    if (b != null) {
                        blobs.add(b);
                    }
                }
            }
        }
        return blobs.size();
    }

    /**
     * Deletes what nothing needs: revisions no branch or tag points to (detached, e.g. an older
     * commit of main), blobs no snapshot links to, and {@code .incomplete} downloads.
     *
     * @param dryRun only report what would go
     */
    public Removal prune(boolean dryRun) {
        List<Path> revisions = new ArrayList<>();
        List<Path> blobs = new ArrayList<>();
        long bytes = 0;
        for (Repo r : scan()) {
            for (Revision rev : r.revisions()) {
                if (rev.refs().isEmpty()) {
                    revisions.add(rev.snapshot());
                }
            }
            Removal part = removeRevisions(r, revisions.stream().filter(p -> p.startsWith(r.dir())).toList(), dryRun);
            blobs.addAll(part.blobs());
            bytes += part.bytes();
        }
        return new Removal(revisions, blobs, bytes);
    }

    /**
     * Deletes a cached repository, or one of its revisions (a commit sha, or a branch or tag
     * recorded in {@code refs/}) with the refs that point to it and the blobs only it used.
     *
     * @param revision null for the whole repository
     */
    public Removal remove(RepoType type, String id, String revision, boolean dryRun) {
        Repo r = find(type, id);
        if (r == null) {
            throw new GraftException(type.urlPrefix() + id + " is not in the cache " + cache.root(),
                    "see what is cached with: graft hub cache ls");
        }
        if (revision == null) {
            List<Path> blobs = new ArrayList<>();
            Path blobDir = r.dir().resolve("blobs");
            if (Files.isDirectory(blobDir)) {
                blobs.addAll(list(blobDir));
            }
            List<Path> revs = r.revisions().stream().map(Revision::snapshot).toList();
            if (!dryRun) {
                deleteTree(r.dir());
                deleteTree(cache.root().resolve(".locks").resolve(r.dir().getFileName().toString()));
            }
            return new Removal(revs, blobs, r.sizeOnDisk());
        }
        String commit = RepoPaths.isCommitSha(revision) ? revision
                : r.revisions().stream().filter(v -> v.refs().contains(revision)).map(Revision::commit).findFirst().orElse(null);
        Revision rev = r.revisions().stream().filter(v -> v.commit().equals(commit)).findFirst().orElseThrow(() -> new GraftException(
                "revision '" + revision + "' of " + id + " is not in the cache",
                "cached revisions: " + String.join(", ", r.revisions().stream().map(v -> v.commit().substring(0, 12)
                        + (v.refs().isEmpty() ? "" : " (" + String.join(", ", v.refs()) + ")")).toList())));
        return removeRevisions(r, List.of(rev.snapshot()), dryRun);
    }

    /** Deletes snapshot folders, the refs to them, their {@code .no_exist} markers, then the blobs no remaining snapshot links to. */
    private Removal removeRevisions(Repo r, List<Path> snapshots, boolean dryRun) {
        Set<Path> keep = new HashSet<>();
        for (Revision rev : r.revisions()) {
            if (!snapshots.contains(rev.snapshot())) {
                for (Path f : snapshotEntries(rev.snapshot())) {
                    Path b = cache.blobOf(f);
                    if (b != null) {
                        keep.add(b);
                    }
                }
            }
        }
        List<Path> blobs = new ArrayList<>();
        long bytes = 0;
        Path blobDir = r.dir().resolve("blobs");
        if (Files.isDirectory(blobDir)) {
            for (Path b : list(blobDir)) {
                // an .incomplete file may be a download running now in another process: only old ones go
                boolean stale = b.getFileName().toString().endsWith(".incomplete") && olderThanAnHour(b);
                if (!keep.contains(b.normalize()) && (stale || !b.getFileName().toString().endsWith(".incomplete"))) {
                    blobs.add(b);
                    bytes += sizeOf(b);
                }
            }
        }
        for (Path snap : snapshots) {
            for (Path f : snapshotEntries(snap)) {
                if (!Files.isSymbolicLink(f)) {
                    bytes += sizeOf(f);
                }
            }
        }
        if (!dryRun) {
            Map<String, Set<String>> refs = refs(r.dir());
            for (Path snap : snapshots) {
                String commit = snap.getFileName().toString();
                for (String ref : refs.getOrDefault(commit, Set.of())) {
                    deleteTree(r.dir().resolve("refs").resolve(ref));
                }
                deleteTree(snap);
                deleteTree(r.dir().resolve(".no_exist").resolve(commit));
            }
            for (Path b : blobs) {
                deleteTree(b);
                deleteTree(cache.verifiedMarker(b));
            }
        }
        return new Removal(snapshots, blobs, bytes);
    }

    /** commit -> the refs ({@code main}, {@code v1.0}, {@code refs/pr/1}) that point to it. */
    private static Map<String, Set<String>> refs(Path repoDir) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Path refs = repoDir.resolve("refs");
        if (!Files.isDirectory(refs)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(refs)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                String commit = Files.readString(f, StandardCharsets.UTF_8).trim();
                out.computeIfAbsent(commit, k -> new TreeSet<>()).add(refs.relativize(f).toString().replace('\\', '/'));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The files of a snapshot: links and copies, not our own temporary files. */
    private static List<Path> snapshotEntries(Path snap) {
        try (Stream<Path> walk = Files.walk(snap)) {
            return walk.filter(p -> Files.isSymbolicLink(p) || Files.isRegularFile(p))
                    .filter(p -> !p.getFileName().toString().endsWith(".tmp")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(Path::normalize).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean olderThanAnHour(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant().isBefore(Instant.now().minusSeconds(3600));
        } catch (IOException e) {
            return false;
        }
    }

    private static Instant lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static Instant newest(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(CacheScan::lastModified).max(Comparator.naturalOrder()).orElse(Instant.EPOCH);
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p) && !Files.isSymbolicLink(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException e) {
            throw new GraftException("cannot delete " + p + ": " + e.getMessage(), "check the cache's permissions (GRAFT_HUB_CACHE)", e);
        }
    }
}
