package dev.graft.hub;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the download and cache tests: a fake hub, fresh for each test, holding alice/tiny, a
 * public model whose main commit has config.json, model.safetensors (seeded random bytes) and the
 * files a test class adds through {@link #moreFiles()}.
 */
abstract class TinyRepoFixture {
    @TempDir
    Path tmp;
    FakeHfHub fake;
    FakeHfHub.Repo repo;
    String commit;
    byte[] weights;
    byte[] config = "{\"architecture\":\"resnet18\",\"num_classes\":10}".getBytes(StandardCharsets.UTF_8);
    private final int weightBytes;
    private final long seed;

    TinyRepoFixture(int weightBytes, long seed) {
        this.weightBytes = weightBytes;
        this.seed = seed;
    }

    /** Files the first commit holds besides config.json and model.safetensors; none unless overridden. */
    Map<String, byte[]> moreFiles() {
        return Map.of();
    }

    @BeforeEach
    void startFakeHub() throws Exception {
        fake = new FakeHfHub();
        repo = fake.createRepo("model", "alice/tiny", false);
        weights = new byte[weightBytes];
        new Random(seed).nextBytes(weights);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", config);
        files.put("model.safetensors", weights);
        files.putAll(moreFiles());
        commit = fake.commit(repo, "main", files);
    }

    @AfterEach
    void stopFakeHub() {
        fake.close();
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    private final Map<String, String> saved = new java.util.HashMap<>();

    /** Sets a system property for this test; the old value comes back after it. */
    void setProperty(String key, String value) {
        saved.putIfAbsent(key, System.getProperty(key));
        System.setProperty(key, value);
    }

    /** This test's home, endpoint (the fake hub) and hub cache, all under its temporary folder. */
    void useFakeHubAndFreshHome() {
        setProperty("graft.home", tmp.resolve("home").toString());
        setProperty("graft.endpoint", fake.endpoint);
        setProperty("graft.hub.cache", tmp.resolve("cache").toString());
    }
}
