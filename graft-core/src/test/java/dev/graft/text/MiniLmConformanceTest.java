package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dev.graft.TestHome;
import dev.graft.zoo.bert.MiniLm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Conformance: Graft's all-MiniLM-L6-v2 (imported ONNX weights run by Graft's BERT on PyTorch)
 * against ONNX Runtime running the very same ONNX file, on 100 varied sentences (short, long,
 * truncated, non-English, code, symbols). Both see the same token ids; ONNX Runtime runs each
 * sentence unpadded while Graft pads batches, so the attention mask is checked too.
 */
@Tag("numerics")
class MiniLmConformanceTest {
    @RegisterExtension
    static final TestHome home = new TestHome();

    static List<String> sentences() throws IOException {
        try (InputStream in = MiniLmConformanceTest.class.getResourceAsStream("/text/conformance-sentences.txt")) {
            List<String> out = new ArrayList<>(Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
            out.removeIf(String::isBlank);
            return out;
        }
    }

    @Test
    void embeddingsMatchOnnxRuntime() throws Exception {
        List<String> texts = sentences();
        assertEquals(100, texts.size());
        Path onnx = MiniLm.extractOnnx(home.dir().resolve("onnx"));
        try (TextEncoder graft = TextEncoder.open("all-MiniLM-L6-v2")) {
            float[][] ours = graft.embed(texts);
            float[][] reference = onnxRuntime(onnx, graft.tokenizer(), texts);
            double worstCos = 1;
            double worstDiff = 0;
            for (int i = 0; i < texts.size(); i++) {
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int j = 0; j < ours[i].length; j++) {
                    dot += ours[i][j] * reference[i][j];
                    na += ours[i][j] * ours[i][j];
                    nb += reference[i][j] * reference[i][j];
                    worstDiff = Math.max(worstDiff, Math.abs(ours[i][j] - reference[i][j]));
                }
                worstCos = Math.min(worstCos, dot / Math.sqrt(na * nb));
            }
            System.out.printf("MiniLM conformance vs ONNX Runtime: 100 sentences, min cosine %.8f, max |diff| %.2e%n",
                    worstCos, worstDiff);
            assertTrue(worstCos >= 0.99999, "min cosine " + worstCos);
            assertTrue(worstDiff <= 1e-4, "max |diff| " + worstDiff);
        }
    }

    @Test
    void zooModelPoolsAsTheTextEncoder() throws Exception {
        List<String> texts = List.of("A small furry pet that purrs.", "Stock markets fell sharply on Monday after the report.");
        dev.graft.zoo.GraftModel zoo = dev.graft.zoo.Zoo.create("bert_minilm_l6_h384.sentence_transformers",
                dev.graft.zoo.CreateOptions.defaults().withPretrained(true));
        assertTrue(((dev.graft.zoo.ModelBase) zoo).loadReport().isExact(), ((dev.graft.zoo.ModelBase) zoo).loadReport().summary());
        // 22.7M on the Hugging Face card counts the pooler (147,840), which the sentence encoder does not have.
        assertEquals(22_565_376L, zoo.numParams());
        try (TextEncoder enc = TextEncoder.open("all-MiniLM-L6-v2"); NDManager nd = NDManager.newBaseManager()) {
            float[][] expected = enc.embed(texts);
            TextTokenizer.Batch b = enc.tokenizer().encodeQuietly(texts);
            NDArray ids = nd.create(b.ids(), new Shape(b.size(), b.length()));
            ai.djl.training.ParameterStore ps = new ai.djl.training.ParameterStore(nd, false);
            float[] pooled = dev.graft.zoo.bert.BertModel.normalize(
                    zoo.forwardHead(ps, zoo.forwardFeatures(ps, ids, false), false, true)).toFloatArray();
            for (int i = 0; i < texts.size(); i++) {
                for (int j = 0; j < expected[i].length; j++) {
                    assertEquals(expected[i][j], pooled[i * expected[i].length + j], 1e-5f, "sentence " + i + ", dim " + j);
                }
            }
        }
    }

    /** ONNX Runtime's last_hidden_state per sentence, mean-pooled and normalised in plain Java. */
    private static float[][] onnxRuntime(Path onnx, TextTokenizer tok, List<String> texts) throws Exception {
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(onnx).optEngine("OnnxRuntime").optTranslator(new NoopTranslator()).build();
        float[][] out = new float[texts.size()][];
        try (ZooModel<NDList, NDList> model = criteria.loadModel(); Predictor<NDList, NDList> p = model.newPredictor()) {
            for (int i = 0; i < texts.size(); i++) {
                TextTokenizer.Batch b = tok.encodeQuietly(List.of(texts.get(i)));
                try (NDManager nd = model.getNDManager().newSubManager()) {
                    Shape s = new Shape(1, b.length());
                    NDArray ids = nd.create(b.ids(), s);
                    ids.setName("input_ids");
                    NDArray mask = nd.create(b.mask(), s);
                    mask.setName("attention_mask");
                    NDArray types = nd.zeros(s, ai.djl.ndarray.types.DataType.INT64);
                    types.setName("token_type_ids");
                    float[] hidden = p.predict(new NDList(ids, mask, types)).get(0).toFloatArray();
                    int d = hidden.length / b.length();
                    double[] mean = new double[d];
                    for (int t = 0; t < b.length(); t++) {
                        for (int j = 0; j < d; j++) {
                            mean[j] += hidden[t * d + j] / b.length();
                        }
                    }
                    double norm = 0;
                    for (double v : mean) {
                        norm += v * v;
                    }
                    norm = Math.sqrt(norm);
                    out[i] = new float[d];
                    for (int j = 0; j < d; j++) {
                        out[i][j] = (float) (mean[j] / norm);
                    }
                }
            }
        }
        return out;
    }
}
