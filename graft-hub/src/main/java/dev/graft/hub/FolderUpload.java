package dev.graft.hub;

import dev.graft.GraftException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What uploading a folder sends ({@link Hub#push}, {@link Hub#uploadFolder}): its files, each as one commit operation. */
final class FolderUpload {
    private FolderUpload() {
    }

    /**
     * The files of a folder as commit operations ({@code .git} skipped). A symbolic link whose target
     * lies outside the folder is refused unless {@code followSymlinks}: a link to a home folder or a
     * key must not be published by accident. Links inside the folder are uploaded as their targets.
     */
    static List<CommitOperation> operations(Path dir, boolean followSymlinks) {
        if (!Files.isDirectory(dir)) {
            throw new GraftException("not a folder: " + dir, "give the folder to upload");
        }
        List<CommitOperation> ops = new ArrayList<>();
        List<String> outside = new ArrayList<>();
        try {
            Path realRoot = dir.toRealPath();
            List<Path> files;
            FileVisitOption[] opts = followSymlinks ? new FileVisitOption[] {FileVisitOption.FOLLOW_LINKS} : new FileVisitOption[0];
            try (Stream<Path> walk = Files.walk(dir, opts)) {
                files = walk.filter(p -> Files.isRegularFile(p) || Files.isSymbolicLink(p)).sorted().toList();
            }
            for (Path p : files) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (rel.startsWith(".git/") || rel.equals(".git") || rel.startsWith(".cache/huggingface/")) {
                    continue;
                }
                if (!followSymlinks) {
                    Path real = Files.exists(p) ? p.toRealPath() : null;
                    if (real == null || !real.startsWith(realRoot)) {
                        outside.add(rel);
                        continue;
                    }
                }
                // a link to a folder inside is not descended: its files are walked on their own path
                if (Files.isRegularFile(p)) {
                    ops.add(CommitOperation.add(rel, p));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new GraftException("cannot read " + dir + ": " + e.getMessage(), "check the folder's permissions", e);
        }
        if (!outside.isEmpty()) {
            throw new GraftException("symbolic link" + (outside.size() == 1 ? " " : "s ") + String.join(", ", outside.subList(0, Math.min(5, outside.size())))
                    + (outside.size() > 5 ? ", ..." : "") + " in " + dir + " lead" + (outside.size() == 1 ? "s" : "") + " out of the folder (or nowhere)",
                    "copy the files into the folder, or pass --follow-symlinks to upload what they point to");
        }
        if (ops.isEmpty()) {
            throw new GraftException("nothing to upload in " + dir, "put the model files in the folder first");
        }
        return ops;
    }
}
