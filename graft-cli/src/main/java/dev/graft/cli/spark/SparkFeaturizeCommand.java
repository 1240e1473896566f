package dev.graft.cli.spark;

import dev.graft.cli.train.ExportedModelOption;
import dev.graft.spark.Columns;
import dev.graft.spark.GraftSpark;
import dev.graft.spark.SparkInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code graft spark featurize}: the backbone's pooled features of images, computed on Spark's executors. */
@Command(name = "featurize", description = "Pooled pre-logits features of images on Spark (what the head strategy trains on), written as Parquet or JSONL.")
public final class SparkFeaturizeCommand extends SparkVerb {
    @Mixin
    ExportedModelOption model;

    @Override
    Dataset<Row> transform(SparkSession spark, long seed) {
        return GraftSpark.featurize(job.shape(SparkInputs.images(spark, job.data, seed)), model.name(), job.options(null));
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
