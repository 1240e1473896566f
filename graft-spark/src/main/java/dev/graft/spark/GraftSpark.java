package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.data.ImageData;
import dev.graft.data.Pixels;
import dev.graft.data.io.ImageFiles;
import dev.graft.engine.Engines;
import dev.graft.text.TextEncoder;
import dev.graft.train.FeatureExtractor;
import dev.graft.train.ModelInput;
import dev.graft.train.TensorSet;
import dev.graft.util.Softmax;
import dev.graft.zoo.GraftModel;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Graft models as Spark DataFrame transforms. Each executor JVM loads the model once ({@link ExecutorModels})
 * and runs every partition through it in batches ({@code mapPartitions}), with the same core code a single
 * machine uses: {@link TextEncoder#embed} for texts, {@link ModelInput#prepare} then {@link FeatureExtractor}
 * for images. Transforms are lazy; an action ({@link SparkOutputs#write}, {@code count}, {@code collect})
 * runs them, and its failures read as Graft's errors through {@link SparkErrors#run}.
 *
 * <pre>{@code
 * SparkSession spark = GraftSpark.session("local[2]");
 * Dataset<Row> v = GraftSpark.embed(SparkInputs.texts(spark, "wordnet-topics-small", 42), "all-MiniLM-L6-v2");   // + embedding
 * Dataset<Row> f = GraftSpark.featurize(SparkInputs.images(spark, "mnist", 42), "small_cnn.graft_mnist");         // + features
 * Dataset<Row> p = GraftSpark.predict(SparkInputs.images(spark, "mnist", 42), "small_cnn.graft_mnist");           // + prediction, probability
 * }</pre>
 */
public final class GraftSpark {
    /** The master when none is given: every core of this machine. */
    public static final String DEFAULT_MASTER = "local[*]";
    /** The text model when none is given. */
    public static final String DEFAULT_TEXT_MODEL = "all-MiniLM-L6-v2";
    /** Rows per forward pass when none is given (what {@code graft embed} batches too). */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private GraftSpark() {}

    /** How a transform reads its input. */
    public record Options(String column, int batchSize) implements Serializable {
        public Options {
            if (batchSize < 1) {
                throw new GraftException("batch size " + batchSize + " is not positive", "give --batch-size 1 or more");
            }
        }
    }

    /**
     * A Spark session for Graft on {@code master} ({@code local[N]}, {@code spark://host:port}): no web UI;
     * executors of a cluster get this GRAFT_HOME (models and data sets resolve there, so it should be a shared
     * folder or hold the same files on every machine), this class path and Graft's quiet logging.
     */
    public static SparkSession session(String master) {
        return session(master, Map.of());
    }

    /**
     * As {@link #session(String)}, with more Spark settings ({@code spark.executor.memory}, ...); a
     * {@code spark.executor.extraJavaOptions} given here comes after Graft's own. On a cluster the executors get
     * this JVM's class path ({@code spark.executor.extraClassPath}, unless given): Graft's jars must be at the same
     * paths on every machine (a shared folder), as GRAFT_HOME.
     */
    public static SparkSession session(String master, Map<String, String> conf) {
        Engines.configure();
        // A task's failure comes back as Graft's one-line error (SparkErrors); Spark's own report of it, with its stack, would repeat it.
        quiet("org.apache.spark", "error");
        quiet("org.apache.spark.executor.Executor", "off");
        quiet("org.apache.spark.scheduler.TaskSetManager", "off");
        quiet("org.apache.spark.sql.execution.datasources.FileFormatWriter", "off");
        quiet("org.apache.hadoop", "error");
        quiet("dev.ludovic.netlib", "error");   // MLlib's note that it uses Java BLAS
        SparkSession.Builder b = SparkSession.builder().master(master).appName("graft")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false");
        if (master.startsWith("local") || master.contains("://127.0.0.1") || master.contains("://localhost")) {
            b = b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        String executorOptions = conf.getOrDefault("spark.executor.extraJavaOptions", "");
        if (!master.startsWith("local")) {
            // executors resolve models and data sets in this GRAFT_HOME and this DJL cache (natives extracted once):
            // a shared folder, or the same path on every machine
            b = b.config("spark.executorEnv.GRAFT_HOME", GraftHome.root().toAbsolutePath().toString())
                    .config("spark.executor.extraClassPath", driverClassPath());   // Graft's jars, at the same paths on every machine
            executorOptions = ("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -DDJL_CACHE_DIR=" + System.getProperty("DJL_CACHE_DIR") + " "
                    + executorOptions).strip();
        }
        for (Map.Entry<String, String> e : conf.entrySet()) {
            b = b.config(e.getKey(), e.getValue());
        }
        if (!executorOptions.isEmpty()) {
            b = b.config("spark.executor.extraJavaOptions", executorOptions);
        }
        return SparkErrors.run(b::getOrCreate);
    }

    /**
     * This JVM's class path as a list of files, with the {@code Class-Path} of its jars' manifests expanded
     * ({@code java -jar graft.jar} names only graft.jar; its manifest names lib/...).
     */
    static String driverClassPath() {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            out.add(p.toString());
            if (entry.endsWith(".jar") && java.nio.file.Files.isRegularFile(p)) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(p.toFile())) {
                    java.util.jar.Manifest mf = jar.getManifest();
                    String cp = mf == null ? null : mf.getMainAttributes().getValue("Class-Path");
                    if (cp != null) {
                        for (String rel : cp.trim().split("\\s+")) {
                            out.add(p.getParent().resolve(rel).normalize().toString());
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new GraftException("cannot read " + p + ": " + e.getMessage(), "check the class path", e);
                }
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    private static void quiet(String logger, String level) {
        String key = "org.slf4j.simpleLogger.log." + logger;
        if (System.getProperty(key) == null) {
            System.setProperty(key, level);
        }
    }

    /** {@link #embed(Dataset, String, Options)} of the {@code text} column, {@link #DEFAULT_BATCH_SIZE} texts a batch. */
    public static Dataset<Row> embed(Dataset<Row> df, String model) {
        return embed(df, model, new Options(Columns.TEXT, DEFAULT_BATCH_SIZE));
    }

    /**
     * The rows of {@code df} with an {@code embedding} column (array of float, unit length): the text model
     * {@code model} ({@link TextEncoder#open}: all-MiniLM-L6-v2, a folder, {@code hf-hub:org/name}) applied to the
     * string column {@code options.column()}.
     */
    public static Dataset<Row> embed(Dataset<Row> df, String model, Options options) {
        int col = Columns.requireString(df.schema(), options.column(), "the texts to embed");
        StructType out = without(df.schema(), List.of()).add(Columns.EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        return df.mapPartitions(new Embed(model, col, options.batchSize()), Encoders.row(out));
    }

    /** {@link #featurize(Dataset, String, Options)} of the {@code pixels} or {@code image} column. */
    public static Dataset<Row> featurize(Dataset<Row> df, String model) {
        return featurize(df, model, new Options(null, DEFAULT_BATCH_SIZE));
    }

    /**
     * The rows of {@code df} with a {@code features} column (the pooled pre-logits features, what the {@code head}
     * strategy trains on) in place of the pixels: the image model {@code model} (a run folder, a source such as
     * {@code hf-hub:org/name}, or a zoo name {@code arch.tag}) applied to the images. Images are a
     * {@code pixels} column (array of numbers in [0, 1], with {@code channels}, {@code height}, {@code width}) or,
     * without one, the image files named by the {@code image} column ({@code options.column()} names another).
     */
    public static Dataset<Row> featurize(Dataset<Row> df, String model, Options options) {
        return images(df, model, options, false);
    }

    /** {@link #predict(Dataset, String, Options)} of the {@code pixels} or {@code image} column. */
    public static Dataset<Row> predict(Dataset<Row> df, String model) {
        return predict(df, model, new Options(null, DEFAULT_BATCH_SIZE));
    }

    /**
     * The rows of {@code df} with the classifier's top label {@code prediction} (its name, or its index when the
     * model has no label names), {@code prediction_index} and {@code probability}, in place of the pixels; the
     * model and images as in {@link #featurize(Dataset, String, Options)}.
     */
    public static Dataset<Row> predict(Dataset<Row> df, String model, Options options) {
        return images(df, model, options, true);
    }

    private static Dataset<Row> images(Dataset<Row> df, String model, Options options, boolean predict) {
        StructType in = df.schema();
        boolean pixels = options.column() == null ? Arrays.asList(in.fieldNames()).contains(Columns.PIXELS) : options.column().equals(Columns.PIXELS);
        int[] cols;
        List<String> dropped;
        if (pixels) {
            cols = new int[] {Columns.requireNumberArray(in, Columns.PIXELS, "image pixels in [0, 1]"),
                Columns.requireInt(in, Columns.CHANNELS, "channels of each image"),
                Columns.requireInt(in, Columns.HEIGHT, "height of each image"),
                Columns.requireInt(in, Columns.WIDTH, "width of each image")};
            dropped = List.of(Columns.PIXELS);
        } else {
            String c = options.column() == null ? Columns.IMAGE : options.column();
            cols = new int[] {Columns.requireString(in, c, "paths of image files")};
            dropped = List.of();
        }
        StructType out = without(in, dropped);
        if (predict) {
            out = out.add(Columns.PREDICTION, DataTypes.StringType, false).add(Columns.PREDICTION_INDEX, DataTypes.IntegerType, false)
                    .add(Columns.PROBABILITY, DataTypes.DoubleType, false);
        } else {
            out = out.add(Columns.FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        }
        int[] keep = keptIndices(in, dropped);
        return df.mapPartitions(new Images(model, cols, keep, options.batchSize(), predict), Encoders.row(out));
    }

    private static StructType without(StructType schema, List<String> names) {
        List<StructField> fields = new ArrayList<>();
        for (StructField f : schema.fields()) {
            if (!names.contains(f.name())) {
                fields.add(f);
            }
        }
        return new StructType(fields.toArray(new StructField[0]));
    }

    private static int[] keptIndices(StructType schema, List<String> dropped) {
        return java.util.stream.IntStream.range(0, schema.size()).filter(i -> !dropped.contains(schema.fields()[i].name())).toArray();
    }

    /** {@code keep} of the row's values, then {@code extra}. */
    static Row extend(Row r, int[] keep, Object... extra) {
        Object[] v = new Object[keep.length + extra.length];
        for (int i = 0; i < keep.length; i++) {
            v[i] = r.get(keep[i]);
        }
        System.arraycopy(extra, 0, v, keep.length, extra.length);
        return RowFactory.create(v);
    }

    /** The rows of {@code in} in batches of {@code size}, each mapped by {@code f} as it is reached. */
    static Iterator<Row> batched(Iterator<Row> in, int size, Function<List<Row>, List<Row>> f) {
        return new Iterator<>() {
            private Iterator<Row> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && in.hasNext()) {
                    List<Row> b = new ArrayList<>(size);
                    while (b.size() < size && in.hasNext()) {
                        b.add(in.next());
                    }
                    current = f.apply(b).iterator();
                }
                return current.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /** One partition of {@link #embed}. */
    private record Embed(String model, int column, int batchSize) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            TextEncoder enc = ExecutorModels.text(model);
            return batched(rows, batchSize, batch -> {
                List<String> texts = new ArrayList<>(batch.size());
                for (Row r : batch) {
                    if (r.isNullAt(column)) {
                        throw new GraftException("a row has no text (null)", "drop or fill the rows without text");
                    }
                    texts.add(r.getString(column));
                }
                float[][] v;
                synchronized (enc) {
                    v = enc.embed(texts);
                }
                int[] keep = java.util.stream.IntStream.range(0, batch.isEmpty() ? 0 : batch.get(0).size()).toArray();
                List<Row> out = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    out.add(extend(batch.get(i), keep, (Object) v[i]));
                }
                return out;
            });
        }
    }

    /** One partition of {@link #featurize} or {@link #predict}. */
    private record Images(String model, int[] columns, int[] keep, int batchSize, boolean predict) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            GraftModel m = ExecutorModels.image(model);
            return batched(rows, batchSize, batch -> {
                Pixels[] px = new Pixels[batch.size()];
                for (int i = 0; i < px.length; i++) {
                    px[i] = pixels(batch.get(i), m);
                }
                // images of one size go through the model together (a file column may mix sizes)
                Map<String, List<Integer>> bySize = new LinkedHashMap<>();
                for (int i = 0; i < px.length; i++) {
                    bySize.computeIfAbsent(px[i].channels() + "x" + px[i].height() + "x" + px[i].width(), k -> new ArrayList<>()).add(i);
                }
                Object[][] extra = new Object[px.length][];
                for (List<Integer> idx : bySize.values()) {
                    Pixels first = px[idx.get(0)];
                    int per = first.values().length;
                    float[] all = new float[per * idx.size()];
                    for (int k = 0; k < idx.size(); k++) {
                        System.arraycopy(px[idx.get(k)].values(), 0, all, k * per, per);
                    }
                    ImageData d = new ImageData("spark", List.of("?"), first.channels(), first.height(), first.width(), all, new int[idx.size()]);
                    TensorSet x = ModelInput.prepare(d, m.cfg());
                    TensorSet y;
                    synchronized (m) {
                        y = FeatureExtractor.quietly(m, x, idx.size(), !predict);
                    }
                    float[][] rowsOut = FeatureExtractor.rows(y);
                    for (int k = 0; k < idx.size(); k++) {
                        extra[idx.get(k)] = predict ? top(rowsOut[k], m.cfg().labelNames()) : new Object[] {rowsOut[k]};
                    }
                }
                List<Row> out = new ArrayList<>(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    out.add(extend(batch.get(i), keep, extra[i]));
                }
                return out;
            });
        }

        private Pixels pixels(Row r, GraftModel m) {
            if (columns.length == 1) {
                if (r.isNullAt(columns[0])) {
                    throw new GraftException("a row has no image path (null)", "drop or fill the rows without an image");
                }
                List<Integer> in = m.cfg().inputSize();
                Path file = Path.of(r.getString(columns[0]));
                // decoded no larger than the model needs, as graft predict does
                return in == null || in.size() != 3 ? ImageFiles.read(file) : ImageFiles.read(file, in.get(1), in.get(2));
            }
            if (r.isNullAt(columns[0])) {
                throw new GraftException("a row has no pixels (null)", "drop or fill the rows without an image");
            }
            List<Object> values = r.getList(columns[0]);
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) values.get(i)).floatValue();
            }
            int c = ((Number) r.get(columns[1])).intValue();
            int h = ((Number) r.get(columns[2])).intValue();
            int w = ((Number) r.get(columns[3])).intValue();
            if ((long) c * h * w != v.length) {
                throw new GraftException("a row has " + v.length + " pixel values for a " + c + "x" + h + "x" + w + " image",
                        "give channels x height x width values per row");
            }
            return new Pixels(c, h, w, v);
        }

        private static Object[] top(float[] logits, List<String> labels) {
            double[] p = Softmax.of(logits);
            int best = 0;
            for (int k = 1; k < p.length; k++) {
                if (p[k] > p[best]) {
                    best = k;
                }
            }
            return new Object[] {labels != null ? labels.get(best) : String.valueOf(best), best, p[best]};
        }
    }
}
