package dev.graft.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link SafeTensors#open} and the tensor reads on hostile bytes: every input either opens as a
 * file whose every tensor reads back with the size its header declares, or fails with a
 * {@link GraftException}. Any other throwable (and a hang) is a finding. Under plain {@code mvn test}
 * only the seed corpus in {@code SafeTensorsFuzzTestInputs/open} runs; docs/security.md ("Fuzzing")
 * shows the long run.
 */
class SafeTensorsFuzzTest {
    @TempDir
    static Path dir;
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        Engines.pytorch();
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void release() {
        manager.close();
    }

    // Catches hangs only (an input is a few KiB). Fuzzing runs turn JUnit timeouts off (they would cut the
    // whole run) and Jazzer passes this on as the per-input -timeout.
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void open(byte[] data) throws IOException {
        Path file = dir.resolve("fuzz.safetensors");
        Files.write(file, data);
        try (SafeTensors st = SafeTensors.open(file); NDManager scope = manager.newSubManager()) {
            for (String name : st.names()) {
                TensorInfo t = st.info(name);
                ByteBuffer bytes = st.bytes(name);
                assertEquals(t.byteSize(), bytes.remaining(), name);
                NDArray a = st.toNDArray(scope, name);
                assertEquals(t.numel(), a.size(), name);
            }
            st.metadata().forEach((k, v) -> assertEquals(v, st.metadata().get(k)));
        } catch (GraftException refused) {
            // the one way the reader may refuse a file
        }
    }
}
