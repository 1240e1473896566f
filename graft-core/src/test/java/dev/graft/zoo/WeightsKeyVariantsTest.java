package dev.graft.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.TestHome;
import dev.graft.weights.Checkpoint;
import dev.graft.weights.DType;
import dev.graft.weights.LoadReport;
import dev.graft.weights.SafeTensors;
import dev.graft.weights.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Key names real PyTorch files carry that differ from the model's: a prefix on every key
 * (DataParallel's {@code module.}, wrappers' {@code model.}, transformers' {@code bert.} /
 * {@code transformer.}) is stripped and reported; buffers that are no parameters
 * ({@code position_ids}, GPT-2's {@code attn.bias} / {@code attn.masked_bias}) are ignored, not unexpected.
 */
class WeightsKeyVariantsTest {
    @RegisterExtension
    static final TestHome home = new TestHome();

    @TempDir
    static Path tmp;
    static Path plain;
    static GraftModel source;

    @BeforeAll
    static void saveOnce() {
        source = Zoo.create("small_resnet", CreateOptions.defaults().withSeed(3).withNumClasses(4));
        plain = tmp.resolve("plain.safetensors");
        Weights.saveStateDict(source, plain);
    }

    /** The plain file's tensors renamed, plus {@code extra}, written to {@code name}. */
    private static Path variant(String name, UnaryOperator<String> rename, List<SafeTensors.Tensor> extra) {
        List<SafeTensors.Tensor> out = new ArrayList<>();
        Path file = tmp.resolve(name);
        try (SafeTensors st = SafeTensors.open(plain)) {
            for (TensorInfo t : st.tensors().values()) {
                ByteBuffer copy = ByteBuffer.allocate((int) t.byteSize());
                copy.put(st.bytes(t.name())).flip();
                out.add(new SafeTensors.Tensor(rename.apply(t.name()), t.dtype(), t.shape(), copy));
            }
        }
        out.addAll(extra);
        SafeTensors.writeTensors(file, out, Map.of("format", "pt"));
        return file;
    }

    private static GraftModel fresh() {
        return Zoo.create("small_resnet", CreateOptions.defaults().withSeed(99).withNumClasses(4));
    }

    private static void assertLoadedAsSource(GraftModel m) {
        for (String k : source.stateDict().keySet()) {
            assertArrayEquals(source.stateDict().get(k).getArray().toFloatArray(), m.stateDict().get(k).getArray().toFloatArray(), k);
        }
    }

    private static SafeTensors.Tensor i64(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocate((int) (8 * n)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            b.putLong(i);
        }
        return new SafeTensors.Tensor(name, DType.I64, shape, b.flip());
    }

    private static SafeTensors.Tensor f32(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return SafeTensors.Tensor.ofFloats(name, shape, new float[(int) n]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"module.", "model.", "bert.", "transformer.", "module.model."})
    void aPrefixOnEveryKeyIsStrippedAndReported(String prefix) {
        Path file = variant(prefix.replace('.', '_') + ".safetensors", k -> prefix + k, List.of());
        GraftModel m = fresh();
        LoadReport r = Weights.loadInto(m, file, true);
        assertEquals(prefix, r.strippedPrefix());
        assertTrue(r.isExact(), r.summary());
        assertEquals(m.stateDict().size(), r.loaded().size());
        assertTrue(r.loaded().stream().noneMatch(k -> k.startsWith(prefix)), r.loaded().toString());
        assertTrue(r.summary().contains("prefix '" + prefix + "' stripped"), r.summary());
        assertTrue(r.ignored().stream().allMatch(k -> k.endsWith("num_batches_tracked")), r.ignored().toString());
        assertLoadedAsSource(m);
    }

    @Test
    void aPrefixIsStrippedThroughZooCreateAndAShardedCheckpointToo() {
        Path file = variant("dp.safetensors", k -> "module." + k, List.of());
        List<SafeTensors.Tensor> tensors = new ArrayList<>();
        try (SafeTensors st = SafeTensors.open(file)) {
            for (TensorInfo t : st.tensors().values()) {
                ByteBuffer copy = ByteBuffer.allocate((int) t.byteSize());
                copy.put(st.bytes(t.name())).flip();
                tensors.add(new SafeTensors.Tensor(t.name(), t.dtype(), t.shape(), copy));
            }
        }
        Path dir = tmp.resolve("dp-sharded");
        Path index = Checkpoint.writeSharded(dir, tensors, Map.of("format", "pt"), 4096);
        GraftModel m = Zoo.create("small_resnet", CreateOptions.defaults().withSource("file:" + index).withNumClasses(4));
        LoadReport r = ((ModelBase) m).loadReport();
        assertEquals("module.", r.strippedPrefix());
        assertTrue(r.isExact() && r.skipped().isEmpty(), r.summary());
        assertLoadedAsSource(m);
    }

    @Test
    void aPrefixOnSomeKeysOnlyIsNotStripped() {
        int[] i = {0};
        Path file = variant("half.safetensors", k -> i[0]++ % 2 == 0 ? "module." + k : k, List.of());
        GraftModel m = fresh();
        LoadReport r = Weights.loadInto(m, file, false);
        assertEquals("", r.strippedPrefix());
        assertFalse(r.unexpected().isEmpty());
        assertTrue(r.unexpected().stream().allMatch(k -> k.startsWith("module.")), r.unexpected().toString());
        assertThrows(dev.graft.GraftException.class, () -> Weights.loadInto(fresh(), file, true));
    }

    @Test
    void aCommonPrefixThatDoesNotLeadToTheModelsKeysIsKept() {
        Path file = variant("other.safetensors", k -> "encoder.layer." + k.replace('.', '_'), List.of());
        LoadReport r = Weights.loadInto(fresh(), file, false);
        assertEquals("", r.strippedPrefix());
        assertTrue(r.loaded().isEmpty(), r.summary());
        assertTrue(r.unexpected().stream().allMatch(k -> k.startsWith("encoder.layer.")), r.unexpected().toString());
    }

    @Test
    void transformersAndGpt2BuffersAreIgnoredNotUnexpected() {
        List<SafeTensors.Tensor> buffers = List.of(
                i64("embeddings.position_ids", new long[] {1, 8}),
                i64("position_ids", new long[] {8}),
                f32("h.0.attn.bias", new long[] {1, 1, 8, 8}),
                f32("h.0.attn.masked_bias", new long[0]));
        Path file = variant("buffers.safetensors", k -> k, buffers);
        GraftModel m = fresh();
        LoadReport r = Weights.loadInto(m, file, true);
        assertTrue(r.isExact(), r.summary());
        assertTrue(r.ignored().containsAll(List.of("embeddings.position_ids", "position_ids", "h.0.attn.bias", "h.0.attn.masked_bias")),
                r.ignored().toString());
        assertTrue(r.unexpected().isEmpty());
        assertLoadedAsSource(m);

        // With a prefix on every parameter key, the buffers (with or without it) do not stop the stripping.
        Path prefixed = variant("prefixed-buffers.safetensors", k -> "model." + k,
                List.of(i64("model.embeddings.position_ids", new long[] {1, 8}), f32("h.0.attn.masked_bias", new long[0])));
        LoadReport p = Weights.loadInto(fresh(), prefixed, true);
        assertEquals("model.", p.strippedPrefix());
        assertTrue(p.ignored().containsAll(List.of("embeddings.position_ids", "h.0.attn.masked_bias")), p.ignored().toString());
    }

    @Test
    void bufferNamesAreRecognisedAndDoNotDecideThePrefix() {
        Set<String> model = Set.of("embeddings.position_ids", "h.0.attn.bias", "fc.weight");
        assertTrue(Weights.isBufferKey("embeddings.position_ids") && Weights.isBufferKey("h.0.attn.bias"));
        assertFalse(Weights.isBufferKey("h.0.attn.c_attn.bias") || Weights.isBufferKey("blocks.0.attn.qkv.bias"));
        // Stripping looks only at parameter keys, and a key the model already has means no prefix.
        assertEquals("", Weights.strippablePrefix(List.of("fc.weight", "x.fc.weight"), model));
        assertEquals("m.", Weights.strippablePrefix(List.of("m.fc.weight", "h.0.attn.bias"), model));
        assertEquals("", Weights.strippablePrefix(List.of("h.0.attn.bias"), model));
    }
}
