package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.NoGrad;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.gpt2.Gpt2Config;
import dev.graft.zoo.gpt2.Gpt2Model;
import dev.graft.zoo.gpt2.Gpt2Models;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation with the KV cache on a tiny random GPT-2 (32 positions) whose vocabulary is {@link TinyBpe}'s. */
class TextGeneratorTest {
    static final Gpt2Config CONFIG = new Gpt2Config(List.of(Gpt2Config.LM_HEAD_MODEL), "gpt2", TinyBpe.SIZE, 32, 32, 2, 4, null,
            "gelu_new", 0.1, 0.1, 0.1, 1e-5, 0.02, true, TinyBpe.ENDOFTEXT, TinyBpe.ENDOFTEXT, true, null, null);

    @TempDir
    static Path dir;
    static BpeTokenizer tokenizer;
    static Gpt2Model model;

    @BeforeAll
    static void setUp() throws Exception {
        TinyBpe.write(dir);
        tokenizer = BpeTokenizer.forFolder(dir);
        // Large weights, so the random model's next-token distribution is far from uniform.
        Gpt2Config sharp = new Gpt2Config(CONFIG.architectures(), "gpt2", CONFIG.vocabSize(), 32, 32, 2, 4, null, "gelu_new", 0.1, 0.1, 0.1,
                1e-5, 0.5, true, TinyBpe.ENDOFTEXT, TinyBpe.ENDOFTEXT, true, null, null);
        model = (Gpt2Model) Zoo.create(Gpt2Models.architectureFor(sharp), CreateOptions.defaults().withSeed(11L));
    }

    private static TextGenerator generator() {
        return new TextGenerator(model, tokenizer);
    }

    /** Greedy decoding the slow way: a full forward pass over the whole sequence for every new token. */
    private static List<Long> argMaxOfFullPasses(long[] prompt, int n) {
        List<Long> seq = new ArrayList<>();
        for (long id : prompt) {
            seq.add(id);
        }
        List<Long> out = new ArrayList<>();
        try (NDManager nd = NDManager.newBaseManager(); NoGrad ignored = NoGrad.enter()) {
            for (int i = 0; i < n; i++) {
                long[] ids = seq.stream().mapToLong(Long::longValue).toArray();
                float[] all = model.forwardTokens(null, nd.create(ids).reshape(1, ids.length), null, null, false).get(1).toFloatArray();
                float[] last = java.util.Arrays.copyOfRange(all, (ids.length - 1) * TinyBpe.SIZE, ids.length * TinyBpe.SIZE);
                long next = TextGenerator.argMax(last);
                if (next == TinyBpe.ENDOFTEXT) {
                    break;
                }
                out.add(next);
                seq.add(next);
            }
        }
        return out;
    }

    @Test
    void greedyWithTheCacheIsTheArgMaxOfFullPasses() {
        TextGenerator gen = generator();
        TextGenerator.Result r = gen.generate("the cat", GenerationConfig.defaults().withMaxNewTokens(20));
        List<Long> expected = argMaxOfFullPasses(r.promptIds(), 20);
        assertEquals(expected, java.util.Arrays.stream(r.ids()).boxed().toList());
        assertEquals(expected.size() == 20 ? "length" : "eos", r.finishReason());
        assertEquals(tokenizer.decode(r.ids()), r.text());
    }

    @Test
    void streamedPiecesAddUpToTheText() {
        StringBuilder streamed = new StringBuilder();
        TextGenerator.Result r = generator().generate("at the", GenerationConfig.defaults().withMaxNewTokens(15).withDoSample(true).withSeed(3L),
                streamed::append);
        assertEquals(r.text(), streamed.toString());
    }

    @Test
    void aFixedSeedSamplesTheSameTextAndOtherSeedsDiffer() {
        GenerationConfig c = GenerationConfig.defaults().withMaxNewTokens(12).withDoSample(true).withTemperature(1.5).withTopK(0).withStopAtEos(false);
        TextGenerator gen = generator();
        long[] a = gen.generate("the", c.withSeed(42L)).ids();
        assertArrayEquals(a, gen.generate("the", c.withSeed(42L)).ids());
        Set<List<Long>> distinct = new HashSet<>();
        for (long seed = 0; seed < 4; seed++) {
            distinct.add(java.util.Arrays.stream(gen.generate("the", c.withSeed(seed)).ids()).boxed().toList());
        }
        assertTrue(distinct.size() > 1, "four seeds gave the same sample");
    }

    @Test
    void topKOfOneAndATinyTopPAreGreedy() {
        TextGenerator gen = generator();
        GenerationConfig greedy = GenerationConfig.defaults().withMaxNewTokens(10).withStopAtEos(false);
        long[] g = gen.generate("the hat", greedy).ids();
        assertArrayEquals(g, gen.generate("the hat", greedy.withDoSample(true).withTopK(1).withSeed(5L)).ids());
        assertArrayEquals(g, gen.generate("the hat", greedy.withDoSample(true).withTopK(0).withTopP(1e-6).withSeed(6L)).ids());
    }

    @Test
    void repetitionPenaltyFollowsTransformers() {
        float[] logits = {2f, -2f, 1f, 0.5f};
        GenerationConfig c = GenerationConfig.defaults().withRepetitionPenalty(4.0);
        // Token 0 (2 / 4 = 0.5) and token 1 (-2 * 4) are penalised; 2 is now the best.
        assertEquals(2, TextGenerator.choose(logits, Set.of(0L, 1L), c, new java.util.Random(0)));
        assertEquals(0, TextGenerator.choose(logits, Set.of(), c, new java.util.Random(0)));
    }

    @Test
    void aStopStringEndsTheTextBeforeIt() {
        TextGenerator gen = generator();
        GenerationConfig c = GenerationConfig.defaults().withMaxNewTokens(20).withStopAtEos(false);
        String full = gen.generate("the cat", c).text();
        assertTrue(full.length() > 4, full);
        String stop = full.substring(2, 4);
        StringBuilder streamed = new StringBuilder();
        TextGenerator.Result r = gen.generate("the cat", c.withStopStrings(List.of(stop)), streamed::append);
        assertEquals("stop", r.finishReason());
        assertEquals(full.substring(0, full.indexOf(stop)), r.text());
        assertEquals(r.text(), streamed.toString());
    }

    @Test
    void promptsThatDoNotFitAreRefusedClearly() {
        TextGenerator gen = generator();
        GraftException tooLong = assertThrows(GraftException.class, () -> gen.generate("q ".repeat(20), GenerationConfig.defaults()));
        assertTrue(tooLong.getMessage().contains("32 positions"), tooLong.getMessage());
        assertTrue(tooLong.fix().contains("shorten the prompt"), tooLong.fix());
        GraftException tooMany = assertThrows(GraftException.class, () -> gen.generate("the cat", GenerationConfig.defaults().withMaxNewTokens(40)));
        assertTrue(tooMany.fix().contains("at most 27 new tokens"), tooMany.fix());
        GraftException empty = assertThrows(GraftException.class, () -> gen.generate("", GenerationConfig.defaults()));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    }

    @Test
    void aTokenizerOfAnotherVocabularyIsRefused() {
        Gpt2Model other = (Gpt2Model) Zoo.create(Gpt2Models.architectureFor(Gpt2Config.of(1, 2, 16, 16, 300)));
        GraftException e = assertThrows(GraftException.class, () -> new TextGenerator(other, tokenizer));
        assertTrue(e.getMessage().contains("261 token ids") && e.getMessage().contains("vocab_size 300"), e.getMessage());
        assertThrows(GraftException.class, () -> GenerationConfig.defaults().withTemperature(0));
        assertThrows(GraftException.class, () -> GenerationConfig.defaults().withTopP(1.5));
        assertNotEquals(GenerationConfig.defaults(), GenerationConfig.defaults().withSeed(1L));
    }

    @Test
    void aLeftPaddedBatchGivesEachPromptsOwnTokens() {
        TextGenerator gen = generator();
        // lengths 1 to 6 tokens: every row but the longest is left-padded
        List<String> prompts = List.of("the cat", "a", "at the mat, the", "the the", "hat", "cat at the hat");
        for (GenerationConfig c : List.of(GenerationConfig.defaults().withMaxNewTokens(12).withStopAtEos(false),
                GenerationConfig.defaults().withMaxNewTokens(12).withDoSample(true).withTemperature(1.5).withSeed(9L),
                GenerationConfig.defaults().withMaxNewTokens(12).withStopAtEos(false).withStopStrings(List.of("t")))) {
            List<TextGenerator.Result> batch = gen.generate(prompts, c);
            assertEquals(prompts.size(), batch.size());
            assertTrue(java.util.Arrays.stream(prompts.toArray(new String[0])).mapToInt(p -> tokenizer.encode(p).length).distinct().count() > 3);
            for (int i = 0; i < prompts.size(); i++) {
                TextGenerator.Result alone = gen.generate(prompts.get(i), c);
                assertArrayEquals(alone.promptIds(), batch.get(i).promptIds(), prompts.get(i));
                assertArrayEquals(alone.ids(), batch.get(i).ids(), prompts.get(i) + " with " + c);
                assertEquals(alone.text(), batch.get(i).text());
                assertEquals(alone.finishReason(), batch.get(i).finishReason());
            }
        }
        assertThrows(GraftException.class, () -> gen.generate(List.of(), GenerationConfig.defaults()));
        assertThrows(GraftException.class, () -> gen.generate(List.of("the cat", ""), GenerationConfig.defaults()));
    }
}
