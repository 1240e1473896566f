package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.graft.GraftException;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.OnnxBertImporter;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the ONNX reader ({@link OnnxGraph#parse}, {@link OnnxTensor#floats}) and the BERT weight
 * importer on top of it: every input either yields a graph whose float tensors hold as many values
 * as their dims say, or fails with a {@link GraftException}. Any other throwable (and a hang) is a
 * finding. Seeds: {@code OnnxGraphFuzzTestInputs/parse}, among them a complete export of a BERT with
 * {@link #CONFIG}, so the fuzzer starts from inputs that reach the importer.
 */
class OnnxGraphFuzzTest {
    /** The BERT the seed export was made from: tiny, so a mutated copy stays a few KiB. */
    static final BertConfig CONFIG = BertConfig.of(4, 1, 1, 8, 4, 8, 2, false);

    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @FuzzTest
    void parse(byte[] data) {
        OnnxGraph g;
        try {
            g = OnnxGraph.parse(ByteBuffer.wrap(data), "fuzz.onnx");
        } catch (GraftException refused) {
            return;
        }
        assertFalse(g.nodes().isEmpty());
        for (OnnxTensor t : g.initializers().values()) {
            if (t.dataType() != OnnxTensor.FLOAT) {
                continue;
            }
            try {
                assertEquals(t.size(), t.floats().length, t.name());
            } catch (GraftException refused) {
                // data that does not match the dims
            }
        }
        try {
            OnnxBertImporter.stateDict(g, CONFIG).forEach((k, v) -> {
                long n = 1;
                for (long d : v.shape()) {
                    n *= d;
                }
                assertEquals(n, v.data().length, k);
            });
        } catch (GraftException refused) {
            // not a BERT export matching CONFIG
        }
    }
}
