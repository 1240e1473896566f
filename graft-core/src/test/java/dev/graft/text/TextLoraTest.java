package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.peft.LoraAdapter;
import dev.graft.train.Strategy;
import dev.graft.zoo.bert.TinyBert;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextLoraTest {
    @TempDir
    Path tmp;

    @Test
    void loraStartsFromALinearProbe() throws Exception {
        Path dir = TinyBert.folder(tmp.resolve("tiny2"), 3);
        TextData data = TextFineTunerTest.toy();
        try (TextEncoder enc = TextEncoder.open(dir.toString())) {
            TextFineTuner.Result probe = TextFineTuner.fit(enc, data, null, TextFineTuner.Options.defaults(Strategy.HEAD), null, null);
            TextFineTuner.Result r = TextFineTuner.fit(enc, data, null, TextFineTuner.Options.defaults(Strategy.LORA), probe.head(), null);
            assertEquals(3, r.history().size());
        }
    }

    @Test
    void loraTrainsAdaptersAndTheHeadOnlyAndTheMergedEncoderAgrees() throws Exception {
        Path dir = TinyBert.folder(tmp.resolve("tiny"), 3);
        TextData data = TextFineTunerTest.toy();
        try (TextEncoder enc = TextEncoder.open(dir.toString())) {
            Map<String, float[]> before = new HashMap<>();
            enc.model().stateDict().forEach((k, p) -> before.put(k, p.getArray().toFloatArray()));
            TextFineTuner.Options o = new TextFineTuner.Options(Strategy.LORA, 25, 1e-2f, 0.3f, 16, 0, 0.01f, 5);
            TextFineTuner.Result r = TextFineTuner.fit(enc, data, null, o, null, null);
            double first = r.history().get(0).trainLoss();
            double last = r.history().get(24).trainLoss();
            assertTrue(last < first - 0.05, "loss " + first + " -> " + last);
            before.forEach((k, v) -> assertArrayEquals(v, enc.model().stateDict().get(k).getArray().toFloatArray(), 0f, k + " changed"));
            LoraAdapter a = r.adapter();
            assertEquals(List.of("encoder.layer.0.attention.self.query", "encoder.layer.0.attention.self.value",
                    "encoder.layer.1.attention.self.query", "encoder.layer.1.attention.self.value"), a.targets());
            // r 8 on 4 layers of 16 -> 16, plus the head 2 x 16 + 2
            assertEquals(4 * (8 * 16 + 16 * 8) + 34, r.trainedParameters());
            float[][] adapted = enc.embed(data.texts());
            a.merge();
            float[][] merged = enc.embed(data.texts());
            for (int i = 0; i < adapted.length; i++) {
                assertArrayEquals(adapted[i], merged[i], 1e-5f);
            }
        }
    }
}
