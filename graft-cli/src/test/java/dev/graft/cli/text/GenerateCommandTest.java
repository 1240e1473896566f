package dev.graft.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.cli.CliRun;
import dev.graft.cli.ClientEnv;
import dev.graft.text.GenerationConfig;
import dev.graft.text.TextGenerator;
import dev.graft.text.TinyBpe;
import dev.graft.util.Json;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.gpt2.Gpt2Config;
import dev.graft.zoo.gpt2.Gpt2Models;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft generate} and {@code graft models run} on a tiny random GPT-2 folder with a tiny byte-level vocabulary. */
class GenerateCommandTest {
    @TempDir
    static Path home;
    static Path model;
    static ClientEnv env;

    @BeforeAll
    static void tinyModel() throws Exception {
        env = ClientEnv.home(home);
        Gpt2Config c = new Gpt2Config(List.of(Gpt2Config.LM_HEAD_MODEL), "gpt2", TinyBpe.SIZE, 24, 32, 2, 4, null, "gelu_new",
                0.1, 0.1, 0.1, 1e-5, 0.3, true, TinyBpe.ENDOFTEXT, TinyBpe.ENDOFTEXT, true, null, null);
        model = home.resolve("tiny-gpt2");
        GraftModel m = Zoo.create(Gpt2Models.architectureFor(c), CreateOptions.defaults().withSeed(3L));
        Weights.save(m, model);
        TinyBpe.write(model);
    }

    @AfterAll
    static void restore() {
        env.close();
    }

    @Test
    void generateStreamsTheSameTextTheLibraryGenerates() throws Exception {
        String source = "local-dir:" + model;
        TextGenerator.Result r;
        try (TextGenerator gen = TextGenerator.load(source)) {
            r = gen.generate("the cat", GenerationConfig.defaults().withMaxNewTokens(8));
        }
        CliRun plain = CliRun.run("generate", "--model", source, "--prompt", "the cat", "--max-new-tokens", "8").expect(0);
        assertEquals("the cat" + r.text() + "\n", plain.out);
        JsonNode doc = Json.MAPPER.readTree(CliRun.run("--json", "generate", "--model", source, "--prompt", "the cat", "--max-new-tokens", "8")
                .expect(0).out);
        assertEquals(r.text(), doc.get("text").asText());
        assertEquals(r.finishReason(), doc.get("finish_reason").asText());
        assertEquals(r.ids().length, doc.get("ids").size());
        JsonNode sampled = Json.MAPPER.readTree(CliRun.run("--json", "--seed", "9", "generate", "--model", source, "--prompt", "at",
                "--do-sample", "--top-k", "5", "--top-p", "0.9", "--temperature", "0.7", "--repetition-penalty", "1.3", "--max-new-tokens", "6")
                .expect(0).out);
        JsonNode again = Json.MAPPER.readTree(CliRun.run("--json", "--seed", "9", "generate", "--model", source, "--prompt", "at",
                "--do-sample", "--top-k", "5", "--top-p", "0.9", "--temperature", "0.7", "--repetition-penalty", "1.3", "--max-new-tokens", "6")
                .expect(0).out);
        assertEquals(sampled.get("ids"), again.get("ids"));
    }

    @Test
    void severalPromptsRunAsOneBatchWithEachPromptsOwnText() throws Exception {
        String source = "local-dir:" + model;
        List<String> prompts = List.of("the cat", "at", "the hat at the");
        Path file = home.resolve("prompts.txt");
        java.nio.file.Files.writeString(file, "at\n\nthe hat at the\n");
        List<TextGenerator.Result> alone = new java.util.ArrayList<>();
        try (TextGenerator gen = TextGenerator.load(source)) {
            for (String p : prompts) {
                alone.add(gen.generate(p, GenerationConfig.defaults().withMaxNewTokens(6)));
            }
        }
        CliRun plain = CliRun.run("generate", "--model", source, "--prompt", "the cat", "--prompt-file", file.toString(), "--max-new-tokens", "6")
                .expect(0);
        StringBuilder want = new StringBuilder();
        for (int i = 0; i < prompts.size(); i++) {
            want.append(prompts.get(i)).append(alone.get(i).text()).append('\n');
        }
        assertEquals(want.toString(), plain.out);
        JsonNode doc = Json.MAPPER.readTree(CliRun.run("--json", "generate", "--model", source, "--prompt", "the cat", "--prompt", "at",
                "--max-new-tokens", "6").expect(0).out);
        assertEquals(alone.get(1).text(), doc.get("results").get(1).get("text").asText());
        assertTrue(CliRun.run("generate", "--model", source).expect(1).err.contains("--prompt-file"));
    }

    @Test
    void badRequestsAreOneLineBeforeAnyOutput() {
        String source = "local-dir:" + model;
        CliRun empty = CliRun.run("generate", "--model", source, "--prompt", "").expect(1);
        assertTrue(empty.err.contains("the prompt is empty") && empty.out.isEmpty(), empty.err);
        CliRun tooMany = CliRun.run("generate", "--model", source, "--prompt", "the cat", "--max-new-tokens", "30").expect(1);
        assertTrue(tooMany.err.contains("24 positions") && tooMany.out.isEmpty(), tooMany.err);
        CliRun random = CliRun.run("generate", "--model", Gpt2Models.TINY, "--prompt", "x").expect(1);
        assertTrue(random.err.contains("without weights"), random.err);
    }

    @Test
    void lmFinetuneLowersHeldOutPerplexityAndWritesAFolderGenerateTakes() throws Exception {
        Path text = home.resolve("story.txt");
        java.nio.file.Files.writeString(text, "the cat sat at the mat. ".repeat(30));
        Path out = home.resolve("tuned");
        JsonNode doc = Json.MAPPER.readTree(CliRun.run("--json", "lm-finetune", "--model", "local-dir:" + model, "--data", text.toString(),
                "--out", out.toString(), "--epochs", "3", "--block-size", "16", "--lr", "3e-3").expect(0).out);
        assertTrue(doc.get("perplexity_after").asDouble() < doc.get("perplexity_before").asDouble(), doc.toString());
        assertTrue(java.nio.file.Files.isRegularFile(out.resolve("tokenizer.json")));
        assertTrue(CliRun.run("generate", "--model", "local-dir:" + out, "--prompt", "the cat", "--max-new-tokens", "5").expect(0).out
                .startsWith("the cat"));
        assertTrue(CliRun.run("lm-finetune", "--model", "local-dir:" + model, "--data", home.resolve("none.txt").toString(),
                "--out", home.resolve("x").toString()).expect(1).err.contains("no text file"));
    }

    @Test
    void lmPretrainRefusesAnUnknownDataSetInOneLine() {
        CliRun r = CliRun.run("lm-pretrain", "--model", Gpt2Models.TINY, "--data", "no-such-text", "--out", home.resolve("p").toString()).expect(1);
        assertTrue(r.err.contains("no data set or text file 'no-such-text'") && r.err.contains("wordnet-glosses"), r.err);
        assertTrue(r.err.strip().lines().count() <= 2, r.err);
    }

    @Test
    void modelsRunGivesLogits() throws Exception {
        Path in = home.resolve("ids.safetensors");
        Path out = home.resolve("logits.safetensors");
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray ids = nd.create(new long[] {1, 2, 3, 4, 5, 6}).reshape(2, 3);
            NDArray mask = nd.create(new long[] {1, 1, 1, 1, 1, 0}).reshape(2, 3);
            SafeTensors.write(in, Map.of("input_ids", ids, "attention_mask", mask), Map.of());
        }
        CliRun.run("models", "run", "local-dir:" + model, "--input", in.toString(), "--output", out.toString()).expect(0);
        try (SafeTensors st = SafeTensors.open(out)) {
            assertEquals(List.of("logits"), st.names());
            assertEquals(List.of(2L, 3L, (long) TinyBpe.SIZE), java.util.Arrays.stream(st.info("logits").shape()).boxed().toList());
        }
    }
}
