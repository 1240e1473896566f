package dev.graft.cli.spark;

import dev.graft.spark.Columns;
import dev.graft.spark.SparkJob;
import picocli.CommandLine.Command;

/** {@code graft spark featurize}: the backbone's pooled features of images, computed on Spark's executors. */
@Command(name = "featurize", description = "Pooled pre-logits features of images on Spark (what the head strategy trains on), written as Parquet or JSONL.")
public final class SparkFeaturizeCommand extends ImageSparkVerb {
    public SparkFeaturizeCommand() {
        super(SparkJob.Transform.FEATURIZE, Columns.FEATURES);
    }
}
