package dev.graft.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import dev.graft.onnx.OnnxGraph;
import dev.graft.onnx.ProtoWriter;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The importer against an ONNX graph built the way torch.onnx exports BERT: Linear weights as
 * anonymous {@code onnx::MatMul_N} initializers stored [in, out] feeding a MatMul whose output an Add
 * combines with the named bias; everything else named.
 */
class OnnxBertImporterTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    /** An export of {@code model}'s current weights, Linear weights anonymised and transposed. */
    static byte[] export(BertModel model, boolean dropOneLinear) {
        ProtoWriter graph = new ProtoWriter();
        int anon = 100;
        for (Map.Entry<String, Parameter> e : model.stateDict().entrySet()) {
            String key = e.getKey();
            float[] v = e.getValue().getArray().toFloatArray();
            long[] shape = e.getValue().getArray().getShape().getShape();
            boolean linearWeight = key.endsWith(".weight") && shape.length == 2 && !key.startsWith("embeddings.");
            if (!linearWeight) {
                graph.message(5, ProtoWriter.floatTensor(key, shape, v));
                continue;
            }
            if (dropOneLinear && key.equals("encoder.layer.1.intermediate.dense.weight")) {
                continue;
            }
            String w = "onnx::MatMul_" + anon++;
            float[] t = OnnxBertImporter.transpose(v, (int) shape[0], (int) shape[1]);
            graph.message(5, ProtoWriter.floatTensor(w, new long[] {shape[1], shape[0]}, t));
            String prefix = key.substring(0, key.length() - ".weight".length());
            String out = "/" + prefix + "/MatMul_output_0";
            graph.message(1, ProtoWriter.node("MatMul", new String[] {"hidden", w}, new String[] {out}));
            graph.message(1, ProtoWriter.node("Add", new String[] {prefix + ".bias", out}, new String[] {out + "_add"}));
        }
        // The attention product is a MatMul of two activations: not a weight, must be skipped.
        graph.message(1, ProtoWriter.node("MatMul", new String[] {"q", "k"}, new String[] {"scores"}));
        return new ProtoWriter().varint(1, 8).string(2, "pytorch").message(7, graph).toByteArray();
    }

    /** {@link #export} parsed back as the graph of the file {@code name}. */
    static OnnxGraph exported(BertModel model, boolean dropOneLinear, String name) {
        return OnnxGraph.parse(ByteBuffer.wrap(export(model, dropOneLinear)), name);
    }

    @Test
    void recoversTheStateDictFromAnAnonymisedExport() {
        try (NDManager nd = NDManager.newBaseManager()) {
            BertModel original = TinyBert.model(nd);
            OnnxGraph g = exported(original, false, "tiny-bert.onnx");
            Map<String, OnnxBertImporter.StateTensor> sd = OnnxBertImporter.stateDict(g, TinyBert.config());
            assertEquals(original.stateDict().keySet(), sd.keySet());
            for (Map.Entry<String, Parameter> e : original.stateDict().entrySet()) {
                OnnxBertImporter.StateTensor t = sd.get(e.getKey());
                assertArrayEquals(e.getValue().getArray().getShape().getShape(), t.shape(), e.getKey());
                assertArrayEquals(e.getValue().getArray().toFloatArray(), t.data(), 0f, e.getKey());
            }
        }
    }

    @Test
    void aMissingLayerOrWrongConfigIsReported() {
        try (NDManager nd = NDManager.newBaseManager()) {
            BertModel original = TinyBert.model(nd);
            OnnxGraph partial = exported(original, true, "partial.onnx");
            GraftException e = assertThrows(GraftException.class, () -> OnnxBertImporter.stateDict(partial, TinyBert.config()));
            assertTrue(e.getMessage().contains("encoder.layer.1.intermediate.dense.weight"), e.getMessage());
            OnnxGraph full = exported(original, false, "full.onnx");
            BertConfig oneLayer = BertConfig.of(16, 1, 2, 32, 64, 30522, 2, false);
            assertThrows(GraftException.class, () -> OnnxBertImporter.stateDict(full, oneLayer));
            BertConfig wider = BertConfig.of(32, 2, 2, 32, 64, 30522, 2, false);
            assertThrows(GraftException.class, () -> OnnxBertImporter.stateDict(full, wider));
        }
    }

    @Test
    void transposeIsRowColumnSwap() {
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, OnnxBertImporter.transpose(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), 0f);
        Map<String, long[]> shapes = OnnxBertImporter.expectedShapes(MiniLm.CONFIG);
        assertEquals(5 + 6 * 16, shapes.size());
        long total = 0;
        for (long[] s : new LinkedHashMap<>(shapes).values()) {
            long n = 1;
            for (long d : s) {
                n *= d;
            }
            total += n;
        }
        assertEquals(22_565_376L, total); // 22,713,216 with the pooler the export leaves out
    }
}
