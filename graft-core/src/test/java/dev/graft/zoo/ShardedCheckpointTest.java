package dev.graft.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.TestHome;
import dev.graft.weights.Checkpoint;
import dev.graft.weights.SafeTensors;
import dev.graft.weights.TensorInfo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sharded checkpoints as transformers' {@code save_pretrained(max_shard_size=...)} writes them: an
 * index {@code model.safetensors.index.json} and shards {@code model-0000i-of-0000n.safetensors} in one
 * folder load as the single file does, and each way such a folder can be broken is one line naming
 * the file and the fix.
 */
class ShardedCheckpointTest {
    @RegisterExtension
    static final TestHome home = new TestHome();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHARD1 = "model-00001-of-00002.safetensors";
    private static final String SHARD2 = "model-00002-of-00002.safetensors";

    @TempDir
    static Path tmp;
    static Path single;
    static GraftModel original;

    @BeforeAll
    static void saveOnce() {
        original = Zoo.create("small_cnn", CreateOptions.defaults().withSeed(7).withNumClasses(3));
        single = tmp.resolve("single");
        Weights.save(original, single);
    }

    /** Splits the single file's tensors in two shards (in order, as transformers does) and writes the index by hand. */
    private static Path shardedCopy(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(single.resolve(ResolvedWeights.CONFIG_FILE), dir.resolve(ResolvedWeights.CONFIG_FILE));
        ObjectNode index = JSON.createObjectNode();
        ObjectNode map = JSON.createObjectNode();
        long total = 0;
        try (SafeTensors st = SafeTensors.open(single.resolve(ResolvedWeights.WEIGHTS_FILE))) {
            List<String> names = st.names();
            List<SafeTensors.Tensor> first = new ArrayList<>();
            List<SafeTensors.Tensor> second = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                TensorInfo t = st.info(names.get(i));
                (i < names.size() / 2 ? first : second).add(new SafeTensors.Tensor(t.name(), t.dtype(), t.shape(), st.bytes(t.name())));
                map.put(t.name(), i < names.size() / 2 ? SHARD1 : SHARD2);
                total += t.byteSize();
            }
            SafeTensors.writeTensors(dir.resolve(SHARD1), first, Map.of("format", "pt"));
            SafeTensors.writeTensors(dir.resolve(SHARD2), second, Map.of("format", "pt"));
        }
        index.putObject("metadata").put("total_size", total);
        index.set("weight_map", map);
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(index));
        return dir;
    }

    private static void assertSameWeights(GraftModel expected, GraftModel actual) {
        assertEquals(expected.stateDict().keySet(), actual.stateDict().keySet());
        for (String k : expected.stateDict().keySet()) {
            assertArrayEquals(expected.stateDict().get(k).getArray().toFloatArray(), actual.stateDict().get(k).getArray().toFloatArray(), k);
        }
    }

    @Test
    void aShardedFolderLoadsAsTheSingleFileDoes() throws IOException {
        Path dir = shardedCopy(tmp.resolve("sharded"));
        ResolvedWeights resolved = ResolvedWeights.ofDir(dir);
        assertEquals(dir.resolve(Checkpoint.INDEX_FILE), resolved.weightsFile());
        GraftModel fromSingle = Zoo.create("local-dir:" + single);
        GraftModel fromShards = Zoo.create("local-dir:" + dir);
        assertEquals("small_cnn", fromShards.cfg().architecture());
        assertEquals(3, fromShards.numClasses());
        assertTrue(((ModelBase) fromShards).loadReport().isExact(), ((ModelBase) fromShards).loadReport().summary());
        assertSameWeights(original, fromSingle);
        assertSameWeights(original, fromShards);
        assertEquals(dir.toAbsolutePath(), fromShards.weightsDir());
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(0f, 1f, new Shape(2, 1, 28, 28));
            assertArrayEquals(((ModelBase) fromSingle).predict(x).toFloatArray(), ((ModelBase) fromShards).predict(x).toFloatArray());
        }
        try (Checkpoint ck = Checkpoint.open(resolved.weightsFile())) {
            assertTrue(ck.sharded());
            assertEquals(List.of(dir.resolve(SHARD1), dir.resolve(SHARD2)), ck.shards());
            assertEquals(dir.resolve(SHARD2), ck.shardOf(ck.names().get(ck.names().size() - 1)));
            assertNotNull(ck.metadata().get("total_size"));
        }
        // transformers writes the weight_map sorted by name; the tensors still come in the order they were saved.
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        ObjectNode root = (ObjectNode) JSON.readTree(index.toFile());
        ObjectNode sorted = JSON.createObjectNode();
        List<String> keys = new ArrayList<>();
        root.get("weight_map").fieldNames().forEachRemaining(keys::add);
        keys.stream().sorted(java.util.Comparator.reverseOrder()).forEach(k -> sorted.set(k, root.get("weight_map").get(k)));
        root.set("weight_map", sorted);
        Files.writeString(index, root.toString());
        try (Checkpoint ck = Checkpoint.open(index); SafeTensors st = SafeTensors.open(single.resolve(ResolvedWeights.WEIGHTS_FILE))) {
            assertEquals(st.names(), ck.names());
            assertEquals(List.of(dir.resolve(SHARD1), dir.resolve(SHARD2)), ck.shards());
        }
        assertSameWeights(original, Zoo.create("local-dir:" + dir));
        // The classifier count is read through the index too: a config.json that disagrees is refused.
        Path wrong = shardedCopy(tmp.resolve("wrong-classes"));
        String cfg = Files.readString(wrong.resolve(ResolvedWeights.CONFIG_FILE));
        String edited = cfg.replaceAll("\"num_classes\"\\s*:\\s*3", "\"num_classes\": 4");
        assertFalse(cfg.equals(edited), cfg);
        Files.writeString(wrong.resolve(ResolvedWeights.CONFIG_FILE), edited);
        GraftException e = assertThrows(GraftException.class, () -> Zoo.create("local-dir:" + wrong));
        assertTrue(e.getMessage().contains("num_classes=4") && e.getMessage().contains(Checkpoint.INDEX_FILE), e.getMessage());
    }

    @Test
    void graftWritesShardsAsTransformersDoAndASingleFileWhenTheyFit() throws IOException {
        Path dir = tmp.resolve("written");
        List<SafeTensors.Tensor> tensors = new ArrayList<>();
        try (SafeTensors st = SafeTensors.open(single.resolve(ResolvedWeights.WEIGHTS_FILE))) {
            for (TensorInfo t : st.tensors().values()) {
                ByteBufferCopy copy = new ByteBufferCopy(st.bytes(t.name()));
                tensors.add(new SafeTensors.Tensor(t.name(), t.dtype(), t.shape(), copy.buffer()));
            }
        }
        long largest = tensors.stream().mapToLong(t -> t.data().remaining()).max().orElseThrow();
        Path index = Checkpoint.writeSharded(dir, tensors, Map.of("format", "pt"), largest);
        assertEquals(dir.resolve(Checkpoint.INDEX_FILE), index);
        try (Checkpoint ck = Checkpoint.open(index); SafeTensors st = SafeTensors.open(single.resolve(ResolvedWeights.WEIGHTS_FILE));
                NDManager nd = NDManager.newBaseManager()) {
            assertTrue(ck.shards().size() > 2, "shards: " + ck.shards());
            int n = ck.shards().size();
            assertEquals(String.format("model-00001-of-%05d.safetensors", n), ck.shards().get(0).getFileName().toString());
            assertEquals(st.names(), ck.names());
            for (String name : st.names()) {
                assertArrayEquals(st.toNDArray(nd, name).toByteArray(), ck.toNDArray(nd, name).toByteArray(), name);
            }
            long total = st.tensors().values().stream().mapToLong(TensorInfo::byteSize).sum();
            assertEquals(Long.toString(total), ck.metadata().get("total_size"));
            assertEquals("pt", SafeTensors.open(ck.shards().get(0)).metadata().get("format"));
        }
        List<Path> oldShards;
        try (Checkpoint ck = Checkpoint.open(index)) {
            oldShards = ck.shards();
        }
        // Written again in one file, the index and its shards go: one checkpoint per folder.
        Path again = Checkpoint.writeSharded(dir, tensors, Map.of("format", "pt"), Long.MAX_VALUE);
        assertEquals(dir.resolve(Checkpoint.SINGLE_FILE), again);
        assertFalse(Files.exists(index));
        oldShards.forEach(p -> assertFalse(Files.exists(p), p + " left behind"));
        // A model saved sharded through Weights loads back with local-dir:.
        Path saved = tmp.resolve("saved-sharded");
        Weights.save(original, saved, original.cfg(), largest);
        assertTrue(Files.isRegularFile(saved.resolve(Checkpoint.INDEX_FILE)));
        assertFalse(Files.exists(saved.resolve(Checkpoint.SINGLE_FILE)));
        assertSameWeights(original, Zoo.create("local-dir:" + saved));
        // Saved again as one file into the same folder: the index and its shards go.
        Weights.save(original, saved);
        assertTrue(Files.isRegularFile(saved.resolve(Checkpoint.SINGLE_FILE)));
        try (Stream<Path> left = Files.list(saved)) {
            assertEquals(List.of(ResolvedWeights.CONFIG_FILE, Checkpoint.SINGLE_FILE),
                    left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aShardedFolderInGraftHomeIsACatalogueTag() throws IOException {
        Path dir = shardedCopy(Weights.catalogueDir("small_cnn.sharded_test"));
        assertTrue(Zoo.tagsOf("small_cnn").contains("sharded_test"), Zoo.tagsOf("small_cnn").toString());
        GraftModel m = Zoo.create("small_cnn.sharded_test", CreateOptions.defaults().withPretrained(true));
        assertEquals(dir.toAbsolutePath(), m.weightsDir());
        assertSameWeights(original, m);
    }

    @Test
    void shardSizesReadAsTransformersWritesThem() {
        assertEquals(5_000_000_000L, Checkpoint.parseSize("5GB"));
        assertEquals(500_000_000L, Checkpoint.parseSize("500MB"));
        assertEquals(10L << 20, Checkpoint.parseSize("10MiB"));
        assertEquals(1_500L, Checkpoint.parseSize("1.5kb"));
        assertEquals(1_000_000L, Checkpoint.parseSize("1000000"));
        for (String bad : List.of("", "5 parsecs", "-1MB", "0", "GB")) {
            GraftException e = assertThrows(GraftException.class, () -> Checkpoint.parseSize(bad), bad);
            assertTrue(e.fix().contains("5GB"), e.oneLine());
        }
    }

    /** A heap copy of a mapped buffer, so the tensors outlive the file they were read from. */
    private record ByteBufferCopy(java.nio.ByteBuffer buffer) {
        ByteBufferCopy {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(buffer.remaining());
            b.put(buffer.duplicate()).flip();
            buffer = b;
        }
    }

    private static GraftException loadFails(Path dir) {
        GraftException e = assertThrows(GraftException.class, () -> Zoo.create("local-dir:" + dir));
        assertFalse(e.oneLine().contains("\n"), e.oneLine());
        assertNotNull(e.fix(), e.getMessage());
        return e;
    }

    @Test
    void aMissingShardIsNamedWithItsIndex() throws IOException {
        Path dir = shardedCopy(tmp.resolve("missing"));
        Files.delete(dir.resolve(SHARD2));
        GraftException e = loadFails(dir);
        assertTrue(e.getMessage().contains(SHARD2) && e.getMessage().contains(Checkpoint.INDEX_FILE) && e.getMessage().contains("missing"),
                e.getMessage());
        assertTrue(e.fix().contains("download every shard"), e.fix());
    }

    @Test
    void aTruncatedShardIsNamed() throws IOException {
        Path dir = shardedCopy(tmp.resolve("truncated"));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SHARD1).toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        GraftException e = loadFails(dir);
        assertTrue(e.getMessage().startsWith("shard " + SHARD1 + " of index "), e.getMessage());
        assertTrue(e.getMessage().contains("damaged or truncated") && e.getMessage().contains("data section"), e.oneLine());
        assertTrue(e.fix().contains("download the shard again"), e.fix());
    }

    @Test
    void aTensorTheIndexPutsInTheWrongShardIsNamed() throws IOException {
        Path dir = shardedCopy(tmp.resolve("wrong-shard"));
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        ObjectNode root = (ObjectNode) JSON.readTree(index.toFile());
        String moved;
        try (SafeTensors st = SafeTensors.open(dir.resolve(SHARD1))) {
            moved = st.names().get(0);
        }
        ((ObjectNode) root.get("weight_map")).put(moved, SHARD2);
        Files.writeString(index, root.toString());
        GraftException e = loadFails(dir);
        assertEquals("index " + index + " maps tensor '" + moved + "' to shard " + SHARD2 + ", which does not hold it", e.getMessage());
    }

    @Test
    void aShardTensorTheIndexDoesNotListIsRefused() throws IOException {
        Path dir = shardedCopy(tmp.resolve("unlisted"));
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        ObjectNode root = (ObjectNode) JSON.readTree(index.toFile());
        String dropped = root.get("weight_map").fieldNames().next();
        ((ObjectNode) root.get("weight_map")).remove(dropped);
        Files.writeString(index, root.toString());
        GraftException e = loadFails(dir);
        assertTrue(e.getMessage().contains("'" + dropped + "'") && e.getMessage().contains("does not list"), e.getMessage());
    }

    @Test
    void aMalformedIndexOrOneWithoutWeightMapIsNamed() throws IOException {
        Path dir = shardedCopy(tmp.resolve("malformed"));
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        Files.writeString(index, "{\"metadata\": {\"total_size\": 10}, \"weight_map\": {\"a\": ");
        GraftException e = loadFails(dir);
        assertTrue(e.getMessage().startsWith("index " + index + " is not valid JSON"), e.getMessage());
        assertTrue(e.fix().contains("save_pretrained"), e.fix());

        Files.writeString(index, "{\"metadata\": {\"total_size\": 10}}");
        e = loadFails(dir);
        assertEquals("index " + index + " has no \"weight_map\" object (tensor name to shard file)", e.getMessage());

        Files.writeString(index, "{\"weight_map\": {\"conv.weight\": \"../elsewhere.safetensors\"}}");
        e = loadFails(dir);
        assertTrue(e.getMessage().contains("'../elsewhere.safetensors', which is not a file next to the index"), e.getMessage());

        Files.writeString(index, "[1, 2]");
        e = loadFails(dir);
        assertTrue(e.getMessage().contains("is not a JSON object"), e.getMessage());
    }

    @Test
    void aFolderWithNeitherFileSaysBoth() throws IOException {
        Path dir = tmp.resolve("empty");
        Files.createDirectories(dir);
        Files.copy(single.resolve(ResolvedWeights.CONFIG_FILE), dir.resolve(ResolvedWeights.CONFIG_FILE));
        GraftException e = loadFails(dir);
        assertTrue(e.getMessage().contains(ResolvedWeights.WEIGHTS_FILE) && e.getMessage().contains(Checkpoint.INDEX_FILE), e.getMessage());
        Files.writeString(dir.resolve(ResolvedWeights.PICKLE_INDEX_FILE), "{\"weight_map\": {}}");
        e = loadFails(dir);
        assertTrue(e.getMessage().contains("sharded PyTorch pickle"), e.getMessage());
    }
}
