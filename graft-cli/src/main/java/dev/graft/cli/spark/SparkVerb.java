package dev.graft.cli.spark;

import dev.graft.cli.Globals;
import dev.graft.cli.PrintingVerb;
import dev.graft.spark.SparkOutputs;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/**
 * A {@code graft spark} verb that writes rows: it starts a Spark session on {@code --master}, builds its
 * transform, writes the result to {@code --out} and stops the session, also on failure.
 */
abstract class SparkVerb extends PrintingVerb {
    @Mixin
    SparkJobOptions job;

    @Mixin
    SparkJobOptions.Output output;

    /** The transform of the input this verb writes. */
    abstract Dataset<Row> transform(SparkSession spark, long seed);

    /** The model it runs, for the result line. */
    abstract String model();

    /** The column it adds, for the result line. */
    abstract String added();

    @Override
    public Integer call() {
        SparkOutputs.Format format = output.format();
        dev.graft.train.RunDirectory.claim(output.out, output.overwrite.overwrite, null);   // before Spark starts
        long t0 = System.nanoTime();
        SparkSession spark = job.session();
        try {
            long rows = SparkOutputs.write(transform(spark, Globals.seed), output.out, format, output.overwrite.overwrite);
            double secs = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("rows", rows);
            json.put("out", output.out.toString());
            json.put("format", format.toString());
            json.put("model", model());
            json.put("column", added());
            json.put("master", job.master);
            json.put("seconds", secs);
            printResult(json, String.format(Locale.ROOT, "wrote %d rows with %s (%s) to %s as %s in %.1f s on %s",
                    rows, added(), model(), output.out, format, secs, job.master));
        } finally {
            spark.stop();
        }
        return 0;
    }
}
