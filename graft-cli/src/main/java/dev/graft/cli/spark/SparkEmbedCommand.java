package dev.graft.cli.spark;

import dev.graft.spark.Columns;
import dev.graft.spark.SparkJob;
import dev.graft.spark.GraftSpark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft spark embed}: sentence vectors of a text column, computed on Spark's executors, as {@code graft embed} computes them. */
@Command(name = "embed", description = "Sentence vectors of texts on Spark (the same vectors as graft embed), written as Parquet or JSONL.")
public final class SparkEmbedCommand extends SparkVerb {
    @Option(names = "--model", defaultValue = GraftSpark.DEFAULT_TEXT_MODEL, paramLabel = "M",
            description = "Text model: all-MiniLM-L6-v2 (default), a model folder or hf-hub:org/name.")
    String model;

    public SparkEmbedCommand() {
        super(SparkJob.Transform.EMBED, Columns.EMBEDDING);
    }

    @Override
    String model() {
        return model;
    }
}
