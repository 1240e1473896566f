package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.train.RunDirectory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One run of a transform from input to output, what each {@code graft spark} verb does: a session on
 * {@code master}, the input ({@link SparkInputs}), its rows of {@code split} over {@code partitions}, the
 * transform, the result written ({@link SparkOutputs}), the session stopped, also on failure.
 *
 * <pre>{@code
 * SparkJob job = SparkJob.of("local[2]", "wordnet-topics-small");
 * SparkJob.Written w = job.write(SparkJob.Transform.EMBED, GraftSpark.DEFAULT_TEXT_MODEL, Path.of("vectors"), SparkOutputs.Format.JSONL, false);
 * }</pre>
 *
 * @param master Spark master URL
 * @param conf more Spark settings
 * @param data a Graft data set or a file or folder ({@link SparkInputs})
 * @param split only rows of this split (null: all)
 * @param partitions spread the input over this many partitions (0: as read)
 * @param column the input column (null: the transform's default)
 * @param batchSize rows per forward pass
 * @param seed seeds the splits of Graft data sets
 */
public record SparkJob(String master, Map<String, String> conf, String data, String split, int partitions, String column, int batchSize, long seed) {
    /** The transforms a job writes. */
    public enum Transform { EMBED, FEATURIZE, PREDICT }

    /**
     * What a job wrote.
     *
     * @param rows rows written
     * @param seconds wall time, session start to the last file
     */
    public record Written(long rows, double seconds) {}

    /** A job on {@code master} over all of {@code data} with the defaults: no extra settings, batches of {@link GraftSpark#DEFAULT_BATCH_SIZE}. */
    public static SparkJob of(String master, String data) {
        return new SparkJob(master, Map.of(), data, null, 0, null, GraftSpark.DEFAULT_BATCH_SIZE, dev.graft.train.TrainConfig.DEFAULT_SEED);
    }

    /** Runs {@code transform} with {@code model} and writes its rows into {@code out} ({@link SparkOutputs#write}). */
    public Written write(Transform transform, String model, Path out, SparkOutputs.Format format, boolean overwrite) {
        RunDirectory.claim(out, overwrite, null);   // before Spark starts
        long t0 = System.nanoTime();
        SparkSession spark = GraftSpark.session(master, conf);
        try {
            GraftSpark.Options o = new GraftSpark.Options(column == null && transform == Transform.EMBED ? Columns.TEXT : column, batchSize);
            Dataset<Row> result = switch (transform) {
                case EMBED -> GraftSpark.embed(input(SparkInputs.texts(spark, data, seed)), model, o);
                case FEATURIZE -> GraftSpark.featurize(input(SparkInputs.images(spark, data, seed)), model, o);
                case PREDICT -> GraftSpark.predict(input(SparkInputs.images(spark, data, seed)), model, o);
            };
            long rows = SparkOutputs.write(result, out, format, overwrite);
            return new Written(rows, (System.nanoTime() - t0) / 1e9);
        } finally {
            spark.stop();
        }
    }

    /** The linear probe ({@link SparkLinearProbe#fit}) on the features of {@code backbone} over the input images. */
    public SparkLinearProbe.Result probe(String backbone, double l2, Path out, boolean overwrite) {
        RunDirectory.claim(out, overwrite, null);
        SparkSession spark = GraftSpark.session(master, conf);
        try {
            Dataset<Row> feats = GraftSpark.featurize(input(SparkInputs.images(spark, data, seed)), backbone, new GraftSpark.Options(column, batchSize));
            return SparkLinearProbe.fit(feats, backbone, l2, out, overwrite);
        } finally {
            spark.stop();
        }
    }

    /** The rows of {@code split}, spread over {@code partitions}. */
    private Dataset<Row> input(Dataset<Row> in) {
        Dataset<Row> out = in;
        if (split != null) {
            if (!Arrays.asList(in.schema().fieldNames()).contains("split")) {
                throw new GraftException("--split " + split + " but the input has no split column", "leave --split out for files");
            }
            out = out.where(org.apache.spark.sql.functions.col("split").equalTo(split));
        }
        return partitions > 0 ? out.repartition(partitions) : out;
    }
}
