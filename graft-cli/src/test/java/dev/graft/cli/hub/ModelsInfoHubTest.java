package dev.graft.cli.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.hub.FakeHfHub;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.TimmFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code graft models info hf-hub:org/name}: the weights' tensors and dtypes from their header, the weights left on the hub. */
class ModelsInfoHubTest extends FakeHubCliTest {
    ModelsInfoHubTest() {
        super(null);
    }

    @Test
    void infoReadsTheHeaderWithoutDownloadingTheWeights() throws Exception {
        Path folder = TimmFolder.write(tmp.resolve("r18"), "resnet18", 10, 3, 32, 7);
        byte[] weights = Files.readAllBytes(folder.resolve("model.safetensors"));
        String sha256 = sha256(weights);
        int tensors;
        try (SafeTensors st = SafeTensors.open(folder.resolve("model.safetensors"))) {
            tensors = st.names().size();
        }
        String commit = fake.commit(fake.createRepo("model", "alice/r18", false), "main",
                Map.of("config.json", Files.readAllBytes(folder.resolve("config.json")), "model.safetensors", weights));

        assertEquals(0, run("models", "info", "hf-hub:alice/r18"), last.err);
        for (String line : List.of("architecture   resnet18", "num_classes    10", "tensors        " + tensors, "dtypes         {F32=",
                "weights        on the hub, not downloaded (alice/r18 at " + commit, "weights_bytes  " + weights.length,
                "sha256         " + sha256)) {
            assertTrue(last.out.contains(line), line + " in:\n" + last.out);
        }
        long ranged;
        synchronized (fake.log) {
            String weightsGet = "GET /lfs-cdn/" + sha256;
            ranged = fake.log.stream().filter(l -> l.startsWith(weightsGet)).peek(l -> assertTrue(l.contains(" Range:bytes=0-"), l)).count();
        }
        assertEquals(1, ranged, "one ranged GET of the weights: " + fake.log);
        try (Stream<Path> blobs = Files.list(tmp.resolve("home/hub/cache/models--alice--r18/blobs"))) {
            assertTrue(blobs.noneMatch(b -> b.getFileName().toString().startsWith(sha256)),
                    "the weights are not in the cache");
        }

        // offline the cache is all there is: the weights are not in it, and the error says so on one line
        System.setProperty("graft.hub.offline", "1");
        try {
            assertEquals(1, run("models", "info", "hf-hub:alice/r18"));
            assertTrue(last.err.contains("offline") && last.err.contains("not in the cache"), last.err);
            assertEquals(1, last.err.strip().lines().count(), last.err);
        } finally {
            System.clearProperty("graft.hub.offline");
        }
    }

    @Test
    void withTheHubDownTheCacheAnswers() throws Exception {
        Path folder = TimmFolder.write(tmp.resolve("r18"), "resnet18", 10, 3, 32, 7);
        String commit = fake.commit(fake.createRepo("model", "alice/r18", false), "main",
                Map.of("config.json", Files.readAllBytes(folder.resolve("config.json")),
                        "model.safetensors", Files.readAllBytes(folder.resolve("model.safetensors"))));
        assertEquals(0, run("hub", "pull", "alice/r18"), last.err);
        fake.close();
        assertEquals(0, run("models", "info", "hf-hub:alice/r18"), last.err);
        assertTrue(last.out.contains("weights        " + tmp.resolve("home/hub/cache/models--alice--r18/snapshots").resolve(commit)
                .resolve("model.safetensors")), last.out);
        assertTrue(last.out.contains("architecture   resnet18"), last.out);
    }

    /** The sha256 the hub names for an LFS file (its ETag). */
    static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    }
}
