package dev.graft.cli.spark;

import dev.graft.cli.OverwriteOption;
import dev.graft.cli.PrintingVerb;
import dev.graft.cli.train.ExportedModelOption;
import dev.graft.spark.SparkLinearProbe;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code graft spark probe}: the {@code head} strategy at scale. Features computed on Spark train a linear
 * classifier with MLlib; the backbone and that classifier are exported as a model {@code graft predict} runs.
 */
@Command(name = "probe", description = "Linear probe on Spark: backbone features on the executors, MLlib LogisticRegression, exported as a Graft model.")
public final class SparkProbeCommand extends PrintingVerb {
    @Mixin
    SparkJobOptions job;

    @Mixin
    ExportedModelOption model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder of the exported model (model.safetensors, config.json, README.md).")
    Path out;

    @Option(names = "--l2", defaultValue = "" + SparkLinearProbe.DEFAULT_L2, paramLabel = "X",
            description = "L2 penalty of the classifier weights (default: ${DEFAULT-VALUE}).")
    double l2;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        SparkLinearProbe.Result r = job.job().probe(model.name(), l2, out, overwrite.overwrite);
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("out", out.toString());
        json.put("classes", r.classNames());
        json.put("train_rows", r.trainRows());
        json.put("train_top1", r.trainTop1());
        json.put("l2", l2);
        json.put("iterations", r.solution().iterations());
        json.put("seconds", secs);
        printResult(json, String.format(Locale.ROOT, "exported %s: %s + linear head over %d classes, fitted on %d rows (training top-1 %.4f, %d iterations) in %.1f s",
                out, model.name(), r.classNames().size(), r.trainRows(), r.trainTop1(), r.solution().iterations(), secs));
        return 0;
    }
}
