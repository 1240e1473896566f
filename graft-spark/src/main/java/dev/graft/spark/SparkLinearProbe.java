package dev.graft.spark;

import static org.apache.spark.sql.functions.col;

import dev.graft.GraftException;
import dev.graft.train.CardFrontMatter;
import dev.graft.train.LinearProbe;
import dev.graft.train.RunDirectory;
import dev.graft.train.ZooModels;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code head} strategy's linear probe at scale: features computed on Spark ({@link GraftSpark#featurize})
 * train a multinomial logistic regression with Spark MLlib's {@code LogisticRegression}, minimising the same
 * objective as Graft's own {@link LinearProbe} (mean cross-entropy plus {@code l2 / 2 * ||W||^2}, the bias not
 * penalised, features not standardised), and the result is exported as a normal Graft model: the backbone with
 * the fitted classifier, in the folder layout {@code graft predict --model DIR} loads.
 *
 * <pre>{@code
 * Dataset<Row> feats = GraftSpark.featurize(SparkInputs.images(spark, "mnist", 42).where("split = 'train'"), "small_cnn.graft_mnist");
 * SparkLinearProbe.Result r = SparkLinearProbe.fit(feats, "small_cnn.graft_mnist", SparkLinearProbe.DEFAULT_L2, Path.of("runs/probe"), false);
 * }</pre>
 */
public final class SparkLinearProbe {
    /** The penalty when none is given (one point of {@link LinearProbe#L2_GRID}). */
    public static final double DEFAULT_L2 = 1e-3;

    /** MLlib's convergence test (its default): the relative change of the objective between iterations. */
    public static final double TOLERANCE = 1e-6;
    /**
     * Iteration limit. Each L-BFGS iteration is a Spark job over the cached features (about 0.1-0.2 s of scheduling
     * on a small busy machine, whatever the data size), so the limit is MLlib's default rather than Graft's 1000.
     */
    public static final int MAX_ITERATIONS = 100;

    private SparkLinearProbe() {}

    /**
     * A fitted and exported probe.
     *
     * @param dir the exported model folder
     * @param solution the classifier, in {@link LinearProbe}'s terms (K x D weight, row-major)
     * @param classNames class names in output order
     * @param trainRows rows it was fitted on
     * @param trainTop1 accuracy on them
     */
    public record Result(Path dir, LinearProbe.Solution solution, List<String> classNames, long trainRows, double trainTop1) {}

    /**
     * Fits the probe on the {@code features} column of {@code features} and exports it with the backbone
     * {@code backbone} (the model that computed the features) into {@code out}. Labels are the
     * {@code label_index} column (Graft data sets; class names from {@code label}) or, without it, the string
     * column {@code label}, indexed alphabetically.
     */
    public static Result fit(Dataset<Row> features, String backbone, double l2, Path out, boolean overwrite) {
        RunDirectory.claim(out, overwrite, null);
        if (!(l2 >= 0)) {
            throw new GraftException("--l2 " + l2 + " is not a penalty", "give 0 or more, e.g. " + DEFAULT_L2);
        }
        Columns.requireNumberArray(features.schema(), Columns.FEATURES, "backbone features (graft spark featurize)");
        // the backbone runs once: the class names, every iteration of the fit and the count read the cached features
        Dataset<Row> cached = features.cache();
        try {
            return fitCached(cached, backbone, l2, out);
        } finally {
            cached.unpersist();
        }
    }

    private static Result fitCached(Dataset<Row> features, String backbone, double l2, Path out) {
        List<String> names = Arrays.asList(features.schema().fieldNames());
        Dataset<Row> labelled;
        List<String> classNames;
        if (names.contains(Columns.LABEL_INDEX)) {
            Columns.requireInt(features.schema(), Columns.LABEL_INDEX, "class indices");
            labelled = features.withColumn("probe_label", col(Columns.LABEL_INDEX).cast("double"));
            classNames = names.contains(Columns.LABEL) ? classNames(features) : null;
        } else {
            Columns.requireString(features.schema(), Columns.LABEL, "class names");
            StringIndexerModel idx = SparkErrors.run(() -> new StringIndexer().setInputCol(Columns.LABEL).setOutputCol("probe_label")
                    .setStringOrderType("alphabetAsc").fit(features));
            labelled = idx.transform(features);
            classNames = List.of(idx.labelsArray()[0]);
        }
        Dataset<Row> train = labelled.select(org.apache.spark.ml.functions.array_to_vector(col(Columns.FEATURES)).as("probe_features"),
                col("probe_label"));
        LogisticRegression lr = new LogisticRegression().setFamily("multinomial").setRegParam(l2).setElasticNetParam(0)
                .setStandardization(false).setFitIntercept(true).setMaxIter(MAX_ITERATIONS).setTol(TOLERANCE)
                .setFeaturesCol("probe_features").setLabelCol("probe_label");
        LogisticRegressionModel m = SparkErrors.run(() -> lr.fit(train));
        int k = m.numClasses();
        if (classNames == null) {
            classNames = java.util.stream.IntStream.range(0, k).mapToObj(String::valueOf).toList();
        }
        if (classNames.size() != k) {
            throw new GraftException("the features have " + classNames.size() + " class names but labels 0.." + (k - 1),
                    "give every class at least one training row");
        }
        Matrix w = m.coefficientMatrix();
        int d = w.numCols();
        double[] weight = new double[k * d];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                weight[c * d + j] = w.apply(c, j);
            }
        }
        double[] bias = m.interceptVector().toArray();
        double[] history = m.summary().objectiveHistory();
        int iterations = m.summary().totalIterations();
        LinearProbe.Solution s = new LinearProbe.Solution(k, d, weight, bias, l2, history.length == 0 ? Double.NaN : history[history.length - 1],
                Double.NaN, iterations, iterations < MAX_ITERATIONS);
        double top1 = m.summary().accuracy();
        long rows = train.count();
        export(backbone, s, classNames, rows, top1, out);
        return new Result(out, s, classNames, rows, top1);
    }

    /** The class names of a Graft data set's rows: {@code label} by {@code label_index}. */
    private static List<String> classNames(Dataset<Row> labelled) {
        // one aggregate into one partition (a distinct would shuffle into spark.sql.shuffle.partitions)
        List<Row> pairs = SparkErrors.run(() -> labelled.agg(org.apache.spark.sql.functions.collect_set(
                org.apache.spark.sql.functions.struct(col(Columns.LABEL_INDEX), col(Columns.LABEL)))).first().getList(0));
        int k = pairs.stream().mapToInt(r -> ((Number) r.get(0)).intValue()).max().orElse(-1) + 1;
        String[] out = new String[k];
        for (Row r : pairs) {
            out[((Number) r.get(0)).intValue()] = r.getString(1);
        }
        for (int i = 0; i < k; i++) {
            if (out[i] == null) {
                out[i] = String.valueOf(i);
            }
        }
        return List.of(out);
    }

    private static void export(String backbone, LinearProbe.Solution s, List<String> classNames, long rows, double top1, Path out) {
        GraftModel model = ZooModels.open(backbone);
        if (model.numFeatures() != s.features()) {
            throw new GraftException("the features have " + s.features() + " values but " + backbone + " makes " + model.numFeatures(),
                    "fit the probe on features of the same backbone (graft spark featurize --model " + backbone + ")");
        }
        model.resetClassifier(s.classes());
        LinearProbe.writeInto(model, s);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("base_model", backbone);
        provenance.put("strategy", "head");
        provenance.put("train_samples", rows);
        Map<String, Object> fit = new LinkedHashMap<>();
        fit.put("method", "multinomial logistic regression, Spark MLlib LogisticRegression (L-BFGS)");
        fit.put("l2", s.l2());
        fit.put("iterations", s.iterations());
        fit.put("converged", s.converged());
        fit.put("train_top1", top1);
        provenance.put("head_fit", fit);
        provenance.put("versions", RunDirectory.versions());
        PretrainedCfg base = model.cfg();
        String license = base.license() == null ? "apache-2.0" : base.license();
        PretrainedCfg cfg = base.withNumClasses(s.classes(), classNames).withOrigin("spark_probe", license, "graft spark probe", provenance);
        Map<String, Object> card = new CardFrontMatter(license, "image-classification").withBaseModel(backbone)
                .withTags("graft", "image-classification", "strategy-head", "spark").toMap();
        String body = String.format(Locale.ROOT, "# %s + linear probe%n%nThe backbone %s with a linear classifier over %d classes fitted by Spark MLlib's"
                + " LogisticRegression on %d rows of its features (l2 %s, %d iterations, training top-1 %.4f).%n",
                backbone, backbone, s.classes(), rows, s.l2(), s.iterations(), top1);
        new RunDirectory(out).exportModel(model, cfg, card, body);
    }
}
