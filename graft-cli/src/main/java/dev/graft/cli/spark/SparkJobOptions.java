package dev.graft.cli.spark;

import dev.graft.cli.Globals;
import dev.graft.spark.GraftSpark;
import dev.graft.spark.SparkJob;
import dev.graft.spark.SparkOutputs;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What every {@code graft spark} verb takes: where Spark runs, the input, how it is batched and where the
 * result goes (a picocli mixin). The defaults are graft-spark's. No Spark type appears in the verbs' classes,
 * so picocli's look at them loads none of Spark's jars, and the other verbs start as fast as before.
 */
public final class SparkJobOptions {
    @Option(names = "--master", defaultValue = GraftSpark.DEFAULT_MASTER, paramLabel = "URL",
            description = "Spark master: local[N] (N task threads in this JVM), spark://HOST:PORT (a standalone cluster) (default: ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, e.g. spark.executor.memory=2g (repeatable).")
    java.util.Map<String, String> conf = new java.util.LinkedHashMap<>();

    @Option(names = "--data", required = true, paramLabel = "D",
            description = "A Graft data set (graft data list; folder:DIR, hf-hub:datasets/...) or a Parquet, CSV or JSONL file or folder.")
    String data;

    @Option(names = "--split", paramLabel = "S", description = "Only the rows of this split (train, validation, test) of a Graft data set.")
    String split;

    @Option(names = "--column", paramLabel = "C", description = "The input column (default: text for texts, pixels or image for images).")
    String column;

    @Option(names = "--batch-size", defaultValue = "" + GraftSpark.DEFAULT_BATCH_SIZE, paramLabel = "N",
            description = "Rows per forward pass in an executor (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--partitions", defaultValue = "0", paramLabel = "N", description = "Spread the input over N partitions (default: as read).")
    int partitions;

    /** The job these options describe, for a verb's transform. */
    SparkJob job() {
        return new SparkJob(master, conf, data, split, partitions, column, batchSize, Globals.seed);
    }

    /** The output folder and format of the verbs that write rows (a picocli mixin). */
    public static final class Output {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (Spark's part files).")
        Path out;

        @Option(names = "--format", paramLabel = "F", description = "parquet (default) or jsonl.")
        String format;

        @picocli.CommandLine.Mixin
        dev.graft.cli.OverwriteOption overwrite;

        SparkOutputs.Format format() {
            return format == null ? SparkOutputs.DEFAULT_FORMAT : SparkOutputs.Format.parse(format);
        }
    }
}
