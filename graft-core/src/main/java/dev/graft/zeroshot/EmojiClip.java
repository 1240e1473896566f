package dev.graft.zeroshot;

import dev.graft.GraftException;
import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.data.builtin.Emoji;
import dev.graft.data.builtin.EmojiDataset;
import dev.graft.text.TextCharts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link ClipTrainer} on the emoji data sets: trains on the <b>seen</b> emoji of one or more styles
 * ({@code emoji-google}, {@code emoji-twitter}, {@code emoji-openmoji}), each emoji captioned by its
 * English name and keywords, then measures zero-shot classification of the <b>unseen</b> emoji
 * ({@code sort_order % 5 == 0}) of every training style and of the evaluation styles
 * ({@link ClipEvaluation}, 1-shot support from the first training style), and writes the card
 * (with the table) and {@code zeroshot.png} into the model folder.
 *
 * <pre>{@code
 * EmojiClip.Run r = EmojiClip.run(ClipTrainer.Options.defaults(), List.of("emoji-google"), List.of("emoji-twitter"), 500,
 *         Path.of("runs/clip-emoji"), null);
 * }</pre>
 */
public final class EmojiClip {
    /** Ways of the episodes (the 20-way unseen target). */
    public static final int WAYS = 20;
    /** The picture of the measured zero-shot and 1-shot accuracies. */
    public static final String PICTURE = "zeroshot.png";

    private EmojiClip() {}

    /**
     * A training and its measurements.
     *
     * @param training what the trainer did
     * @param results one per test style, training styles first
     */
    public record Run(ClipTrainer.Result training, List<ClipEvaluation.Result> results) {}

    /** An emoji data set by name; anything else is one {@link GraftException} naming the three. */
    public static EmojiDataset dataset(String name) {
        DatasetSource s = Datasets.source(name.strip());
        if (!(s instanceof EmojiDataset e) || e.level() != EmojiDataset.Level.EMOJI) {
            throw new GraftException("CLIP training reads emoji names and keywords; '" + name + "' is not one of the emoji data sets",
                    "use emoji-google, emoji-twitter or emoji-openmoji (comma-separated for several styles)");
        }
        return e;
    }

    /** Captions of every emoji by name ({@link ClipTrainer#captions}). */
    public static Map<String, List<String>> captions(EmojiDataset d) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Emoji e : d.emoji()) {
            out.put(e.name(), ClipTrainer.captions(e.name(), e.keywords()));
        }
        return out;
    }

    /**
     * Trains on the seen emoji of {@code data}, measures the unseen ones of {@code data} and
     * {@code evalData} in {@code episodes} {@link #WAYS}-way episodes, writes {@code dir}.
     */
    public static Run run(ClipTrainer.Options o, List<String> data, List<String> evalData, int episodes, Path dir, String recipe) {
        if (data.isEmpty()) {
            throw new GraftException("no training data", "give --data emoji-google (or several styles, comma-separated)");
        }
        List<EmojiDataset> styles = new ArrayList<>();
        for (String n : new LinkedHashSet<>(data)) {
            styles.add(dataset(n));
        }
        List<EmojiDataset> tests = new ArrayList<>(styles);
        for (String n : evalData) {
            EmojiDataset d = dataset(n);
            if (tests.stream().noneMatch(t -> t.name().equals(d.name()))) {
                tests.add(d);
            }
        }
        Map<String, DataSplits> splits = new LinkedHashMap<>();
        for (EmojiDataset d : tests) {
            d.fetch();
            splits.put(d.name(), d.load(o.seed(), 0.0));
        }
        List<ImageData> seen = styles.stream().map(d -> splits.get(d.name()).train()).toList();
        ClipTrainer.Result t = ClipTrainer.train(seen, captions(styles.get(0)), o, dir, recipe);
        ImageData reference = splits.get(styles.get(0).name()).test();
        List<ClipEvaluation.Result> results = new ArrayList<>();
        for (EmojiDataset d : tests) {
            results.add(ClipEvaluation.evaluate(t.model(), t.tokenizer(), ClipTrainer.TEMPLATES, splits.get(d.name()).test(), reference, WAYS,
                    episodes, o.seed()));
        }
        List<String> trainNames = styles.stream().map(EmojiDataset::name).toList();
        ClipTrainer.writeCard(t, o, trainNames, styles.stream().map(EmojiDataset::license).reduce(EmojiClip::stricter).orElse("other"),
                "the seen emoji (`sort_order % 5 != 0`) of ", results, recipe);
        picture(results, dir.resolve(PICTURE));
        return new Run(t, results);
    }

    private static void picture(List<ClipEvaluation.Result> results, Path file) {
        List<String> names = new ArrayList<>();
        double[] values = new double[results.size() * 2];
        for (int i = 0; i < results.size(); i++) {
            String style = results.get(i).test().replace("emoji-", "").replace("/test", "");
            names.add(style + " zero-shot");
            names.add(style + " 1-shot");
            values[2 * i] = results.get(i).zeroShotWays();
            values[2 * i + 1] = results.get(i).oneShotWays();
        }
        TextCharts.bars(names, values, 1.0 / WAYS, WAYS + "-way top-1 on unseen emoji (dashed: chance)", file);
    }

    /** The Markdown table of the measurements, one row per test set. */
    public static String table(List<ClipEvaluation.Result> results) {
        StringBuilder b = new StringBuilder();
        b.append("| test (unseen classes) | classes | all-way top-1 | all-way top-5 | chance | ").append(WAYS).append("-way zero-shot | ")
                .append(WAYS).append("-way 1-shot prototypes | 1-shot support | ").append(WAYS).append("-way chance |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (ClipEvaluation.Result r : results) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% | %.1f%% | %.2f%% | %.1f%% ± %.1f | %.1f%% ± %.1f | %s | %.1f%% |%n", r.test(),
                    r.classes(), 100 * r.top1(), 100 * r.top5(), 100 * r.chance(), 100 * r.zeroShotWays(), 100 * r.zeroShotCi95(),
                    100 * r.oneShotWays(), 100 * r.oneShotCi95(), r.support(), 100.0 / r.ways()));
        }
        return b.toString();
    }

    private static String stricter(String a, String b) {
        List<String> order = List.of("apache-2.0", "cc-by-4.0", "cc-by-sa-4.0");
        return order.indexOf(a) >= order.indexOf(b) ? a : b;
    }
}
