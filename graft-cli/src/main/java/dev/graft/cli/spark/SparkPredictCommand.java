package dev.graft.cli.spark;

import dev.graft.spark.Columns;
import dev.graft.spark.SparkJob;
import picocli.CommandLine.Command;

/** {@code graft spark predict}: the top label of each image, by an exported model, on Spark's executors. */
@Command(name = "predict", description = "Classify images on Spark with an exported model (as graft predict): top label and probability per row.")
public final class SparkPredictCommand extends ImageSparkVerb {
    public SparkPredictCommand() {
        super(SparkJob.Transform.PREDICT, Columns.PREDICTION);
    }
}
