package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.gpt2.Gpt2Model;
import dev.graft.zoo.gpt2.Gpt2Models;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Causal-LM fine-tuning of a tiny random GPT-2 on a repetitive text: the held-out perplexity falls. */
class LmFineTunerTest {
    @TempDir
    Path dir;

    @Test
    void heldOutPerplexityFallsOnARepetitiveText() throws Exception {
        try (BpeTokenizer tok = BpeTokenizer.forFolder(TinyBpe.write(dir))) {
            Gpt2Model m = (Gpt2Model) Zoo.create(Gpt2Models.architectureFor(TextGeneratorTest.CONFIG), CreateOptions.defaults().withSeed(2L));
            String text = "the cat sat at the mat. ".repeat(30);
            LmFineTuner.Options o = LmFineTuner.Options.defaults().withBlockSize(16).withBatchSize(4).withEpochs(3).withLearningRate(3e-3);
            LmFineTuner.Result r = LmFineTuner.fit(m, tok, text, o);
            assertTrue(r.validationBlocks() >= 1 && r.trainBlocks() > r.validationBlocks(), r.toString());
            // A random model is about uniform over the 261 ids; the sentence repeats, so it is learnt.
            assertTrue(r.perplexityBefore() > 100, r.toString());
            assertTrue(r.perplexityAfter() < r.perplexityBefore() / 4, r.toString());
            assertEquals(3L * ((r.trainBlocks() + 3) / 4), r.steps(), r.toString());
            GraftException e = assertThrows(GraftException.class, () -> LmFineTuner.fit(m, tok, "the cat", o));
            assertTrue(e.getMessage().contains("too few"), e.getMessage());
        }
    }
}
