package dev.graft.cli.spark;

import dev.graft.spark.Columns;
import dev.graft.spark.GraftSpark;
import dev.graft.spark.SparkInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft spark embed}: sentence vectors of a text column, computed on Spark's executors, as {@code graft embed} computes them. */
@Command(name = "embed", description = "Sentence vectors of texts on Spark (the same vectors as graft embed), written as Parquet or JSONL.")
public final class SparkEmbedCommand extends SparkVerb {
    @Option(names = "--model", defaultValue = GraftSpark.DEFAULT_TEXT_MODEL, paramLabel = "M",
            description = "Text model: all-MiniLM-L6-v2 (default), a model folder or hf-hub:org/name.")
    String model;

    @Override
    Dataset<Row> transform(SparkSession spark, long seed) {
        return GraftSpark.embed(job.shape(SparkInputs.texts(spark, job.data, seed)), model, job.options(Columns.TEXT));
    }

    @Override
    String model() {
        return model;
    }

    @Override
    String added() {
        return Columns.EMBEDDING;
    }
}
