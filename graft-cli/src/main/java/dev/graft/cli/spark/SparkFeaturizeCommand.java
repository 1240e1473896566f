package dev.graft.cli.spark;

import dev.graft.cli.train.ExportedModelOption;
import dev.graft.spark.Columns;
import dev.graft.spark.SparkJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code graft spark featurize}: the backbone's pooled features of images, computed on Spark's executors. */
@Command(name = "featurize", description = "Pooled pre-logits features of images on Spark (what the head strategy trains on), written as Parquet or JSONL.")
public final class SparkFeaturizeCommand extends SparkVerb {
    @Mixin
    ExportedModelOption model;

    @Override
    SparkJob.Transform transform() {
        return SparkJob.Transform.FEATURIZE;
    }

    @Override
    String model() {
        return model.name();
    }

    @Override
    String added() {
        return Columns.FEATURES;
    }
}
