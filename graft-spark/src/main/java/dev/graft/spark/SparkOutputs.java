package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.train.RunDirectory;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Writes a transform's result as a folder of Parquet or JSON-lines part files (Spark's layout: one file per
 * partition), running the transform on the executors.
 *
 * <pre>{@code
 * long rows = SparkOutputs.write(GraftSpark.embed(df, "all-MiniLM-L6-v2"), Path.of("vectors"), SparkOutputs.Format.PARQUET, false);
 * }</pre>
 */
public final class SparkOutputs {
    /** What {@code --format} takes. */
    public enum Format {
        PARQUET("parquet"), JSONL("json");

        private final String sparkName;

        Format(String sparkName) {
            this.sparkName = sparkName;
        }

        /** The format {@code --format} takes: {@code parquet} or {@code jsonl}. */
        public static Format parse(String s) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(s)) {
                    return f;
                }
            }
            throw new GraftException("unknown output format '" + s + "'", "use parquet or jsonl");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The format when none is given. */
    public static final Format DEFAULT_FORMAT = Format.PARQUET;

    private SparkOutputs() {}

    /**
     * Writes {@code df} into the folder {@code out}; a folder with files in it is an error unless {@code overwrite} ({@link RunDirectory#claim}).
     *
     * @return the number of rows written
     */
    public static long write(Dataset<Row> df, Path out, Format format, boolean overwrite) {
        RunDirectory.claim(out, overwrite, null);   // Graft's rule for output folders: a non-empty one only with overwrite
        String where = out.toAbsolutePath().toString();
        return SparkErrors.run(() -> {
            df.write().mode(SaveMode.Overwrite).format(format.sparkName).save(where);
            return df.sparkSession().read().format(format.sparkName).load(where).count();
        });
    }
}
