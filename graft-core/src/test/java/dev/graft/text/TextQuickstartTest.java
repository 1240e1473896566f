package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.util.Json;
import dev.graft.zoo.bert.TinyBert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart pipeline end to end on a tiny random BERT and a small CSV (numbers are not checked, only the run). */
class TextQuickstartTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheTableMetricsAndAModelFolder() throws Exception {
        Path model = TinyBert.folder(tmp.resolve("tiny"), 2);
        StringBuilder sb = new StringBuilder("text,label\n");
        String[][] words = {{"cat", "dog", "cow", "pig", "hen", "fox", "owl", "elk", "bat", "rat", "ape", "yak"},
            {"oak", "elm", "ash", "fir", "yew", "fig", "ivy", "rye", "pea", "bean", "kale", "sage"},
            {"saw", "axe", "awl", "hoe", "rake", "file", "vise", "drill", "plane", "level", "clamp", "wrench"}};
        String[] labels = {"animal", "plant", "tool"};
        for (int c = 0; c < 3; c++) {
            for (String w : words[c]) {
                sb.append("a ").append(w).append(',').append(labels[c]).append('\n');
            }
        }
        Path csv = tmp.resolve("topics.csv");
        Files.writeString(csv, sb.toString());
        Path run = tmp.resolve("run");
        TextQuickstart.Report r = TextQuickstart.run(new TextQuickstart.Options(model.toString(), csv.toString(), 3, 10, 1, 1, run));
        assertEquals(List.of("zero-shot", "1-shot prototypes", "5-shot prototypes", "linear probe (head)", "partial fine-tuning"),
                r.rows().stream().map(TextQuickstart.Row::method).toList());
        for (TextQuickstart.Row row : r.rows()) {
            assertTrue(row.accuracy() >= 0 && row.accuracy() <= 1, row.toString());
        }
        assertEquals(1.0 / 3, r.chance(), 1e-12);
        assertTrue(r.table().contains("| chance | uniform guess over 3 topics | 33.3% | |"), r.table());
        assertTrue(Files.readString(run.resolve("results.md")).contains("| partial fine-tuning |"));
        Map<?, ?> metrics = Json.MAPPER.readValue(run.resolve("metrics.json").toFile(), Map.class);
        assertEquals(5, ((List<?>) metrics.get("rows")).size());
        assertTrue(Files.isRegularFile(run.resolve("model/model.safetensors")));
        assertEquals(List.of("animal", "plant", "tool"), TextClassifierFiles.loadHead(run.resolve("model")).classNames());
    }
}
