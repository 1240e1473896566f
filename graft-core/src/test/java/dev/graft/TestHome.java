package dev.graft;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A GRAFT_HOME of a test's own: a new temporary folder that the {@code graft.home} property points at,
 * put back as it was and deleted afterwards. A JUnit extension: in a static field one home serves the
 * whole class, in an instance field each test gets a fresh one.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestHome home = new TestHome();
 * ... home.dir().resolve("weights") ...
 * }</pre>
 */
public final class TestHome implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private Path dir;
    private String previous;
    /** Whether this home was made for the current test only (an instance field). */
    private boolean perTest;

    /** The folder GRAFT_HOME points at. */
    public Path dir() {
        return dir;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        open();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        // A static field is already open from beforeAll; an instance field is not, and opens per test.
        if (dir == null) {
            perTest = true;
            open();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (perTest) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (!perTest) {
            close();
        }
    }

    private void open() throws IOException {
        dir = Files.createTempDirectory("graft-home");
        previous = System.getProperty("graft.home");
        System.setProperty("graft.home", dir.toString());
    }

    private void close() throws IOException {
        if (previous == null) {
            System.clearProperty("graft.home");
        } else {
            System.setProperty("graft.home", previous);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        dir = null;
    }
}
