package dev.graft.cli.text;

import dev.graft.GraftException;
import dev.graft.text.TextEncoder;
import dev.graft.zeroshot.ZeroShotClassifier;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft zeroshot}: ranks labels for texts without any training example. */
@Command(name = "zeroshot", description = "Classify texts into labels never trained on: prompt templates, cosine similarity.")
public final class ZeroShotCommand extends TextVerb {
    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Texts to classify.")
    List<String> texts;

    @Option(names = "--labels", required = true, paramLabel = "A,B,...", description = "Comma-separated labels, e.g. animal,plant,food.")
    String labels;

    @Option(names = "--descriptions", paramLabel = "D1|D2|...",
            description = "What each label means, '|'-separated, in label order (default: the labels themselves).")
    String descriptions;

    @Option(names = "--template", paramLabel = "T", description = "Prompt template with {} for the label (repeatable; default: 5 built-in).")
    List<String> templates;

    @Override
    public Integer call() throws Exception {
        List<String> names = split(labels, ",");
        if (names.size() < 2) {
            throw new GraftException("zero-shot needs at least two labels, got " + names, "e.g. --labels animal,plant,food");
        }
        List<String> desc = descriptions == null ? null : split(descriptions, "\\|");
        try (TextEncoder enc = textModel.open()) {
            ZeroShotClassifier zs = ZeroShotClassifier.build(enc::embed, names, desc,
                    templates == null || templates.isEmpty() ? ZeroShotClassifier.TEXT_TEMPLATES : templates);
            float[][] v = enc.embed(texts);
            PrintWriter out = stdout();
            RankedTexts.print(out, enc.name(), zs, texts, v, sc -> String.format(Locale.ROOT, "%-20s %.4f", sc.label(), sc.score()));
        }
        return 0;
    }

    static List<String> split(String s, String regex) {
        List<String> out = new ArrayList<>();
        for (String p : Arrays.asList(s.split(regex))) {
            if (!p.isBlank()) {
                out.add(p.strip());
            }
        }
        if (out.size() != new java.util.LinkedHashSet<>(out).size()) {
            throw new GraftException("a label is given twice in '" + s + "'", "give each label once");
        }
        return out;
    }
}
