package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.weights.DType;
import dev.graft.weights.SafeTensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A remote safetensors header read with at most two ranged GETs, the weights left on the hub. */
class HubRemoteHeaderTest {
    @TempDir
    Path tmp;

    static final byte[] CONFIG = "{\"architecture\":\"small_cnn\",\"num_classes\":10}".getBytes(StandardCharsets.UTF_8);

    byte[] safetensors(int tensors, int floatsEach, String prefix) throws Exception {
        List<SafeTensors.Tensor> list = new ArrayList<>();
        for (int i = 0; i < tensors; i++) {
            float[] data = new float[floatsEach];
            data[0] = i;
            list.add(SafeTensors.Tensor.ofFloats(prefix + "layer" + i + ".weight", new long[] {floatsEach}, data));
        }
        ByteBuffer half = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        list.add(new SafeTensors.Tensor(prefix + "scale", DType.BF16, new long[] {3}, half));
        Path f = tmp.resolve("w" + System.nanoTime() + ".safetensors");
        SafeTensors.writeTensors(f, list, Map.of("format", "pt"));
        return Files.readAllBytes(f);
    }

    Hub hub(FakeHfHub fake) {
        return new Hub(new HubConfig(fake.endpoint, null, false, tmp.resolve("cache")));
    }

    @Test
    void aSmallHeaderTakesOneRangedGetAndTheWeightsStayOnTheHub() throws Exception {
        try (FakeHfHub fake = new FakeHfHub()) {
            byte[] weights = safetensors(3, 50_000, "");
            String commit = fake.commit(fake.createRepo("model", "alice/net", false), "main",
                    Map.of("config.json", CONFIG, "model.safetensors", weights));
            RemoteCheckpoint ck = hub(fake).remoteCheckpoint("hf-hub:alice/net");
            assertEquals(commit, ck.commit());
            assertFalse(ck.sharded());
            assertEquals(List.of("layer0.weight", "layer1.weight", "layer2.weight", "scale"), List.copyOf(ck.tensors().keySet()));
            assertEquals(DType.BF16, ck.tensors().get("scale").dtype());
            assertArrayEquals(new long[] {50_000}, ck.tensors().get("layer1.weight").shape());
            assertEquals(Map.of("model.safetensors", (long) weights.length), ck.files());
            assertEquals(FakeHfHub.blob(weights, true).sha256(), ck.sha256().get("model.safetensors"));
            assertArrayEquals(CONFIG, Files.readAllBytes(ck.config()));
            List<String> gets = lfsGets(fake);
            assertEquals(1, gets.size(), gets.toString());
            assertEquals("Range:bytes=0-" + (8 + RemoteFiles.HEADER_GUESS_BYTES - 1), gets.get(0).replaceAll(".* Range:", "Range:"));
            try (Stream<Path> blobs = Files.list(tmp.resolve("cache/models--alice--net/blobs"))) {
                assertEquals(1, blobs.count(), "only config.json was downloaded");
            }
        }
    }

    @Test
    void aLongHeaderTakesASecondRangedGetForTheRest() throws Exception {
        try (FakeHfHub fake = new FakeHfHub()) {
            byte[] weights = safetensors(2_000, 1, "model.encoder.a_rather_long_module_name_to_make_the_header_long.");
            long headerLen = ByteBuffer.wrap(weights, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertTrue(headerLen > RemoteFiles.HEADER_GUESS_BYTES, "the header is " + headerLen + " bytes");
            fake.commit(fake.createRepo("model", "alice/long", false), "main", Map.of("config.json", CONFIG, "model.safetensors", weights));
            RemoteCheckpoint ck = hub(fake).remoteCheckpoint("hf-hub:alice/long");
            assertEquals(2_001, ck.tensors().size());
            List<String> gets = lfsGets(fake);
            assertEquals(2, gets.size(), gets.toString());
            assertTrue(gets.get(1).endsWith("Range:bytes=" + (8 + RemoteFiles.HEADER_GUESS_BYTES) + "-" + (8 + headerLen - 1)), gets.toString());
        }
    }

    @Test
    void aServerIgnoringRangeStillGivesTheHeader() throws Exception {
        try (FakeHfHub fake = new FakeHfHub()) {
            fake.ignoreRange = true;
            byte[] weights = safetensors(2, 10, "");
            fake.commit(fake.createRepo("model", "alice/net", false), "main", Map.of("config.json", CONFIG, "model.safetensors", weights));
            assertEquals(3, hub(fake).remoteCheckpoint("hf-hub:alice/net").tensors().size());
        }
    }

    @Test
    void aShardedCheckpointGivesEveryShardsHeader() throws Exception {
        try (FakeHfHub fake = new FakeHfHub()) {
            byte[] a = safetensors(2, 100, "a.");
            byte[] b = safetensors(1, 100, "b.");
            String index = "{\"metadata\":{\"total_size\":1},\"weight_map\":{\"a.layer0.weight\":\"model-00001-of-00002.safetensors\","
                    + "\"a.layer1.weight\":\"model-00001-of-00002.safetensors\",\"a.scale\":\"model-00001-of-00002.safetensors\","
                    + "\"b.layer0.weight\":\"model-00002-of-00002.safetensors\",\"b.scale\":\"model-00002-of-00002.safetensors\"}}";
            FakeHfHub.Repo repo = fake.createRepo("model", "alice/big", false);
            fake.commit(repo, "main", Map.of("config.json", CONFIG, "model.safetensors.index.json", index.getBytes(StandardCharsets.UTF_8),
                    "model-00001-of-00002.safetensors", a, "model-00002-of-00002.safetensors", b));
            RemoteCheckpoint ck = hub(fake).remoteCheckpoint("hf-hub:alice/big");
            assertTrue(ck.sharded());
            assertEquals(List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"), List.copyOf(ck.files().keySet()));
            assertEquals(a.length + b.length, ck.totalBytes());
            assertEquals(5, ck.tensors().size());
            assertEquals(2, lfsGets(fake).stream().filter(l -> l.contains(" Range:bytes=0-")).count(),
                "one ranged GET per shard (the index is downloaded whole): " + lfsGets(fake));
            assertEquals(3, lfsGets(fake).size(), lfsGets(fake).toString());

            fake.commit(repo, "main", Map.of("model.safetensors.index.json",
                    index.replace("model-00002-of-00002", "model-00003-of-00003").getBytes(StandardCharsets.UTF_8)));
            GraftException e = assertThrows(GraftException.class, () -> hub(fake).remoteCheckpoint("hf-hub:alice/big"));
            assertTrue(e.getMessage().contains("names shard model-00003-of-00003.safetensors, which the repository does not hold"), e.oneLine());
        }
    }

    @Test
    void aBrokenHeaderOrPickleWeightsAreNamed() throws Exception {
        try (FakeHfHub fake = new FakeHfHub()) {
            byte[] bad = new byte[200];
            ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
            fake.commit(fake.createRepo("model", "alice/bad", false), "main", Map.of("config.json", CONFIG, "model.safetensors", bad));
            GraftException e = assertThrows(GraftException.class, () -> hub(fake).remoteCheckpoint("hf-hub:alice/bad"));
            assertTrue(e.getMessage().contains("alice/bad@") && e.getMessage().contains("model.safetensors declares a header of 1099511627776 bytes"),
                    e.oneLine());
            fake.commit(fake.createRepo("model", "alice/pickled", false), "main",
                    Map.of("config.json", CONFIG, "pytorch_model.bin", new byte[] {'P', 'K', 3, 4}));
            GraftException p = assertThrows(GraftException.class, () -> hub(fake).remoteCheckpoint("hf-hub:alice/pickled"));
            assertTrue(p.getMessage().contains("publishes its weights only as pytorch_model.bin"), p.oneLine());
            Hub offline = new Hub(new HubConfig(fake.endpoint, null, true, tmp.resolve("cache")));
            GraftException o = assertThrows(GraftException.class, () -> offline.remoteCheckpoint("hf-hub:alice/bad"));
            assertTrue(o.getMessage().contains("offline mode is on"), o.oneLine());
        }
    }

    static List<String> lfsGets(FakeHfHub fake) {
        synchronized (fake.log) {
            return fake.log.stream().filter(l -> l.startsWith("GET /lfs-cdn/")).toList();
        }
    }
}
