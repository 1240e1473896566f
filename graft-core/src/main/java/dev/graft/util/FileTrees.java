package dev.graft.util;

import dev.graft.progress.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folders removed with everything in them. */
public final class FileTrees {
    private FileTrees() {}

    /**
     * Deletes {@code root} and everything below it (nothing when it does not exist). A failure is
     * only warned about: the callers remove scratch folders, whose leftovers do no harm.
     */
    public static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            Output.warn("could not remove " + root + ": " + e.getMessage());
        }
    }
}
