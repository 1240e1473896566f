package dev.graft.cli.spark;

import dev.graft.cli.VerbGroup;
import picocli.CommandLine.Command;

/** {@code graft spark}: Graft models inside Spark executors, over data sets too large for one machine. */
@Command(
        name = "spark",
        mixinStandardHelpOptions = true,
        description = "Run Graft models on Apache Spark (local[N] or a cluster): embeddings, features, predictions, the linear probe.",
        subcommands = {
            SparkEmbedCommand.class,
            SparkFeaturizeCommand.class,
            SparkPredictCommand.class,
            SparkProbeCommand.class,
        })
public final class SparkCommand extends VerbGroup {}
