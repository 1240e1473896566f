package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGraphTest {
    @TempDir
    Path tmp;

    static byte[] tinyModel() {
        ProtoWriter graph = new ProtoWriter()
                .message(1, ProtoWriter.node("MatMul", new String[] {"x", "onnx::MatMul_7"}, new String[] {"y"}))
                .message(1, ProtoWriter.node("Add", new String[] {"dense.bias", "y"}, new String[] {"z"}))
                .string(2, "tiny")
                .message(5, ProtoWriter.floatTensor("onnx::MatMul_7", new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6}))
                .message(5, ProtoWriter.floatTensor("dense.bias", new long[] {2}, new float[] {0.5f, -0.5f}))
                .message(11, new ProtoWriter().string(1, "x"))
                .message(12, new ProtoWriter().string(1, "z"));
        return new ProtoWriter().varint(1, 8).string(2, "hand").message(7, graph).toByteArray();
    }

    @Test
    void readsInitializersNodesAndIo() throws Exception {
        Path f = tmp.resolve("tiny.onnx");
        Files.write(f, tinyModel());
        OnnxGraph g = OnnxGraph.read(f);
        assertEquals(8, g.irVersion());
        assertEquals("hand", g.producer());
        assertEquals(2, g.nodes().size());
        assertEquals("MatMul", g.nodes().get(0).opType());
        assertEquals(java.util.List.of("dense.bias", "y"), g.nodes().get(1).inputs());
        assertEquals(java.util.List.of("x"), g.inputs());
        assertEquals(java.util.List.of("z"), g.outputs());
        OnnxTensor w = g.initializer("onnx::MatMul_7");
        assertArrayEquals(new long[] {3, 2}, w.dims());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w.floats());
        assertEquals("Add", g.consumers("y").get(0).opType());
    }

    @Test
    void corruptOrForeignFilesGiveClearErrors() throws Exception {
        byte[] good = tinyModel();
        GraftException truncated = assertThrows(GraftException.class,
                () -> OnnxGraph.parse(ByteBuffer.wrap(Arrays.copyOf(good, good.length - 9)), "cut.onnx"));
        assertTrue(truncated.getMessage().contains("not a readable ONNX model"), truncated.getMessage());
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        assertThrows(GraftException.class, () -> OnnxGraph.parse(ByteBuffer.wrap(png), "picture.onnx"));
        byte[] text = "{\"hello\": \"world\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThrows(GraftException.class, () -> OnnxGraph.parse(ByteBuffer.wrap(text), "config.json"));
        byte[] noGraph = new ProtoWriter().varint(1, 8).toByteArray();
        GraftException e = assertThrows(GraftException.class, () -> OnnxGraph.parse(ByteBuffer.wrap(noGraph), "empty.onnx"));
        assertTrue(e.getMessage().contains("no graph"), e.getMessage());
        Path missing = tmp.resolve("missing.onnx");
        assertThrows(GraftException.class, () -> OnnxGraph.read(missing));
    }

    @Test
    void wrongSizedTensorDataIsReported() {
        ProtoWriter graph = new ProtoWriter()
                .message(1, ProtoWriter.node("Identity", new String[] {"w"}, new String[] {"o"}))
                .message(5, ProtoWriter.floatTensor("w", new long[] {4, 4}, new float[] {1, 2}));
        OnnxGraph g = OnnxGraph.parse(ByteBuffer.wrap(new ProtoWriter().varint(1, 7).message(7, graph).toByteArray()), "bad.onnx");
        assertThrows(OnnxGraph.OnnxException.class, () -> g.initializer("w").floats());
    }
}
