package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.text.TextData;
import dev.graft.text.TextDatasets;
import dev.graft.text.TextSplits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The input of Graft's Spark transforms as a DataFrame: a Parquet, CSV (with a header) or JSONL file or folder,
 * read by Spark itself; or any Graft data set name ({@code mnist}, {@code folder:DIR}, {@code hf-hub:datasets/...}
 * for images; {@code wordnet-topics-small}, {@code hf-hub:datasets/...} for texts), loaded on the driver as
 * Graft loads it and spread over the executors, one row per sample with its split, index and label.
 *
 * <pre>{@code
 * Dataset<Row> texts = SparkInputs.texts(spark, "wordnet-topics-small", 42);   // split, index, text, label, label_index
 * Dataset<Row> images = SparkInputs.images(spark, "mnist", 42);               // split, index, label, label_index, channels, height, width, pixels
 * Dataset<Row> mine = SparkInputs.texts(spark, "reviews.parquet", 42);         // the file's own columns
 * }</pre>
 */
public final class SparkInputs {
    /** The file formats Spark reads here, by extension. */
    public enum Format {
        PARQUET("parquet"), CSV("csv"), JSONL("json");

        private final String sparkName;

        Format(String sparkName) {
            this.sparkName = sparkName;
        }

        /** The format's name in Spark's reader and writer. */
        public String sparkName() {
            return sparkName;
        }
    }

    private SparkInputs() {}

    /** Texts: a file (column {@code text}) or a Graft text data set. */
    public static Dataset<Row> texts(SparkSession spark, String data, long seed) {
        Format f = fileFormat(data);
        if (f != null) {
            return read(spark, Path.of(data), f);
        }
        TextSplits s = TextDatasets.load(data, seed);
        List<Row> rows = new ArrayList<>();
        addTexts(rows, "train", s.train());
        addTexts(rows, "validation", s.validation());
        addTexts(rows, "test", s.test());
        StructType schema = new StructType()
                .add("split", DataTypes.StringType, false).add("index", DataTypes.IntegerType, false)
                .add(Columns.TEXT, DataTypes.StringType, false).add(Columns.LABEL, DataTypes.StringType, false)
                .add(Columns.LABEL_INDEX, DataTypes.IntegerType, false);
        return spark.createDataFrame(rows, schema);
    }

    /** Images: a file (columns {@code pixels} with {@code channels}, {@code height}, {@code width}, or {@code image} paths) or a Graft image data set. */
    public static Dataset<Row> images(SparkSession spark, String data, long seed) {
        Format f = fileFormat(data);
        if (f != null) {
            return read(spark, Path.of(data), f);
        }
        DatasetSource source = Datasets.source(data);
        source.fetch();
        DataSplits s = source.load(seed, 0.0);
        return images(spark, List.of("train", "test"), List.of(s.train(), s.test()));
    }

    /** Images held in memory as rows, split by split (the names go in the {@code split} column). */
    public static Dataset<Row> images(SparkSession spark, List<String> splitNames, List<ImageData> splits) {
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < splits.size(); k++) {
            ImageData d = splits.get(k);
            for (int i = 0; i < d.size(); i++) {
                int y = d.labels()[i];
                rows.add(RowFactory.create(splitNames.get(k), i, d.classNames().get(y), y, d.channels(), d.height(), d.width(), d.image(i)));
            }
        }
        StructType schema = new StructType()
                .add("split", DataTypes.StringType, false).add("index", DataTypes.IntegerType, false)
                .add(Columns.LABEL, DataTypes.StringType, false).add(Columns.LABEL_INDEX, DataTypes.IntegerType, false)
                .add(Columns.CHANNELS, DataTypes.IntegerType, false).add(Columns.HEIGHT, DataTypes.IntegerType, false)
                .add(Columns.WIDTH, DataTypes.IntegerType, false)
                .add(Columns.PIXELS, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        return spark.createDataFrame(rows, schema);
    }

    private static void addTexts(List<Row> rows, String split, TextData d) {
        if (d == null) {
            return;
        }
        for (int i = 0; i < d.size(); i++) {
            rows.add(RowFactory.create(split, i, d.text(i), d.classNames().get(d.label(i)), d.label(i)));
        }
    }

    /**
     * The format of {@code data} when it names a file or folder Spark reads ({@code .parquet}, {@code .csv},
     * {@code .jsonl}/{@code .json}, or a folder of such files), null when it is a Graft data set name; an
     * error when it looks like a path that does not exist.
     */
    public static Format fileFormat(String data) {
        Format byName = byExtension(data);
        if (data.matches("^[a-zA-Z][a-zA-Z0-9-]+:.*") && !data.matches("^[a-zA-Z]:[\\\\/].*")) {
            return null;   // folder:, csv:, idx:, hf-hub: ... : a Graft data set spec
        }
        Path p = Path.of(data);
        if (Files.isRegularFile(p)) {
            return byName;   // a file of another kind: a Graft data set (or its error) decides
        }
        if (Files.isDirectory(p)) {
            Format inside = folderFormat(p);
            if (inside == null) {
                throw new GraftException("folder " + data + " holds no .parquet, .csv, .json or .jsonl files",
                        "give a folder Spark wrote, a file, or a Graft data set spec such as folder:" + data + " for images in class folders");
            }
            return inside;
        }
        if (byName != null || data.contains("/") || data.contains(java.io.File.separator)) {
            throw new GraftException("input path " + data + " does not exist",
                    "give an existing Parquet, CSV or JSONL file or folder, or a Graft data set name (graft data list)");
        }
        return null;
    }

    private static Format byExtension(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".parquet")) {
            return Format.PARQUET;
        }
        if (n.endsWith(".csv")) {
            return Format.CSV;
        }
        if (n.endsWith(".jsonl") || n.endsWith(".json")) {
            return Format.JSONL;
        }
        return null;
    }

    private static Format folderFormat(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> byExtension(f.getFileName().toString())).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        } catch (IOException e) {
            throw new GraftException("cannot list " + dir + ": " + e.getMessage(), "check the folder is readable", e);
        }
    }

    /** Reads a file or folder of {@code format} with Spark (CSV: with a header, types inferred). */
    public static Dataset<Row> read(SparkSession spark, Path path, Format format) {
        if (!Files.exists(path)) {
            throw new GraftException("input path " + path + " does not exist",
                    "give an existing Parquet, CSV or JSONL file or folder, or a Graft data set name (graft data list)");
        }
        return SparkErrors.run(() -> {
            var reader = spark.read().format(format.sparkName());
            if (format == Format.CSV) {
                reader = reader.option("header", "true").option("inferSchema", "true");
            }
            return reader.load(path.toAbsolutePath().toString());
        });
    }
}
