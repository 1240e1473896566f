package dev.graft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where Graft keeps caches, data sets and the local hub: {@code GRAFT_HOME}, or {@code ~/.graft}.
 *
 * <p>The system property {@code graft.home} wins over the environment so tests can point it at a
 * temporary folder.
 *
 * <pre>{@code
 * Path data = GraftHome.dir("data");   // ~/.graft/data, created if missing
 * }</pre>
 */
public final class GraftHome {
    private GraftHome() {}

    /** The root folder (not created). */
    public static Path root() {
        String prop = System.getProperty("graft.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath();
        }
        String env = System.getenv("GRAFT_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".graft");
    }

    /** A sub-folder of the root, created if missing. */
    public static Path dir(String first, String... more) {
        Path p = root().resolve(Path.of(first, more));
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    new IOException("cannot create " + p + "; set GRAFT_HOME to a writable folder", e));
        }
        return p;
    }
}
