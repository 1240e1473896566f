package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache folder from the variables Python's huggingface_hub reads too, and such a cache used as is. */
class HubConfigCacheTest {
    @TempDir
    Path tmp;

    @Test
    void theCacheVariablesWinInHuggingFaceHubsOrder() {
        Map<String, String> all = Map.of("GRAFT_HUB_CACHE", "/a", "HF_HUB_CACHE", "/b", "HF_HOME", "/c");
        assertEquals(Path.of("/p"), HubConfig.cacheDirFrom("/p", all), "the system property wins");
        assertEquals(Path.of("/a"), HubConfig.cacheDirFrom(null, all));
        assertEquals(Path.of("/b"), HubConfig.cacheDirFrom(null, Map.of("HF_HUB_CACHE", "/b", "HF_HOME", "/c")));
        assertEquals(Path.of("/c/hub"), HubConfig.cacheDirFrom(null, Map.of("HF_HOME", "/c")));
        assertEquals(Path.of("/c/hub"), HubConfig.cacheDirFrom(null, Map.of("GRAFT_HUB_CACHE", " ", "HF_HUB_CACHE", "", "HF_HOME", "/c")),
                "blank values do not count");
        assertEquals(GraftHome.root().resolve("hub").resolve("cache"), HubConfig.cacheDirFrom(null, Map.of()));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"),
                HubConfig.cacheDirFrom(null, Map.of("HF_HOME", "~/.cache/huggingface")));
        assertEquals(Path.of(System.getProperty("user.home"), "hf-cache"), HubConfig.cacheDirFrom(null, Map.of("HF_HUB_CACHE", "~/hf-cache")));
    }

    @Test
    void aCacheThatPythonFilledIsUsedAsIs() throws Exception {
        // what huggingface_hub 0.2x leaves after hf_hub_download("alice/tiny", "config.json"):
        // blobs named by the git blob sha1, a relative link in snapshots/<commit>/, refs/main
        Path hfHome = tmp.resolve("hf");
        byte[] config = "{\"num_classes\":3}".getBytes(StandardCharsets.UTF_8);
        String sha1 = FakeHfHub.blob(config, false).gitSha1();
        String commit = FakeHfHub.newCommitSha("python");
        Path repo = hfHome.resolve("hub").resolve("models--alice--tiny");
        Files.createDirectories(repo.resolve("blobs"));
        Files.write(repo.resolve("blobs").resolve(sha1), config);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs").resolve("main"), commit);
        Path snap = repo.resolve("snapshots").resolve(commit);
        Files.createDirectories(snap);
        Files.createSymbolicLink(snap.resolve("config.json"), Path.of("../../blobs/" + sha1));
        Files.createDirectories(hfHome.resolve("hub").resolve(".locks").resolve("models--alice--tiny"));

        Path cacheDir = HubConfig.cacheDirFrom(null, Map.of("HF_HOME", hfHome.toString()));
        Hub offline = new Hub(new HubConfig(HubConfig.DEFAULT_ENDPOINT, null, true, cacheDir));
        Path p = offline.download("alice/tiny", "config.json", "main");
        assertEquals(snap.resolve("config.json"), p);
        assertArrayEquals(config, Files.readAllBytes(p));
        assertEquals(snap, offline.snapshot("alice/tiny", null, java.util.List.of("*.json")));
        assertTrue(Files.isSymbolicLink(p), "the cache is read, not rewritten");
    }
}
