package dev.graft.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.graft.GraftException;
import dev.graft.data.Pixels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link ImageFiles#read}, the image reader of {@code graft predict} and of image folders,
 * on hostile PNG, JPEG, GIF and BMP bytes: every input either decodes to pixels in [0, 1] of the
 * shape it declares, or fails with a {@link GraftException}. Any other throwable (an
 * {@link OutOfMemoryError} from a header that declares a huge image included) is a finding. Seeds:
 * {@code ImageFilesFuzzTestInputs/read}.
 */
class ImageFilesFuzzTest {
    @TempDir
    static Path dir;

    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void read(byte[] data) throws IOException {
        Path file = dir.resolve("fuzz.img");
        Files.write(file, data);
        Pixels p;
        try {
            p = ImageFiles.read(file);
        } catch (GraftException refused) {
            return;
        }
        assertTrue(p.channels() == 1 || p.channels() == 3, "channels " + p.channels());
        assertEquals((long) p.channels() * p.height() * p.width(), p.values().length);
        for (float v : p.values()) {
            assertTrue(v >= 0f && v <= 1f, "pixel value " + v);
        }
    }
}
