package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.graft.GraftException;
import dev.graft.text.TextSplits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link HubDatasetLayout} on a hostile data set repository: the README card (its
 * {@code configs} data_files and {@code dataset_info} features) and a {@code train.jsonl} from the
 * same bytes. Every input either reads as labelled texts whose labels lie within their class names, or
 * fails with a {@link GraftException}; any other throwable is a finding.
 */
class HubDatasetLayoutFuzzTest {
    @TempDir
    static Path dir;

    private static final DataSpec SPEC = DataSpec.parse("hf-hub:datasets/fuzz/repo");

    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void detectAndReadTexts(byte[] data) throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        int cut = data.length / 2;
        Files.write(repo.resolve("README.md"), java.util.Arrays.copyOfRange(data, 0, cut));
        Files.write(repo.resolve("train.jsonl"), java.util.Arrays.copyOfRange(data, cut, data.length));
        TextSplits s;
        try {
            s = HubDatasetLayout.detect(repo, "repo").texts(SPEC, 1);
        } catch (GraftException refused) {
            return;
        }
        for (int l : s.train().labels()) {
            assertEquals(true, l >= 0 && l < s.train().numClasses(), "label " + l);
        }
    }
}
