package dev.graft.cli.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.graft.progress.Output;
import dev.graft.text.VectorClassifier;
import dev.graft.util.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Prints each text (or image path) with its classes ranked, as lines or (with --json) one JSON document. */
final class RankedTexts {
    private RankedTexts() {}

    /**
     * @param vectors the texts' embeddings, in order
     * @param line how one ranked class is shown in the text output
     */
    static void print(PrintWriter out, String modelName, VectorClassifier classifier, List<String> texts, float[][] vectors,
            Function<VectorClassifier.Score, String> line) throws JsonProcessingException {
        print(out, modelName, classifier, "text", texts, vectors, line);
    }

    /**
     * @param key what each input is called in the JSON results ({@code text}, or {@code image} for image paths)
     */
    static void print(PrintWriter out, String modelName, VectorClassifier classifier, String key, List<String> texts, float[][] vectors,
            Function<VectorClassifier.Score, String> line) throws JsonProcessingException {
        List<Object> results = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            List<VectorClassifier.Score> ranked = classifier.rank(vectors[i]);
            if (Output.json()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put(key, texts.get(i));
                r.put("labels", ranked);
                results.add(r);
            } else {
                out.println(texts.get(i));
                for (VectorClassifier.Score s : ranked) {
                    out.println("  " + line.apply(s));
                }
            }
        }
        if (Output.json()) {
            out.println(Json.MAPPER.writeValueAsString(Map.of("model", modelName, "results", results)));
        }
        out.flush();
    }
}
