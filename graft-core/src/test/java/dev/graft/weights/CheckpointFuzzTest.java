package dev.graft.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link Checkpoint#open} on hostile {@code model.safetensors.index.json} bytes next to two
 * valid shards: every input either opens as a checkpoint whose every tensor comes from one of the
 * shards next to the index and reads back at its declared size, or fails with a
 * {@link GraftException}. Under plain {@code mvn test} only the seed corpus in
 * {@code CheckpointFuzzTestInputs/openIndex} runs; docs/security.md ("Fuzzing") shows the long run.
 */
class CheckpointFuzzTest {
    @TempDir
    static Path dir;
    private static NDManager manager;
    private static List<Path> shardFiles;

    @BeforeAll
    static void shards() {
        Engines.pytorch();
        manager = NDManager.newBaseManager();
        Path one = dir.resolve("model-00001-of-00002.safetensors");
        Path two = dir.resolve("model-00002-of-00002.safetensors");
        SafeTensors.writeTensors(one, List.of(SafeTensors.Tensor.ofFloats("a.weight", new long[] {2, 2}, new float[] {1, 2, 3, 4}),
                SafeTensors.Tensor.ofFloats("a.bias", new long[] {2}, new float[] {5, 6})), Map.of("format", "pt"));
        SafeTensors.writeTensors(two, List.of(SafeTensors.Tensor.ofFloats("b.weight", new long[] {3}, new float[] {7, 8, 9})),
                Map.of("format", "pt"));
        shardFiles = List.of(one, two);
    }

    @AfterAll
    static void release() {
        manager.close();
    }

    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void openIndex(byte[] data) throws IOException {
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        Files.write(index, data);
        try (Checkpoint ck = Checkpoint.open(index); NDManager scope = manager.newSubManager()) {
            assertTrue(ck.sharded());
            assertTrue(shardFiles.containsAll(ck.shards()), ck.shards().toString());
            for (String name : ck.names()) {
                TensorInfo t = ck.info(name);
                assertTrue(shardFiles.contains(ck.shardOf(name)), name);
                NDArray a = ck.toNDArray(scope, name);
                assertEquals(t.numel(), a.size(), name);
            }
            ck.metadata().forEach((k, v) -> assertEquals(v, ck.metadata().get(k)));
        } catch (GraftException refused) {
            // the one way the reader may refuse an index
        }
    }
}
