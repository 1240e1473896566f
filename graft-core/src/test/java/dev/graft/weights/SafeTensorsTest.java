package dev.graft.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SafeTensorsTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    private static ByteBuffer pattern(int n, int seed) {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i * 31 + seed));
        }
        b.flip();
        return b;
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void rawRoundTripOfEveryDtypeKeepsBytesShapeAndMetadata(DType t) {
        ByteBuffer data = t == DType.BOOL ? ByteBuffer.wrap(new byte[] {1, 0, 1, 1, 0, 0}) : pattern(6 * t.bytes(), t.ordinal());
        Path f = tmp.resolve(t + ".safetensors");
        SafeTensors.writeTensors(f, List.of(new SafeTensors.Tensor("x", t, new long[] {2, 3}, data),
                new SafeTensors.Tensor("scalar", t, new long[0], t == DType.BOOL ? ByteBuffer.wrap(new byte[] {1}) : pattern(t.bytes(), 7)),
                new SafeTensors.Tensor("empty", t, new long[] {0, 4}, ByteBuffer.allocate(0))),
                Map.of("format", "pt", "note", "round trip"));
        try (SafeTensors st = SafeTensors.open(f)) {
            assertEquals(List.of("x", "scalar", "empty"), st.names());
            assertEquals(t, st.info("x").dtype());
            assertArrayEquals(new long[] {2, 3}, st.info("x").shape());
            assertArrayEquals(bytesOf(data), bytesOf(st.bytes("x")));
            assertEquals(0, st.info("scalar").shape().length);
            assertEquals(Map.of("format", "pt", "note", "round trip"), st.metadata());
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void ndArrayRoundTripOfEveryDtype(DType t) {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray values = nd.arange(0f, 12f).reshape(3, 4);
            NDArray source = t == DType.BOOL ? values.gt(5f) : values;
            Path f = tmp.resolve("nd-" + t + ".safetensors");
            SafeTensors.writeTensors(f, List.of(SafeTensors.Tensor.of("a", source, t)), Map.of());
            try (SafeTensors st = SafeTensors.open(f)) {
                assertEquals(t, st.info("a").dtype());
                NDArray b = st.toNDArray(nd, "a");
                DataType expected = t == DType.BF16 ? DataType.FLOAT32 : t == DType.I16 ? DataType.INT32 : t.djl();
                assertEquals(expected, b.getDataType());
                assertEquals(new Shape(3, 4), b.getShape());
                float[] want = source.toType(DataType.FLOAT32, false).toFloatArray();
                assertArrayEquals(want, b.toType(DataType.FLOAT32, false).toFloatArray());
            }
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        try (NDManager nd = NDManager.newBaseManager()) {
            // 1 + 2^-8 lies halfway between two bf16 values; it rounds to the even one (1.0).
            NDArray a = nd.create(new float[] {1f + 1f / 256, 1f + 3f / 256, -2.5f});
            Path f = tmp.resolve("bf16.safetensors");
            SafeTensors.writeTensors(f, List.of(SafeTensors.Tensor.of("a", a, DType.BF16)), null);
            try (SafeTensors st = SafeTensors.open(f)) {
                assertArrayEquals(new float[] {1f, 1f + 4f / 256, -2.5f}, st.toNDArray(nd, "a").toFloatArray());
            }
        }
    }

    @Test
    void floatValuesSurviveAndTheFileIsMemoryMapped() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray a = nd.randomNormal(new Shape(5, 7));
            Path f = tmp.resolve("f.safetensors");
            SafeTensors.write(f, Map.of("w", a), null);
            try (SafeTensors st = SafeTensors.open(f)) {
                assertTrue(st.bytes("w").isDirect(), "tensor data should be a mapped (direct) buffer");
                assertArrayEquals(a.toFloatArray(), st.toNDArray(nd, "w").toFloatArray());
                assertEquals(DataType.FLOAT32, st.dataType("w"));
            }
        }
    }

    // ---- hostile files: each must fail with a GraftException naming the problem ----

    private Path raw(String name, long headerLen, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLen).put(h);
        Path f = tmp.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    private Path raw(String name, String header, int dataBytes) throws IOException {
        return raw(name, header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private static void assertRejected(Path f, String expectedWords) {
        GraftException e = assertThrows(GraftException.class, () -> SafeTensors.open(f).close());
        assertTrue(e.getMessage().contains(expectedWords), "message '" + e.getMessage() + "' lacks '" + expectedWords + "'");
    }

    @Test
    void headerLongerThanTheFileIsRejected() throws IOException {
        assertRejected(raw("long.st", 5000, "{}", 0), "only");
    }

    @Test
    void headerOverOneHundredMegabytesIsRejectedWithoutAllocating() throws IOException {
        assertRejected(raw("huge.st", 200L * 1024 * 1024, "{}", 0), "more than");
        assertRejected(raw("negative.st", -8L, "{}", 0), "more than");
    }

    @Test
    void tinyFileIsRejected() throws IOException {
        Path f = tmp.resolve("tiny.st");
        Files.write(f, new byte[] {1, 2, 3});
        assertRejected(f, "shorter than");
    }

    /** Headers that break a rule of the format, with the data bytes after them and the words the error must contain. */
    static Stream<Arguments> malformedHeaders() {
        String u8 = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";
        return Stream.of(
                Arguments.of("truncated JSON", "{\"a\": {\"dtype\": ", 0, "invalid JSON"),
                Arguments.of("a JSON array", "[1, 2]", 0, "not a JSON object"),
                Arguments.of("a name twice", "{\"a\":" + u8 + ",\"a\":" + u8 + "}", 1, "duplicate"),
                Arguments.of("an unknown dtype", "{\"a\":{\"dtype\":\"F8_E4M3X\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1,
                        "unknown safetensors dtype"),
                Arguments.of("shape and byte size disagree", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 12,
                        "data_offsets span"),
                Arguments.of("a shape whose size overflows",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", 4, "too large"),
                Arguments.of("a negative shape", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "invalid shape"),
                Arguments.of("offsets past the data", "{\"a\":{\"dtype\":\"U8\",\"shape\":[100],\"data_offsets\":[0,100]}}", 10,
                        "data section has only"),
                Arguments.of("offsets backwards", "{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[5,4]}}", 5, "end before"),
                Arguments.of("overlapping tensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}", 6, "overlaps"),
                Arguments.of("a gap between tensors", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                        + "\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[4,6]}}", 6, "belong to no tensor"),
                Arguments.of("data past the last tensor", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", 9,
                        "cover only"),
                Arguments.of("metadata that is not a string", "{\"__metadata__\":{\"k\":1}}", 0, "not a string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeaders")
    void malformedHeaderIsRejected(String problem, String header, int dataBytes, String expectedWords) throws IOException {
        assertRejected(raw("malformed.st", header, dataBytes), expectedWords);
    }

    @Test
    void writerRefusesDuplicateNamesAndWrongSizes() {
        ByteBuffer four = ByteBuffer.allocate(4);
        assertThrows(GraftException.class, () -> SafeTensors.writeTensors(tmp.resolve("w.st"), List.of(
                new SafeTensors.Tensor("a", DType.U8, new long[] {4}, four),
                new SafeTensors.Tensor("a", DType.U8, new long[] {4}, four)), null));
        assertThrows(GraftException.class, () -> SafeTensors.writeTensors(tmp.resolve("w.st"), List.of(
                new SafeTensors.Tensor("a", DType.F32, new long[] {4}, four)), null));
    }

    @Test
    void missingFileNamesThePath() {
        GraftException e = assertThrows(GraftException.class, () -> SafeTensors.open(tmp.resolve("nope.safetensors")));
        assertTrue(e.getMessage().contains("does not exist"));
    }

    @Test
    void writtenHeaderIsPaddedToEightBytes() throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("k", "v");
        Path f = tmp.resolve("pad.st");
        SafeTensors.writeTensors(f, List.of(new SafeTensors.Tensor("abc", DType.U8, new long[] {1}, ByteBuffer.wrap(new byte[] {9}))), meta);
        long len = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, len % 8);
    }
}
