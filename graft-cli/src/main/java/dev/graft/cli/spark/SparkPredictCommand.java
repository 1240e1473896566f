package dev.graft.cli.spark;

import dev.graft.cli.train.ExportedModelOption;
import dev.graft.spark.Columns;
import dev.graft.spark.SparkJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code graft spark predict}: the top label of each image, by an exported model, on Spark's executors. */
@Command(name = "predict", description = "Classify images on Spark with an exported model (as graft predict): top label and probability per row.")
public final class SparkPredictCommand extends SparkVerb {
    @Mixin
    ExportedModelOption model;

    @Override
    SparkJob.Transform transform() {
        return SparkJob.Transform.PREDICT;
    }

    @Override
    String model() {
        return model.name();
    }

    @Override
    String added() {
        return Columns.PREDICTION;
    }
}
