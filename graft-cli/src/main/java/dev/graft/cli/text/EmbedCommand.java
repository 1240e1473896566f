package dev.graft.cli.text;

import dev.graft.progress.Output;
import dev.graft.text.TextEncoder;
import dev.graft.util.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code graft embed}: sentence vectors of texts, and their cosine similarities. */
@Command(name = "embed", description = "Sentence vectors of texts (mean-pooled, L2-normalised) and their cosine similarities.")
public final class EmbedCommand extends TextVerb {
    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Texts to embed.")
    List<String> texts;

    @Override
    public Integer call() throws Exception {
        try (TextEncoder enc = textModel.open()) {
            float[][] v = enc.embed(texts);
            PrintWriter out = stdout();
            if (Output.json()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int i = 0; i < texts.size(); i++) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("text", texts.get(i));
                    r.put("embedding", v[i]);
                    rows.add(r);
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", enc.name());
                doc.put("dimension", enc.dimension());
                doc.put("embeddings", rows);
                doc.put("cosine", cosines(v));
                out.println(Json.MAPPER.writeValueAsString(doc));
            } else {
                for (int i = 0; i < texts.size(); i++) {
                    StringBuilder sb = new StringBuilder();
                    for (int j = 0; j < Math.min(6, v[i].length); j++) {
                        sb.append(String.format(Locale.ROOT, "%s%.4f", j == 0 ? "" : ", ", v[i][j]));
                    }
                    out.printf(Locale.ROOT, "[%d] %s%n    %d dims: [%s, ...]%n", i + 1, texts.get(i), v[i].length, sb);
                }
                if (texts.size() > 1) {
                    out.println("cosine similarity:");
                    double[][] c = cosines(v);
                    for (int i = 0; i < c.length; i++) {
                        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  [%d]", i + 1));
                        for (double x : c[i]) {
                            sb.append(String.format(Locale.ROOT, " %6.3f", x));
                        }
                        out.println(sb);
                    }
                }
            }
            out.flush();
        }
        return 0;
    }

    static double[][] cosines(float[][] v) {
        double[][] c = new double[v.length][v.length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                double dot = 0;
                for (int k = 0; k < v[i].length; k++) {
                    dot += v[i][k] * v[j][k];
                }
                c[i][j] = dot;
            }
        }
        return c;
    }
}
