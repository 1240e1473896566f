package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.weights.Checkpoint;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A model repository holding a sharded checkpoint as transformers pushes it (no model.safetensors;
 * model.safetensors.index.json and the shards it names): {@code hf-hub:} fetches the index and every
 * shard, and the model loads as it was saved; a shard the repository lacks is one line naming it.
 */
class HubShardedDownloadTest extends TinyRepoFixture {
    private GraftModel original;
    private Map<String, byte[]> files;

    HubShardedDownloadTest() {
        super(64, 11);
    }

    @BeforeEach
    void shardedRepo() throws IOException {
        useFakeHubAndFreshHome();
        original = Zoo.create("small_cnn", CreateOptions.defaults().withSeed(5).withNumClasses(3));
        Path export = tmp.resolve("export");
        Weights.save(original, export, original.cfg(), 40_000);
        files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(export)) {
            for (Path p : s.sorted().toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        assertTrue(files.containsKey(Checkpoint.INDEX_FILE) && !files.containsKey(Checkpoint.SINGLE_FILE), files.keySet().toString());
    }

    @Test
    void hfHubFetchesTheIndexAndEveryShard() throws IOException {
        List<String> shards = files.keySet().stream().filter(n -> n.matches("model-\\d{5}-of-\\d{5}\\.safetensors")).toList();
        assertTrue(shards.size() >= 2, files.keySet().toString());
        fake.commit(fake.createRepo("model", "alice/sharded", false), "main", files);
        GraftModel m = Zoo.create("hf-hub:alice/sharded");
        assertTrue(((ModelBase) m).loadReport().isExact(), ((ModelBase) m).loadReport().summary());
        for (String k : original.stateDict().keySet()) {
            assertArrayEquals(original.stateDict().get(k).getArray().toFloatArray(), m.stateDict().get(k).getArray().toFloatArray(), k);
        }
        Path dir = m.weightsDir();
        for (String shard : shards) {
            assertArrayEquals(files.get(shard), readAll(dir.resolve(shard)), shard);
        }
        assertTrue(Files.isRegularFile(dir.resolve(Checkpoint.INDEX_FILE)));

        // Offline, a shard gone from the cache is named, with the way to get it back.
        Files.delete(dir.resolve(shards.get(0)));
        setProperty("graft.hub.offline", "1");
        GraftException e = assertThrows(GraftException.class, () -> Zoo.create("hf-hub:alice/sharded"));
        assertTrue(e.getMessage().contains(shards.get(0)), e.oneLine());
        assertTrue(e.getMessage().endsWith(", which the cache does not hold (offline mode is on)") && e.fix().contains("graft hub pull alice/sharded"), e.oneLine());
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aShardTheRepositoryLacksIsNamed() {
        String last = files.keySet().stream().filter(n -> n.startsWith("model-")).reduce((a, b) -> b).orElseThrow();
        Map<String, byte[]> partial = new LinkedHashMap<>(files);
        partial.remove(last);
        fake.commit(fake.createRepo("model", "alice/partial", false), "main", partial);
        GraftException e = assertThrows(GraftException.class, () -> Zoo.create("hf-hub:alice/partial"));
        assertEquals("model repository alice/partial: model.safetensors.index.json names shard " + last
                + ", which the repository does not hold", e.getMessage());
        assertTrue(e.fix().contains("push every shard"), e.fix());
    }
}
