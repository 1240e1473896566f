package dev.graft.cli.text;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.cli.CliRun;
import dev.graft.cli.ClientEnv;
import dev.graft.engine.Engines;
import dev.graft.util.Json;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.BertWeights;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text verbs end to end on a tiny random BERT folder (MiniLM's tokenizer, 16-wide layers). */
class TextCommandsTest {
    @TempDir
    static Path home;
    static Path model;
    static ClientEnv env;

    @BeforeAll
    static void tinyModel() throws Exception {
        env = ClientEnv.home(home);
        Engines.pytorch();
        model = home.resolve("tiny-bert");
        Files.createDirectories(model);
        BertConfig cfg = BertConfig.of(16, 2, 2, 32, 64, 30522, 2, false);
        cfg.write(model.resolve("config.json"));
        try (NDManager nd = NDManager.newBaseManager();
                InputStream tok = BertModel.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            BertModel m = new BertModel(cfg);
            m.initialize(nd);
            BertWeights.write(m.stateDict(), model.resolve("model.safetensors"));
            Files.copy(tok, model.resolve("tokenizer.json"));
        }
    }

    @AfterAll
    static void restore() {
        env.close();
    }

    private static String[] run(int expectedCode, String... args) {
        CliRun r = CliRun.run(args).expect(expectedCode);
        return new String[] {r.out, r.err};
    }

    @Test
    void aRepositoryNameTheHubRefusesFailsBeforeFineTuning() {
        for (String refused : new String[] {"local/a--b", "local/model-", "api/x", "no-slash"}) {
            String err = run(1, "text-finetune", "--model", model.toString(), "--push", refused)[1];
            assertTrue(err.contains("repository name '" + refused + "'") || err.contains("'api' is reserved"), err);
        }
    }

    @Test
    void zeroshotRanksEveryLabel() {
        String out = run(0, "zeroshot", "--model", model.toString(), "--labels", "animal,plant,food", "a small furry pet")[0];
        assertTrue(out.startsWith("a small furry pet\n"), out);
        for (String l : new String[] {"animal", "plant", "food"}) {
            assertTrue(out.contains("  " + l), out);
        }
        assertTrue(run(1, "zeroshot", "--model", model.toString(), "--labels", "animal", "x")[1].contains("at least two labels"));
        assertTrue(run(1, "zeroshot", "--model", model.toString(), "--labels", "a,b", "  ")[1].contains("is empty"));
    }

    @Test
    void embedJsonHasUnitVectorsAndCosines() throws Exception {
        String out = run(0, "--json", "embed", "--model", model.toString(), "a cat", "a dog")[0];
        JsonNode doc = Json.MAPPER.readTree(out);
        assertEquals(16, doc.get("dimension").asInt());
        assertEquals(2, doc.get("embeddings").size());
        assertEquals(1.0, doc.get("cosine").get(0).get(0).asDouble(), 1e-5);
    }

    @Test
    void fewshotClassifiesAndReportsMissingLabels() throws Exception {
        Path support = home.resolve("support.csv");
        Files.writeString(support, "text,label\na cat,animal\na dog,animal\nan oak,plant\nbread,food\n");
        String out = run(0, "fewshot", "--model", model.toString(), "--support", support.toString(), "--query", "a kitten")[0];
        assertTrue(out.contains("animal") && out.contains("(2 examples)") && out.contains("(1 example)"), out);
        String err = run(1, "fewshot", "--model", model.toString(), "--support", support.toString(), "--labels",
                "animal,plant,tool,rock", "--query", "x")[1];
        assertTrue(err.contains("[tool, rock] have no examples"), err);
        assertTrue(run(1, "fewshot", "--model", model.toString())[1].contains("needs --support"));
    }

    @Test
    void fewshotSetfitAndProbeClassifyAndBadSupportFailsInOneLine() throws Exception {
        Path support = home.resolve("setfit.csv");
        Files.writeString(support, "text,label\na cat,animal\na dog,animal\nan oak,plant\nan elm,plant\n");
        String out = run(0, "fewshot", "--method", "setfit", "--num-iterations", "2", "--model", model.toString(), "--support",
                support.toString(), "--query", "a kitten")[0];
        assertTrue(out.contains("a kitten") && out.contains("animal") && out.contains("probability"), out);
        String probe = run(0, "fewshot", "--method", "probe", "--model", model.toString(), "--support", support.toString(), "--query",
                "a kitten")[0];
        assertTrue(probe.contains("plant") && probe.contains("probability"), probe);
        Path one = home.resolve("one-plant.csv");
        Files.writeString(one, "text,label\na cat,animal\na dog,animal\nan oak,plant\n");
        String err = run(1, "fewshot", "--method", "setfit", "--model", model.toString(), "--support", one.toString(), "--query", "x")[1];
        assertTrue(err.contains("labels [plant] have one example each") && err.contains("at least two examples per label"), err);
        assertTrue(!err.contains("\tat "), err);
        assertTrue(run(1, "fewshot", "--method", "knn", "--model", model.toString(), "--support", support.toString(), "--query", "x")[1]
                .contains("unknown few-shot method 'knn'"));
        assertTrue(run(1, "fewshot", "--method", "setfit", "--model", model.toString(), "--episodes", "2", "--shots", "1")[1]
                .contains("at least 2 shots"));
    }

    @Test
    void episodesReportAConfidenceInterval() {
        Path data = home.resolve("episodes.csv");
        StringBuilder sb = new StringBuilder("text,label\n");
        String[][] words = {{"cat", "dog", "cow", "pig", "hen"}, {"oak", "elm", "ash", "fir", "yew"}, {"red", "blue", "green", "pink", "gray"}};
        for (int c = 0; c < 3; c++) {
            for (String w : words[c]) {
                sb.append("a ").append(w).append(",class").append(c).append('\n');
            }
        }
        try {
            Files.writeString(data, sb.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String out = run(0, "fewshot", "--model", model.toString(), "--support", data.toString(), "--episodes", "50", "--ways",
                "3", "--shots", "1", "--queries-per-class", "2")[0];
        assertTrue(out.contains("3-way 1-shot, 2 queries per class, 50 episodes: accuracy") && out.contains("(95% CI)"), out);
        String setfit = run(0, "fewshot", "--method", "setfit", "--num-iterations", "1", "--model", model.toString(), "--support",
                data.toString(), "--episodes", "2", "--ways", "2", "--shots", "2", "--queries-per-class", "2")[0];
        assertTrue(setfit.contains("2-way 2-shot, 2 queries per class, 2 episodes: accuracy") && setfit.endsWith(", setfit\n"), setfit);
    }

    /** 20 texts, animals and tools, as a text,label CSV. */
    private static Path animalsAndTools() throws Exception {
        Path data = home.resolve("train.csv");
        StringBuilder sb = new StringBuilder("text,label\n");
        String[] animals = {"cat", "dog", "cow", "pig", "hen", "fox", "owl", "elk", "bat", "rat"};
        String[] tools = {"saw", "axe", "drill", "file", "plane", "chisel", "wrench", "hammer", "spanner", "level"};
        for (int i = 0; i < 10; i++) {
            sb.append("a ").append(animals[i]).append(",animal\n").append("a ").append(tools[i]).append(",tool\n");
        }
        Files.writeString(data, sb.toString());
        return data;
    }

    @Test
    void textFinetuneWithAGpt2WritesGpt2ForSequenceClassificationAndPeftsAdapter() throws Exception {
        Path gpt2 = dev.graft.text.TinyBpe.gpt2Folder(home.resolve("tiny-gpt2"), 3);
        Path run = home.resolve("run-gpt2");
        CliRun r = CliRun.run("text-finetune", "--model", gpt2.toString(), "--data", animalsAndTools().toString(), "--strategy", "lora",
                "--epochs", "2", "--out", run.toString()).expect(0);
        assertTrue(r.out.contains("lora on") && r.out.contains("adapter/"), r.out);
        com.fasterxml.jackson.databind.JsonNode cfg = dev.graft.util.Json.MAPPER.readTree(run.resolve("model/config.json").toFile());
        assertEquals("[\"GPT2ForSequenceClassification\"]", cfg.get("architectures").toString());
        assertEquals(260, cfg.get("pad_token_id").asInt());
        assertEquals("[\"score\"]", dev.graft.util.Json.MAPPER.readTree(run.resolve("adapter/adapter_config.json").toFile())
                .get("modules_to_save").toString());
        assertEquals(2, dev.graft.zoo.Zoo.create("local-dir:" + run.resolve("model")).numClasses());
        assertTrue(Files.readString(run.resolve("model/README.md")).contains("- gpt2"));
        // r 8 on c_attn (32 -> 96) of 2 blocks, and score (2 x 32, no bias)
        assertEquals(2 * (8 * 32 + 96 * 8) + 64,
                dev.graft.util.Json.MAPPER.readTree(run.resolve("metrics.json").toFile()).get("trained_parameters").asLong());
    }

    @Test
    void textFinetuneWritesAModelThatLoadsBack() throws Exception {
        Path data = animalsAndTools();
        Path run = home.resolve("run-partial");
        String out = run(0, "text-finetune", "--model", model.toString(), "--data", data.toString(), "--strategy", "partial",
                "--top-layers", "1", "--epochs", "2", "--out", run.toString())[0];
        assertTrue(out.contains("| 2 |") && out.contains("partial on") && out.contains("test accuracy"), out);
        assertTrue(Files.isRegularFile(run.resolve("model/model.safetensors")));
        assertTrue(Files.readString(run.resolve("model/README.md")).contains("pipeline_tag: text-classification"));
        assertEquals("tool", dev.graft.zoo.bert.BertConfig.read(run.resolve("model/config.json")).labels().get(1));
        // The saved folder is itself a text model.
        assertTrue(run(0, "embed", "--model", run.resolve("model").toString(), "a cat")[0].contains("16 dims"));
        assertTrue(run(0, "embed", "--model", "local-dir:" + run.resolve("model"), "a cat")[0].contains("16 dims"));
        assertTrue(run(1, "text-finetune", "--model", model.toString(), "--data", data.toString(), "--strategy", "most")[1]
                .contains("use head, partial, full, lora, ia3 or prompt-tuning"));
    }

    @Test
    void textFinetuneIa3WritesPeftsAdapterThatMerges() throws Exception {
        Path data = animalsAndTools("ia3.csv");
        Path run = home.resolve("run-ia3");
        String out = run(0, "text-finetune", "--model", model.toString(), "--data", data.toString(), "--strategy", "ia3", "--epochs", "1",
                "--no-probe", "--out", run.toString())[0];
        assertTrue(out.contains("ia3 on") && out.contains("adapter/"), out);
        com.fasterxml.jackson.databind.JsonNode cfg = dev.graft.util.Json.MAPPER.readTree(run.resolve("adapter/adapter_config.json").toFile());
        assertEquals("IA3", cfg.get("peft_type").asText());
        assertEquals("[\"output.dense\"]", cfg.get("feedforward_modules").toString());
        assertEquals("[\"classifier\"]", cfg.get("modules_to_save").toString());
        assertTrue(Files.readString(run.resolve("adapter/README.md")).contains("library_name: peft"));
        com.fasterxml.jackson.databind.JsonNode metrics = dev.graft.util.Json.MAPPER.readTree(run.resolve("metrics.json").toFile());
        assertEquals(2 * (16 + 16 + 16 + 32) + 2 * 16 + 2, metrics.get("trained_parameters").asLong(), "the vectors and the head");
        assertTrue(metrics.get("adapter_bytes").asLong() < 2000, metrics.toString());
        CliRun merged = CliRun.run("peft", "merge", run.resolve("adapter").toString(), "--out", home.resolve("ia3-merged").toString());
        assertEquals(0, merged.code, merged.err);
        assertTrue(merged.out.contains("none extra"), merged.out);
        // the text verbs take the adapter too: its base with the adapter merged in
        String viaAdapter = run(0, "--json", "embed", "--model", "local-dir:" + run.resolve("adapter"), "a cat")[0];
        String viaMerged = run(0, "--json", "embed", "--model", home.resolve("ia3-merged").toString(), "a cat")[0];
        assertEquals(viaMerged.substring(viaMerged.indexOf("\"embeddings\"")), viaAdapter.substring(viaAdapter.indexOf("\"embeddings\"")));
        assertTrue(run(0, "embed", "--model", run.resolve("adapter").toString(), "a cat")[0].contains("16 dims"));

        String lora = run(1, "text-finetune", "--model", model.toString(), "--data", data.toString(), "--strategy", "ia3", "--lora-r", "4")[1];
        assertTrue(lora.contains("LoRA settings") && lora.strip().lines().count() == 1, lora);
        String none = run(1, "text-finetune", "--model", model.toString(), "--data", data.toString(), "--strategy", "ia3",
                "--target-modules", "q_proj")[1];
        assertTrue(none.contains("match no linear layer") && none.strip().lines().count() == 1, none);
    }

    @Test
    void textFinetunePromptTuningWritesPeftsAdapterThatLoadsWithoutMerging() throws Exception {
        Path data = animalsAndTools("pt.csv");
        Path run = home.resolve("run-pt");
        String out = run(0, "text-finetune", "--model", model.toString(), "--data", data.toString(), "--strategy", "prompt-tuning", "--epochs", "1",
                "--num-virtual-tokens", "3", "--prompt-tuning-init-text", "a cat", "--no-probe", "--out", run.toString())[0];
        assertTrue(out.contains("prompt-tuning on") && out.contains("adapter/") && !out.contains("model/"), out);
        assertFalse(Files.exists(run.resolve("model")), "virtual tokens merge into no weights: no merged model");
        com.fasterxml.jackson.databind.JsonNode cfg = dev.graft.util.Json.MAPPER.readTree(run.resolve("adapter/adapter_config.json").toFile());
        assertEquals("PROMPT_TUNING", cfg.get("peft_type").asText());
        assertEquals(3, cfg.get("num_virtual_tokens").asInt());
        assertEquals(16, cfg.get("token_dim").asInt());
        assertEquals("TEXT", cfg.get("prompt_tuning_init").asText());
        assertEquals("a cat", cfg.get("prompt_tuning_init_text").asText());
        assertEquals("SEQ_CLS", cfg.get("task_type").asText());
        com.fasterxml.jackson.databind.JsonNode metrics = dev.graft.util.Json.MAPPER.readTree(run.resolve("metrics.json").toFile());
        assertEquals(3 * 16 + 2 * 16 + 2, metrics.get("trained_parameters").asLong(), "the virtual tokens and the head");
        // the text verbs take the adapter: the base encoder carrying the virtual tokens, which change its vectors
        String viaAdapter = run(0, "--json", "embed", "--model", "local-dir:" + run.resolve("adapter"), "a cat")[0];
        String plain = run(0, "--json", "embed", "--model", model.toString(), "a cat")[0];
        assertTrue(viaAdapter.contains("\"embeddings\""), viaAdapter);
        assertFalse(plain.substring(plain.indexOf("\"embeddings\"")).equals(viaAdapter.substring(viaAdapter.indexOf("\"embeddings\""))));
        CliRun merged = CliRun.run("peft", "merge", run.resolve("adapter").toString(), "--out", home.resolve("pt-merged").toString());
        assertEquals(1, merged.code);
        assertTrue(merged.err.contains("cannot be merged") && merged.err.strip().lines().count() == 1, merged.err);

        String lora = run(1, "text-finetune", "--model", model.toString(), "--data", data.toString(), "--strategy", "prompt-tuning", "--lora-r", "4")[1];
        assertTrue(lora.contains("do not apply to prompt-tuning") && lora.strip().lines().count() == 1, lora);
        String zero = run(1, "text-finetune", "--model", model.toString(), "--data", data.toString(), "--strategy", "prompt-tuning",
                "--num-virtual-tokens", "0")[1];
        assertTrue(zero.contains("at least one virtual token") && zero.strip().lines().count() == 1, zero);
    }

    /** Twenty texts, ten animals and ten tools, as a CSV in the test's home. */
    private Path animalsAndTools(String name) throws java.io.IOException {
        Path data = home.resolve(name);
        StringBuilder sb = new StringBuilder("text,label\n");
        for (String w : new String[] {"cat", "dog", "cow", "pig", "hen", "fox", "owl", "elk", "bat", "rat"}) {
            sb.append("a ").append(w).append(",animal\n").append("the ").append(w).append(" tool,tool\n");
        }
        Files.writeString(data, sb.toString());
        return data;
    }
}
