package dev.graft.cli.text;

import dev.graft.GraftException;
import dev.graft.cli.Globals;
import dev.graft.data.DataSpec;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.fewshot.EpisodicEvaluation;
import dev.graft.fewshot.ImageEpisodes;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import dev.graft.fewshot.PrototypeClassifier;
import dev.graft.fewshot.SetFit;
import dev.graft.progress.Output;
import dev.graft.text.TextData;
import dev.graft.text.TextDatasets;
import dev.graft.text.TextEncoder;
import dev.graft.text.TextFiles;
import dev.graft.text.TextHead;
import dev.graft.text.VectorClassifier;
import dev.graft.util.Json;
import dev.graft.util.Softmax;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code graft fewshot}: a classifier from a few labelled texts (nearest class mean, logistic regression on the
 * frozen encoder's vectors, or SetFit's contrastively fine-tuned encoder with that head), or an N-way K-shot
 * evaluation on texts or, with an image {@code --model}, on images.
 */
@Command(name = "fewshot", description = "Classify texts from a few labelled examples (prototypes, a linear probe or SetFit), or run N-way K-shot episodes on texts or images.")
public final class FewShotCommand extends TextVerb {
    @Option(names = "--support", paramLabel = "FILE", description = "Labelled examples: .csv (text,label) or .jsonl.")
    Path support;

    @Option(names = "--method", defaultValue = "prototypes", paramLabel = "M",
            description = "prototypes (nearest class mean), probe (logistic regression on the frozen encoder's vectors) or setfit"
                    + " (contrastive fine-tuning of the encoder on pairs of the examples, then logistic regression) (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--num-iterations", paramLabel = "N",
            description = "setfit: positive and negative pairs drawn per example (default: SetFit's 20).")
    Integer numIterations;

    @Option(names = "--query", paramLabel = "TEXT", description = "A text to classify (repeatable).")
    List<String> queries;

    @Option(names = "--labels", paramLabel = "A,B,...", description = "Labels expected in the support set; missing ones are reported.")
    String labels;

    @Option(names = "--episodes", paramLabel = "N", description = "Instead of classifying: N-way K-shot episodes over --data (or --support).")
    Integer episodes;

    @Option(names = "--data", paramLabel = "D", description = "Data set for episodes: a text one (default: wordnet-topics-small test split) or an image one, e.g. emoji-twitter (its unseen classes).")
    String data;

    @Option(names = "--ways", defaultValue = "5", paramLabel = "N", description = "Classes per episode (default: ${DEFAULT-VALUE}).")
    int ways;

    @Option(names = "--shots", defaultValue = "1", paramLabel = "K", description = "Examples per class (default: ${DEFAULT-VALUE}).")
    int shots;

    @Option(names = "--queries-per-class", paramLabel = "Q", description = "Queries per class (default: 15 for texts, 5 for images).")
    Integer queriesPerClass;

    @Option(names = "--query-data", paramLabel = "D",
            description = "Image episodes only: draw the queries from this data set (e.g. another emoji style), the support from --data.")
    String queryData;

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
        Method m = method();
        if (m == Method.SETFIT) {
            SetFit.checkSupport(s.labels(), s.classNames());   // before the encoder loads
        }
        try (TextEncoder enc = textModel.open()) {
            if (m == Method.PROTOTYPES) {
                PrototypeClassifier p = PrototypeClassifier.fit(enc.embed(s.texts()), s.labels(), s.classNames());
                int[] shotsPerClass = p.shots();
                RankedTexts.print(out, enc.name(), p, queries, enc.embed(queries), sc -> String.format(Locale.ROOT,
                        "%-20s distance %.4f  (%d example%s)", sc.label(), -sc.score(), shotsPerClass[sc.index()],
                        shotsPerClass[sc.index()] == 1 ? "" : "s"));
            } else {
                TextHead head;
                if (m == Method.SETFIT) {
                    SetFit.Result r = SetFit.fit(enc, s.texts(), s.labels(), s.classNames(), setFitOptions(), "setfit");
                    Output.note(String.format(Locale.ROOT, "setfit: %d pairs, %d steps, pair loss %.4f -> %.4f, %.1f s", r.pairs(), r.steps(),
                            r.lossBefore(), r.lossAfter(), r.seconds()));
                    head = r.head();
                } else {
                    head = SetFit.logisticHead(enc.embed(s.texts()), s.labels(), s.classNames());
                }
                float[][] q = enc.embed(queries);
                VectorClassifier probabilities = new VectorClassifier() {
                    @Override
                    public List<String> classNames() {
                        return head.classNames();
                    }

                    @Override
                    public float[] scores(float[] x) {
                        double[] p = Softmax.of(head.logits(x));
                        float[] f = new float[p.length];
                        for (int c = 0; c < p.length; c++) {
                            f[c] = (float) p[c];
                        }
                        return f;
                    }
                };
                RankedTexts.print(out, enc.name(), probabilities, queries, q, sc -> String.format(Locale.ROOT, "%-20s probability %.4f",
                        sc.label(), sc.score()));
            }
        }
        out.flush();
        return 0;
    }

    private int episodes(PrintWriter out) throws Exception {
        if (data != null && isImageData(data)) {
            return imageEpisodes(out);
        }
        if (queryData != null) {
            throw new GraftException("--query-data applies to image data sets", "give an image data set as --data, e.g. --data emoji-google --query-data emoji-twitter");
        }
        int queriesPerClass = this.queriesPerClass == null ? 15 : this.queriesPerClass;
        TextData d;
        if (data != null) {
            d = TextDatasets.load(data, Globals.seed).test();
        } else if (support != null) {
            d = TextFiles.read(support);
        } else {
            d = TextDatasets.load("wordnet-topics-small", Globals.seed).test();
        }
        Method m = method();
        if (m == Method.SETFIT) {
            SetFit.checkShots(shots);
        }
        try (TextEncoder enc = textModel.open()) {
            EpisodicEvaluation.Result r = switch (m) {
                case PROTOTYPES -> EpisodicEvaluation.run(enc.embed(d.texts(), "embed " + d.name()), d.labels(), ways, shots,
                        queriesPerClass, episodes, Globals.seed);
                case PROBE -> EpisodicEvaluation.run(enc.embed(d.texts(), "embed " + d.name()), d.labels(), ways, shots,
                        queriesPerClass, episodes, Globals.seed, SetFit::logisticHead);
                case SETFIT -> SetFit.episodes(enc, d, ways, shots, queriesPerClass, episodes, Globals.seed, setFitOptions());
            };
            if (Output.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", enc.name());
                doc.put("data", d.name());
                doc.put("method", m.id);
                doc.put("result", r);
                out.println(Json.MAPPER.writeValueAsString(doc));
            } else {
                printResult(out, d.name(), r, m == Method.PROTOTYPES ? "" : ", " + m.id);
            }
        }
        out.flush();
        return 0;
    }

    /** The few-shot methods, as --method names them. */
    enum Method {
        PROTOTYPES("prototypes"), PROBE("probe"), SETFIT("setfit");

        final String id;

        Method(String id) {
            this.id = id;
        }
    }

    private Method method() {
        for (Method m : Method.values()) {
            if (m.id.equalsIgnoreCase(method)) {
                return m;
            }
        }
        throw new GraftException("unknown few-shot method '" + method + "'", "use --method prototypes, probe or setfit");
    }

    private SetFit.Options setFitOptions() {
        SetFit.Options o = SetFit.Options.defaults().withSeed(Globals.seed);
        return numIterations == null ? o : o.withNumIterations(numIterations);
    }

    private void printResult(PrintWriter out, String dataName, EpisodicEvaluation.Result r, String methodSuffix) {
        out.printf(Locale.ROOT, "%s, %d-way %d-shot, %d queries per class, %d episodes: accuracy %.2f%% ± %.2f (95%% CI)%s%n",
                dataName, r.ways(), r.shots(), r.queries(), r.episodes(), r.mean() * 100, r.ci95() * 100, methodSuffix);
    }

    /** Whether a --data value names image data: a built-in image data set (with options) or folder:, idx:, csv:. */
    static boolean isImageData(String name) {
        int q = name.indexOf('?');
        String base = q > 0 ? name.substring(0, q) : name;
        return Datasets.names().contains(base) || DataSpec.PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** Episodes on the test split (for the emoji data sets: the unseen classes) with the image features of --model. */
    private int imageEpisodes(PrintWriter out) throws Exception {
        if (textModel.isDefault()) {
            throw new GraftException("image episodes need an image --model", "e.g. --model small_resnet.graft_mnist, resnet18, or a CLIP folder");
        }
        if (method() != Method.PROTOTYPES) {
            throw new GraftException("--method " + method + " is for texts; image episodes use prototypes", "leave out --method for image data");
        }
        int queries = queriesPerClass == null ? 5 : queriesPerClass;
        ImageData support = Datasets.load(data, Globals.seed).test();
        ImageData query = queryData == null ? null : Datasets.load(queryData, Globals.seed).test();
        String modelName = textModel.name;
        String source = !modelName.contains(":") && java.nio.file.Files.isDirectory(Path.of(modelName)) ? "local-dir:" + modelName : modelName;
        GraftModel model = Zoo.create(source);
        EpisodicEvaluation.Result r = ImageEpisodes.run(model, support, query, ways, shots, queries, episodes, Globals.seed);
        String name = query == null ? data : data + " -> " + queryData;
        if (Output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", modelName);
            doc.put("data", data);
            if (queryData != null) {
                doc.put("query_data", queryData);
            }
            doc.put("result", r);
            out.println(Json.MAPPER.writeValueAsString(doc));
        } else {
            printResult(out, name, r, "");
        }
        out.flush();
        return 0;
    }
}
