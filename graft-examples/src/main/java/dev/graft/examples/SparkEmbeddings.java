package dev.graft.examples;

import dev.graft.spark.GraftSpark;
import dev.graft.spark.SparkErrors;
import dev.graft.spark.SparkInputs;
import dev.graft.spark.SparkOutputs;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Sentence vectors on Spark ({@code docs/spark.md}): the validation split of wordnet-topics-small embedded by
 * MiniLM on {@code local[2]}, one model load for both task threads, written as Parquet. Usage:
 * {@code SparkEmbeddings [OUT_DIR]}; Java 17 needs Spark's {@code --add-opens} flags (graft.jar's manifest has them).
 */
public final class SparkEmbeddings {
    private SparkEmbeddings() {}

    public static void main(String[] args) {
        Path out = Examples.outDir(args, "spark-embeddings");
        // example:begin embed
        SparkSession spark = GraftSpark.session("local[2]");
        Dataset<Row> texts = SparkInputs.texts(spark, "wordnet-topics-small", 42);     // split, index, text, label, label_index
        Dataset<Row> v = GraftSpark.embed(texts, GraftSpark.DEFAULT_TEXT_MODEL);        // + embedding
        long rows = SparkOutputs.write(v, out, SparkOutputs.Format.PARQUET, false);
        // example:end embed
        spark.stop();
        System.out.println(rows + " sentence vectors in " + out + "; " + SparkErrors.class.getSimpleName() + " turns a failed action into one line");
    }
}
