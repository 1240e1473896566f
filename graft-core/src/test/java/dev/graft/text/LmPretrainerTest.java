package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.weights.Checkpoint;
import dev.graft.weights.DType;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.gpt2.Gpt2Model;
import dev.graft.zoo.gpt2.Gpt2Models;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pretraining from random weights: perplexity falls, the folder holds float16 weights that load back as float32, and a card. */
class LmPretrainerTest {
    @TempDir
    Path dir;

    @Test
    void pretrainsWritesFloat16WeightsThatLoadBackAndACard() throws Exception {
        try (BpeTokenizer tok = BpeTokenizer.forFolder(TinyBpe.write(dir.resolve("tok")))) {
            String arch = Gpt2Models.architectureFor(TextGeneratorTest.CONFIG);
            Path out = dir.resolve("out");
            LmFineTuner.Options o = LmPretrainer.defaults().withBlockSize(16).withBatchSize(4).withEpochs(3).withLearningRate(3e-3).withSeed(3);
            LmPretrainer.Result r = LmPretrainer.pretrain(arch, tok, "the cat sat at the mat. ".repeat(30), "cats", o, out, "recipe-cmd");
            assertTrue(r.training().perplexityAfter() < r.training().perplexityBefore() / 4, r.toString());
            assertEquals(LmPretrainer.SAMPLE_PROMPTS.size(), r.samples().size());
            try (Checkpoint ck = Checkpoint.open(out.resolve("model.safetensors"))) {
                for (String key : ck.names()) {
                    assertEquals(DType.F16, ck.info(key).dtype(), key);
                }
            }
            String card = Files.readString(out.resolve(LmPretrainer.CARD));
            assertTrue(card.contains(String.format(java.util.Locale.ROOT, "%.2f on the held-out blocks", r.training().perplexityAfter())), card);
            assertTrue(card.contains("`recipe-cmd`") && card.contains("datasets:\n- cats"), card);
            // Loaded back (float16 read as float32), the model continues the card's prompts as the trained one did.
            Gpt2Model back = (Gpt2Model) Zoo.create("local-dir:" + out);
            assertEquals(DType.F32.djl(), back.stateDict().get("transformer.wte.weight").getArray().getDataType());
            TextGenerator gen = new TextGenerator(back, tok);
            for (int i = 0; i < LmPretrainer.SAMPLE_PROMPTS.size(); i++) {
                assertEquals(r.samples().get(i), gen.generate(LmPretrainer.SAMPLE_PROMPTS.get(i),
                        GenerationConfig.defaults().withMaxNewTokens(LmPretrainer.SAMPLE_TOKENS)).text());
            }
        }
    }
}
