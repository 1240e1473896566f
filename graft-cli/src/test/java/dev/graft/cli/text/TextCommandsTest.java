package dev.graft.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.cli.GraftCli;
import dev.graft.engine.Engines;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.BertWeights;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The text verbs end to end on a tiny random BERT folder (MiniLM's tokenizer, 16-wide layers). */
class TextCommandsTest {
    @TempDir
    static Path home;
    static Path model;

    @BeforeAll
    static void tinyModel() throws Exception {
        System.setProperty("graft.home", home.toString());
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
        System.clearProperty("graft.home");
    }

    @AfterEach
    void resetOutput() {
        Output.configure(false, false);
    }

    private static String[] run(int expectedCode, String... args) {
        CommandLine cl = GraftCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertEquals(expectedCode, cl.execute(args), err.toString());
        return new String[] {out.toString(), err.toString()};
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
    }
}
