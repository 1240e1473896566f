package dev.graft.zoo.bert;

import dev.graft.GraftException;
import dev.graft.onnx.OnnxGraph;
import dev.graft.onnx.OnnxNode;
import dev.graft.onnx.OnnxTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the weights of a BERT model exported to ONNX (torch.onnx / optimum) into a Hugging Face
 * state dict. Embeddings, biases and LayerNorms keep their PyTorch names in the export; the Linear
 * weights become anonymous {@code onnx::MatMul_NNN} initializers stored [in, out], so each is found
 * through its graph node: the {@code Add} that follows the {@code MatMul} adds the named bias
 * ({@code encoder.layer.0.attention.self.query.bias}), which names the weight; the matrix is then
 * transposed to PyTorch's Linear layout [out, in].
 *
 * <pre>{@code
 * Map<String, StateTensor> sd = OnnxBertImporter.stateDict(OnnxGraph.read(onnxFile), cfg);
 * }</pre>
 */
public final class OnnxBertImporter {
    private OnnxBertImporter() {}

    /** A float32 tensor of a state dict. */
    public record StateTensor(long[] shape, float[] data) {}

    /**
     * The HF state dict of the BERT encoder in {@code graph}, checked against {@code cfg}: every key
     * the config needs must be found with the right shape.
     */
    public static Map<String, StateTensor> stateDict(OnnxGraph graph, BertConfig cfg) {
        Map<String, StateTensor> out = new LinkedHashMap<>();
        for (OnnxTensor t : graph.initializers().values()) {
            if (t.dataType() == OnnxTensor.FLOAT && !t.name().startsWith("onnx::") && isBertKey(t.name())) {
                out.put(t.name(), new StateTensor(t.dims(), t.floats()));
            }
        }
        for (OnnxNode node : graph.nodes()) {
            if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
                continue;
            }
            OnnxTensor weight = graph.initializers().get(node.inputs().get(1));
            if (weight == null) {
                continue; // activation x activation (attention scores), not a weight
            }
            String key = linearKey(graph, node);
            if (weight.dims().length != 2) {
                throw new GraftException("ONNX MatMul weight '" + weight.name() + "' for " + key + " is not a matrix",
                        "the file is not a BERT export Graft can import");
            }
            int in = (int) weight.dims()[0];
            int outDim = (int) weight.dims()[1];
            out.put(key, new StateTensor(new long[] {outDim, in}, transpose(weight.floats(), in, outDim)));
        }
        check(out, cfg);
        return out;
    }

    private static boolean isBertKey(String name) {
        return name.startsWith("embeddings.") && !name.equals("embeddings.position_ids")
                || name.startsWith("encoder.layer.") || name.startsWith("pooler.");
    }

    /** The HF weight key of the Linear a weight-MatMul belongs to, from the bias its output is added to. */
    private static String linearKey(OnnxGraph graph, OnnxNode matMul) {
        if (matMul.outputs().size() != 1) {
            throw new GraftException("the ONNX MatMul node '" + matMul.name() + "' has " + matMul.outputs().size()
                    + " outputs instead of one", "the file is not a BERT export Graft can import");
        }
        String product = matMul.outputs().get(0);
        for (OnnxNode consumer : graph.consumers(product)) {
            if (!consumer.opType().equals("Add")) {
                continue;
            }
            for (String in : consumer.inputs()) {
                if (!in.equals(product) && in.endsWith(".bias") && graph.initializers().containsKey(in)) {
                    return in.substring(0, in.length() - ".bias".length()) + ".weight";
                }
            }
        }
        throw new GraftException("cannot tell which BERT layer the ONNX MatMul weight '" + matMul.inputs().get(1)
                + "' (node '" + matMul.name() + "') belongs to: no named bias is added to its output",
                "the file is not a BERT export Graft can import");
    }

    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    private static void check(Map<String, StateTensor> sd, BertConfig cfg) {
        Map<String, long[]> expected = expectedShapes(cfg);
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            StateTensor t = sd.get(e.getKey());
            if (t == null) {
                throw new GraftException("the ONNX file has no weights for '" + e.getKey() + "'",
                        "the file is not a BERT export matching the config (" + cfg.numHiddenLayers() + " layers, hidden "
                                + cfg.hiddenSize() + ")");
            }
            if (!java.util.Arrays.equals(t.shape(), e.getValue())) {
                throw new GraftException("ONNX weight '" + e.getKey() + "' has shape " + java.util.Arrays.toString(t.shape())
                        + ", the config expects " + java.util.Arrays.toString(e.getValue()),
                        "check that the config matches the exported model");
            }
        }
        for (String k : sd.keySet()) {
            if (!expected.containsKey(k) && !k.startsWith("pooler.")) {
                throw new GraftException("the ONNX file has an unexpected BERT weight '" + k + "'",
                        "check num_hidden_layers in the config (" + cfg.numHiddenLayers() + ")");
            }
        }
    }

    /** Key to shape of every parameter a BERT with {@code cfg} has, in PyTorch's order. */
    public static Map<String, long[]> expectedShapes(BertConfig cfg) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long h = cfg.hiddenSize();
        long i = cfg.intermediateSize();
        m.put("embeddings.word_embeddings.weight", new long[] {cfg.vocabSize(), h});
        m.put("embeddings.position_embeddings.weight", new long[] {cfg.maxPositionEmbeddings(), h});
        m.put("embeddings.token_type_embeddings.weight", new long[] {cfg.typeVocabSize(), h});
        m.put("embeddings.LayerNorm.weight", new long[] {h});
        m.put("embeddings.LayerNorm.bias", new long[] {h});
        for (int l = 0; l < cfg.numHiddenLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            for (String lin : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")) {
                m.put(p + lin + ".weight", new long[] {h, h});
                m.put(p + lin + ".bias", new long[] {h});
            }
            m.put(p + "attention.output.LayerNorm.weight", new long[] {h});
            m.put(p + "attention.output.LayerNorm.bias", new long[] {h});
            m.put(p + "intermediate.dense.weight", new long[] {i, h});
            m.put(p + "intermediate.dense.bias", new long[] {i});
            m.put(p + "output.dense.weight", new long[] {h, i});
            m.put(p + "output.dense.bias", new long[] {h});
            m.put(p + "output.LayerNorm.weight", new long[] {h});
            m.put(p + "output.LayerNorm.bias", new long[] {h});
        }
        if (cfg.addPoolingLayer()) {
            m.put("pooler.dense.weight", new long[] {h, h});
            m.put("pooler.dense.bias", new long[] {h});
        }
        return m;
    }
}
