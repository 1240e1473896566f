package dev.graft.cli.spark;

import dev.graft.cli.PrintingVerb;
import dev.graft.spark.SparkJob;
import dev.graft.spark.SparkOutputs;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;

/** A {@code graft spark} verb that writes rows: its transform as a {@link SparkJob}, and one line (or JSON) on what it wrote. */
abstract class SparkVerb extends PrintingVerb {
    @Mixin
    SparkJobOptions job;

    @Mixin
    SparkJobOptions.Output output;

    private final SparkJob.Transform transform;
    private final String added;

    /** A verb running {@code transform}, which adds the column {@code added} (named in the result line). */
    SparkVerb(SparkJob.Transform transform, String added) {
        this.transform = transform;
        this.added = added;
    }

    /** The model it runs. */
    abstract String model();

    @Override
    public Integer call() {
        SparkOutputs.Format format = output.format();
        SparkJob.Written w = job.job().write(transform, model(), output.out, format, output.overwrite.overwrite);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rows", w.rows());
        json.put("out", output.out.toString());
        json.put("format", format.toString());
        json.put("model", model());
        json.put("column", added);
        json.put("master", job.master);
        json.put("seconds", w.seconds());
        printResult(json, String.format(Locale.ROOT, "wrote %d rows with %s (%s) to %s as %s in %.1f s on %s",
                w.rows(), added, model(), output.out, format, w.seconds(), job.master));
        return 0;
    }
}
