package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
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
 * A catalogue tag whose weights timm publishes on the Hub ({@code timm/<arch>.<tag>}, timm's
 * {@code hf_hub_id}): creating the tag fetches the repository on first use, its config.json
 * describes the weights, and later creations come from the cache, offline too.
 */
class HubTimmTagTest extends TinyRepoFixture {
    private static final String TAG = "small_cnn.hub_test";

    HubTimmTagTest() {
        super(16, 3);
    }

    @BeforeEach
    void catalogueTag() {
        useFakeHubAndFreshHome();
        PretrainedCfg d = Zoo.architecture("small_cnn").defaultCfg();
        Zoo.registerTimmHubTags(List.of(d.timmHubTag("hub_test", "apache-2.0", 28, "bilinear", 1.0)));
    }

    /** The files of a small_cnn with 4 classes as timm pushes them: config.json (timm's layout) and model.safetensors. */
    private Map<String, byte[]> publish(GraftModel m) throws IOException {
        Path export = tmp.resolve("export");
        Weights.save(m, export, m.cfg());
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(export)) {
            for (Path p : s.sorted().toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        fake.commit(fake.createRepo("model", "timm/" + TAG, false), "main", files);
        return files;
    }

    @Test
    void aTimmTagIsFetchedFromTheHubOnFirstUse() throws IOException {
        assertEquals("hf-hub:timm/" + TAG, Zoo.hubWeights(TAG));
        assertNull(Zoo.missingStep(TAG), "a download is no step the user takes");
        assertTrue(Zoo.list(List.of("small_cnn"), List.of(), true).contains(TAG));
        GraftModel original = Zoo.create("small_cnn", CreateOptions.defaults().withSeed(9).withNumClasses(4));
        publish(original);

        GraftModel m = Zoo.create(TAG, CreateOptions.defaults().withPretrained(true));
        assertEquals(TAG, m.cfg().name(), "named by the tag it was fetched for");
        assertEquals(4, m.cfg().numClasses(), "the repository's config.json describes the weights");
        for (String k : original.stateDict().keySet()) {
            assertArrayEquals(original.stateDict().get(k).getArray().toFloatArray(), m.stateDict().get(k).getArray().toFloatArray(), k);
        }
        assertTrue(m.weightsDir().startsWith(tmp.resolve("cache").toAbsolutePath()), m.weightsDir().toString());

        // The tag as a source of the architecture, with a new head; then offline, from the cache.
        GraftModel head = Zoo.create("small_cnn", CreateOptions.defaults().withSource("hub_test").withNumClasses(2));
        assertEquals(2, head.cfg().numClasses());
        setProperty("graft.hub.offline", "1");
        GraftModel offline = Zoo.create(TAG, CreateOptions.defaults().withPretrained(true));
        assertEquals(m.weightsDir(), offline.weightsDir());
    }

    @Test
    void aRepositoryHoldingAnotherArchitectureIsRefused() throws IOException {
        publish(Zoo.create("small_resnet", CreateOptions.defaults().withSeed(2)));
        GraftException e = assertThrows(GraftException.class, () -> Zoo.create(TAG, CreateOptions.defaults().withPretrained(true)));
        assertTrue(e.getMessage().contains("hf-hub:timm/" + TAG + " holds architecture 'small_resnet'"), e.oneLine());
    }

    @Test
    void anUnreachableHubIsOneLineNamingTheRepository() {
        setProperty("graft.endpoint", "http://127.0.0.1:9");
        GraftException e = assertThrows(GraftException.class, () -> Zoo.create(TAG, CreateOptions.defaults().withPretrained(true)));
        assertTrue(e.oneLine().contains("timm/" + TAG) || e.oneLine().contains("127.0.0.1:9"), e.oneLine());
    }
}
