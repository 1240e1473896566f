package dev.graft.cli.text;

import dev.graft.GraftException;
import dev.graft.cli.Globals;
import dev.graft.fewshot.EpisodicEvaluation;
import dev.graft.fewshot.PrototypeClassifier;
import dev.graft.progress.Output;
import dev.graft.text.TextData;
import dev.graft.text.TextDatasets;
import dev.graft.text.TextEncoder;
import dev.graft.text.TextFiles;
import dev.graft.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft fewshot}: nearest class mean from a few labelled texts, or an N-way K-shot evaluation. */
@Command(name = "fewshot", description = "Classify texts from a few labelled examples (prototypes), or run N-way K-shot episodes.")
public final class FewShotCommand extends TextVerb {
    @Option(names = "--support", paramLabel = "FILE", description = "Labelled examples: .csv (text,label) or .jsonl.")
    Path support;

    @Option(names = "--query", paramLabel = "TEXT", description = "A text to classify (repeatable).")
    List<String> queries;

    @Option(names = "--labels", paramLabel = "A,B,...", description = "Labels expected in the support set; missing ones are reported.")
    String labels;

    @Option(names = "--episodes", paramLabel = "N", description = "Instead of classifying: N-way K-shot episodes over --data (or --support).")
    Integer episodes;

    @Option(names = "--data", paramLabel = "D", description = "Text data set for episodes (default: wordnet-topics-small test split).")
    String data;

    @Option(names = "--ways", defaultValue = "5", paramLabel = "N", description = "Classes per episode (default: ${DEFAULT-VALUE}).")
    int ways;

    @Option(names = "--shots", defaultValue = "1", paramLabel = "K", description = "Examples per class (default: ${DEFAULT-VALUE}).")
    int shots;

    @Option(names = "--queries-per-class", defaultValue = "15", paramLabel = "Q", description = "Queries per class (default: ${DEFAULT-VALUE}).")
    int queriesPerClass;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = stdout();
        if (episodes != null) {
            return episodes(out);
        }
        if (support == null || queries == null || queries.isEmpty()) {
            throw new GraftException("fewshot needs --support FILE and at least one --query TEXT (or --episodes N)",
                    "e.g. graft fewshot --support support.csv --query \"a small furry pet\"");
        }
        TextData s = TextFiles.read(support);
        if (labels != null) {
            List<String> missing = new ArrayList<>();
            for (String l : ZeroShotCommand.split(labels, ",")) {
                if (!s.classNames().contains(l)) {
                    missing.add(l);
                }
            }
            if (!missing.isEmpty()) {
                throw new GraftException("labels " + missing + " have no examples in " + support,
                        "add at least one line per label to the support file (it has: " + String.join(", ", s.classNames()) + ")");
            }
        }
        try (TextEncoder enc = textModel.open()) {
            PrototypeClassifier p = PrototypeClassifier.fit(enc.embed(s.texts()), s.labels(), s.classNames());
            float[][] q = enc.embed(queries);
            int[] shotsPerClass = p.shots();
            RankedTexts.print(out, enc.name(), p, queries, q, sc -> String.format(Locale.ROOT, "%-20s distance %.4f  (%d example%s)",
                    sc.label(), -sc.score(), shotsPerClass[sc.index()], shotsPerClass[sc.index()] == 1 ? "" : "s"));
        }
        out.flush();
        return 0;
    }

    private int episodes(PrintWriter out) throws Exception {
        TextData d;
        if (data != null) {
            d = TextDatasets.load(data, Globals.seed).test();
        } else if (support != null) {
            d = TextFiles.read(support);
        } else {
            d = TextDatasets.load("wordnet-topics-small", Globals.seed).test();
        }
        try (TextEncoder enc = textModel.open()) {
            float[][] v = enc.embed(d.texts(), "embed " + d.name());
            EpisodicEvaluation.Result r = EpisodicEvaluation.run(v, d.labels(), ways, shots, queriesPerClass, episodes, Globals.seed);
            if (Output.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", enc.name());
                doc.put("data", d.name());
                doc.put("result", r);
                out.println(Json.MAPPER.writeValueAsString(doc));
            } else {
                out.printf(Locale.ROOT, "%s, %d-way %d-shot, %d queries per class, %d episodes: accuracy %.2f%% ± %.2f (95%% CI)%n",
                        d.name(), ways, shots, queriesPerClass, episodes, r.mean() * 100, r.ci95() * 100);
            }
        }
        out.flush();
        return 0;
    }
}
