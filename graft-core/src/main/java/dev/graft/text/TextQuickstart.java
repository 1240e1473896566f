package dev.graft.text;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.fewshot.PrototypeClassifier;
import dev.graft.progress.Output;
import dev.graft.progress.Progress;
import dev.graft.train.Strategy;
import dev.graft.util.Json;
import dev.graft.zeroshot.ZeroShotClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The quickstart: one pretrained transformer (all-MiniLM-L6-v2), one text task (wordnet-topics,
 * balanced subset), and the ways Graft can use the model compared on the same test split:
 * zero-shot, 1-shot and 5-shot prototypes, a linear probe ({@code head}) and {@code partial}
 * fine-tuning. Writes a run directory with the table, metrics, charts and the fine-tuned model.
 *
 * <pre>{@code
 * TextQuickstart.Report r = TextQuickstart.run(TextQuickstart.Options.defaults());
 * System.out.println(r.table());
 * }</pre>
 */
public final class TextQuickstart {
    private TextQuickstart() {}

    /**
     * @param model text model name or folder
     * @param dataset text data set name
     * @param seed every random choice derives from it
     * @param draws support-set draws per few-shot setting
     * @param partialEpochs epochs of partial fine-tuning
     * @param topLayers layers trained by partial fine-tuning
     * @param runDir where to write the run (null: GRAFT_HOME/runs/quickstart-TIMESTAMP)
     */
    public record Options(String model, String dataset, long seed, int draws, int partialEpochs, int topLayers, Path runDir) {
        public static Options defaults() {
            return new Options("all-MiniLM-L6-v2", "wordnet-topics-small", 42, 200, 3, 2, null);
        }
    }

    /** One row of the table. */
    public record Row(String method, String detail, double accuracy, double ci95, double seconds) {}

    /**
     * @param rows the table, in method order
     * @param chance accuracy of guessing uniformly
     * @param runDir the run directory
     * @param modelDir the fine-tuned model folder inside it
     * @param embedSeconds time to embed the splits once (shared by zero-shot, prototypes and the probe)
     */
    public record Report(String dataset, int train, int test, int classes, List<Row> rows, double chance, Path runDir,
            Path modelDir, double embedSeconds, double totalSeconds) {

        /** The table as Markdown. */
        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append("| method | what it uses | test accuracy | time |\n|---|---|---|---|\n");
            for (Row r : rows) {
                String acc = String.format(Locale.ROOT, "%.1f%%", r.accuracy() * 100)
                        + (r.ci95() > 0 ? String.format(Locale.ROOT, " ± %.1f", r.ci95() * 100) : "");
                sb.append("| ").append(r.method()).append(" | ").append(r.detail()).append(" | ").append(acc).append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f s", r.seconds())).append(" |\n");
            }
            sb.append(String.format(Locale.ROOT, "| chance | uniform guess over %d topics | %.1f%% | |%n", classes, chance * 100));
            return sb.toString();
        }
    }

    public static Report run(Options o) {
        long t0 = System.nanoTime();
        Path runDir = o.runDir() != null ? o.runDir()
                : GraftHome.dir("runs").resolve("quickstart-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        TextSplits splits = TextDatasets.load(o.dataset(), o.seed());
        TextData train = splits.train();
        TextData val = splits.validation();
        TextData test = splits.test();
        List<Row> rows = new ArrayList<>();
        Map<String, Object> metrics = new LinkedHashMap<>();
        Path modelDir = runDir.resolve("model");
        double embedSeconds;
        try (TextEncoder enc = TextEncoder.open(o.model())) {
            Output.note(String.format(Locale.ROOT, "%s: %d train, %d validation, %d test texts, %d topics; model %s",
                    o.dataset(), train.size(), val.size(), test.size(), train.numClasses(), enc.name()));
            long e0 = System.nanoTime();
            float[][] trainX = enc.embed(train.texts(), "embed train");
            float[][] valX = enc.embed(val.texts(), "embed validation");
            float[][] testX = enc.embed(test.texts(), "embed test");
            embedSeconds = seconds(e0);
            int[] testY = test.labels();

            // Zero-shot: only the topic names (with a short description) are known.
            long z0 = System.nanoTime();
            List<String> descriptions = train.classNames().equals(WordNetTopics.TOPICS) ? WordNetTopics.DESCRIPTIONS : null;
            ZeroShotClassifier zs = ZeroShotClassifier.build(enc::embed, train.classNames(), descriptions,
                    ZeroShotClassifier.TEXT_TEMPLATES);
            double zsAcc = zs.accuracy(testX, testY);
            rows.add(new Row("zero-shot", "topic names in " + ZeroShotClassifier.TEXT_TEMPLATES.size() + " prompt templates",
                    zsAcc, 0, seconds(z0)));

            // Few-shot: prototypes from K random training texts per topic, many draws.
            for (int k : new int[] {1, 5}) {
                long f0 = System.nanoTime();
                double[] accs = prototypeDraws(trainX, train, testX, testY, k, o.draws(), o.seed() + k);
                dev.graft.fewshot.EpisodicEvaluation.Result r = dev.graft.fewshot.EpisodicEvaluation.summarize(
                        train.numClasses(), k, test.size(), accs);
                rows.add(new Row(k + "-shot prototypes", k + " text" + (k > 1 ? "s" : "") + " per topic, mean of "
                        + o.draws() + " draws", r.mean(), r.ci95(), seconds(f0)));
            }

            // Linear probe: the encoder is frozen, a linear head learns from the cached vectors.
            TextFineTuner.Options headOpts = TextFineTuner.Options.defaults(Strategy.HEAD).withSeed(o.seed());
            TextFineTuner.Result head = TextFineTuner.fitHead(trainX, train.labels(), train.classNames(), valX, val.labels(),
                    headOpts, null, "linear probe");
            double headAcc = head.head().accuracy(testX, testY);
            rows.add(new Row("linear probe (head)", train.size() + " texts, encoder frozen", headAcc, 0, head.seconds()));

            // Partial fine-tuning: the top layers and the head, starting from the probe's head.
            TextFineTuner.Options partialOpts = TextFineTuner.Options.defaults(Strategy.PARTIAL)
                    .withEpochs(o.partialEpochs()).withTopLayers(o.topLayers()).withSeed(o.seed());
            TextFineTuner.Result partial = TextFineTuner.fit(enc, train, val, partialOpts, head.head(), "partial fine-tuning");
            long p0 = System.nanoTime();
            float[][] testAfter = enc.embed(test.texts(), "embed test (fine-tuned)");
            double partialAcc = partial.head().accuracy(testAfter, testY);
            rows.add(new Row("partial fine-tuning", "top " + o.topLayers() + " of " + enc.model().numLayers()
                    + " layers + head, " + o.partialEpochs() + (o.partialEpochs() == 1 ? " epoch" : " epochs"), partialAcc, 0, partial.seconds() + seconds(p0)));

            metrics.put("dataset", o.dataset());
            metrics.put("model", enc.name());
            metrics.put("seed", o.seed());
            metrics.put("train", train.size());
            metrics.put("validation", val.size());
            metrics.put("test", test.size());
            metrics.put("embed_seconds", embedSeconds);
            metrics.put("rows", rows);
            metrics.put("head_history", head.history());
            metrics.put("partial_history", partial.history());
            metrics.put("partial_trained_parameters", partial.trainedParameters());

            writeCharts(runDir, rows, 1.0 / train.numClasses(), head, partial, train.classNames(),
                    confusion(partial.head(), testAfter, testY, train.numClasses()));
            TextClassifierFiles.save(enc, partial.head(), modelDir, TextClassifierFiles.card(enc.name(), o.dataset(),
                    "partial (top " + o.topLayers() + " layers + head, " + o.partialEpochs() + " epochs)", partialAcc, test.size(),
                    o.seed()));
        }
        Report report = new Report(o.dataset(), train.size(), test.size(), train.numClasses(), rows, 1.0 / train.numClasses(),
                runDir, modelDir, embedSeconds, seconds(t0));
        try {
            Files.createDirectories(runDir);
            metrics.put("total_seconds", report.totalSeconds());
            Json.MAPPER.writeValue(runDir.resolve("metrics.json").toFile(), metrics);
            Files.writeString(runDir.resolve("results.md"), "# Quickstart: " + o.dataset() + " with " + o.model() + "\n\n" + report.table());
        } catch (IOException e) {
            throw new GraftException("cannot write the run directory " + runDir + ": " + e.getMessage(), "check that it is writable", e);
        }
        return report;
    }

    /** Test accuracy of prototypes from {@code k} random training texts per class, for {@code draws} draws. */
    static double[] prototypeDraws(float[][] trainX, TextData train, float[][] testX, int[] testY, int k, int draws, long seed) {
        int[][] byClass = train.indicesPerClass();
        for (int c = 0; c < byClass.length; c++) {
            if (byClass[c].length < k) {
                throw new GraftException("topic '" + train.classNames().get(c) + "' has " + byClass[c].length
                        + " training texts, fewer than " + k, "use a data set with more texts per class");
            }
        }
        Random rnd = new Random(seed);
        double[] acc = new double[draws];
        try (Progress p = Progress.start(k + "-shot prototypes", draws, "draws")) {
            for (int d = 0; d < draws; d++) {
                float[][] support = new float[byClass.length * k][];
                int[] labels = new int[byClass.length * k];
                for (int c = 0; c < byClass.length; c++) {
                    List<Integer> pool = new ArrayList<>();
                    for (int i : byClass[c]) {
                        pool.add(i);
                    }
                    Collections.shuffle(pool, rnd);
                    for (int j = 0; j < k; j++) {
                        support[c * k + j] = trainX[pool.get(j)];
                        labels[c * k + j] = c;
                    }
                }
                acc[d] = PrototypeClassifier.fit(support, labels, train.classNames()).accuracy(testX, testY);
                p.step(1);
            }
        }
        return acc;
    }

    static int[][] confusion(TextHead head, float[][] x, int[] y, int classes) {
        int[][] m = new int[classes][classes];
        for (int i = 0; i < x.length; i++) {
            m[y[i]][head.predict(x[i])]++;
        }
        return m;
    }

    private static void writeCharts(Path runDir, List<Row> rows, double chance, TextFineTuner.Result head,
            TextFineTuner.Result partial, List<String> classes, int[][] confusion) {
        try {
            List<String> names = new ArrayList<>();
            double[] acc = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                names.add(rows.get(i).method());
                acc[i] = rows.get(i).accuracy();
            }
            TextCharts.bars(names, acc, chance, "Test accuracy on the same split", runDir.resolve("accuracy.png"));
            TextCharts.lines(List.of("linear probe", "partial"), List.of(column(head.history(), true), column(partial.history(), true)),
                    "Training loss per epoch", "epoch", runDir.resolve("loss.png"));
            TextCharts.lines(List.of("linear probe", "partial"), List.of(column(head.history(), false), column(partial.history(), false)),
                    "Validation accuracy per epoch", "epoch", runDir.resolve("validation-accuracy.png"));
            TextCharts.confusion(classes, confusion, "Confusion matrix, partial fine-tuning (test)", runDir.resolve("confusion.png"));
        } catch (GraftException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // Headless machines without fonts cannot draw text; the numbers are still in metrics.json.
            Output.warn("charts skipped: " + e + " (install fontconfig and a font, e.g. fonts-dejavu-core)");
        }
    }

    private static double[] column(List<TextFineTuner.Epoch> h, boolean loss) {
        double[] out = new double[h.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = loss ? h.get(i).trainLoss() : h.get(i).validationAccuracy();
        }
        return out;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
