package dev.graft.cli.text;

import dev.graft.GraftException;
import dev.graft.data.io.ImageFolder;
import dev.graft.zeroshot.ImageZeroShot;
import dev.graft.text.TextEncoder;
import dev.graft.zeroshot.ZeroShotClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft zeroshot}: ranks labels for texts, or for images with a CLIP model, without any training example. */
@Command(name = "zeroshot", description = "Classify texts (or images, with a CLIP --model) into labels never trained on: prompt templates, cosine similarity.")
public final class ZeroShotCommand extends TextVerb {
    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to classify.")
    List<String> texts;

    @Option(names = "--images", arity = "1..*", paramLabel = "FILE",
            description = "Images (or folders of images) to classify instead of texts; --model must be a CLIP folder or source.")
    List<Path> images;

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
        if (images != null) {
            return images(names, desc);
        }
        if (texts == null || texts.isEmpty()) {
            throw new GraftException("zeroshot needs texts to classify, or --images FILE...", "e.g. graft zeroshot \"a purring cat\" --labels animal,plant");
        }
        try (TextEncoder enc = textModel.open()) {
            ZeroShotClassifier zs = ZeroShotClassifier.build(enc::embed, names, desc,
                    templates == null || templates.isEmpty() ? ZeroShotClassifier.TEXT_TEMPLATES : templates);
            float[][] v = enc.embed(texts);
            PrintWriter out = stdout();
            RankedTexts.print(out, enc.name(), zs, texts, v, sc -> String.format(Locale.ROOT, "%-20s %.4f", sc.label(), sc.score()));
        }
        return 0;
    }

    private int images(List<String> names, List<String> desc) throws Exception {
        if (texts != null && !texts.isEmpty()) {
            throw new GraftException("give texts or --images, not both", "run zeroshot once for the texts and once for the images");
        }
        if (desc != null) {
            throw new GraftException("--descriptions applies to texts", "put the words for each label in --labels or --template");
        }
        if (textModel.isDefault()) {
            throw new GraftException("zero-shot on images needs a CLIP --model", "e.g. --model local-dir:clip-vit-base-patch32 (config.json, model.safetensors, tokenizer.json)");
        }
        List<Path> files = ImageFolder.imageFiles(images);
        try (ImageZeroShot zs = ImageZeroShot.open(textModel.name)) {
            ZeroShotClassifier classifier = zs.classifier(names,
                    templates == null || templates.isEmpty() ? ZeroShotClassifier.IMAGE_TEMPLATES : templates);
            float[][] v = zs.embed(files);
            RankedTexts.print(stdout(), zs.name(), classifier, "image", files.stream().map(Path::toString).toList(), v,
                    sc -> String.format(Locale.ROOT, "%-20s %.4f", sc.label(), sc.score()));
        }
        return 0;
    }

    static List<String> split(String s, String regex) {
        List<String> out = new ArrayList<>();
        List<String> parts = Arrays.asList(s.split(regex, -1));
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            if (!p.isBlank()) {
                out.add(p.strip());
            } else if (i > 0 && i < parts.size() - 1 || parts.size() == 1) {
                throw new GraftException("an empty label in '" + s + "'", "give every label a name, e.g. --labels cat,dog");
            }
        }
        if (out.size() != new java.util.LinkedHashSet<>(out).size()) {
            throw new GraftException("a label is given twice in '" + s + "'", "give each label once");
        }
        return out;
    }
}
