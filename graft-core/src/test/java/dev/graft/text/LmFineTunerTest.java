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

    @Test
    void aPromptTunedModelsLossSkipsItsVirtualPositions() {
        Gpt2Model m = (Gpt2Model) Zoo.create(Gpt2Models.architectureFor(TextGeneratorTest.CONFIG), CreateOptions.defaults().withSeed(3L));
        ai.djl.ndarray.NDManager nd = m.stateDict().values().iterator().next().getArray().getManager();
        ai.djl.ndarray.NDArray ids = nd.create(new long[][] {{5, 17, 30, 2, 9}, {9, 8, 7, 6, 5}});
        ai.djl.ndarray.NDArray rows = nd.randomNormal(new ai.djl.ndarray.types.Shape(3, m.tokenDim()));
        m.setPrompt(ai.djl.nn.Parameter.builder().setName("prompt_embeddings").setType(ai.djl.nn.Parameter.Type.WEIGHT).optArray(rows).build());
        ai.djl.ndarray.NDArray logits = m.forwardTokens(null, ids, null, null, false).get(1);
        long vocab = logits.getShape().get(2);
        // by hand: the real tokens' positions 3..6 predict tokens 1..4, as PEFT's -100 labels leave them
        double want = dev.graft.train.Losses.crossEntropy(logits.get(":, 3:-1, :").reshape(8, vocab),
                ids.get(":, 1:").reshape(8).toType(ai.djl.ndarray.types.DataType.INT32, false), 0.0).getFloat();
        assertEquals(want, LmFineTuner.nextTokenLoss(m, null, ids, false).getFloat(), 1e-6);
        m.setPrompt(null);
    }
}
