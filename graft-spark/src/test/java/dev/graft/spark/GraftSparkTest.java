package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.text.TextEncoder;
import dev.graft.train.FeatureExtractor;
import dev.graft.train.LinearProbe;
import dev.graft.train.ModelInput;
import dev.graft.train.ZooModels;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.bert.TinyBert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graft's transforms on {@code local[2]} give what one machine gives, loading each model once per JVM. */
class GraftSparkTest {
    static SparkSession spark;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = GraftSpark.session("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Dataset<Row> textFrame(List<String> texts, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i)));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add(Columns.TEXT, DataTypes.StringType);
        return spark.createDataFrame(rows, schema).repartition(partitions);
    }

    @Test
    void embeddingsEqualOneMachineAndTheModelLoadsOncePerJvm() throws Exception {
        Path model = TinyBert.folder(tmp.resolve("tiny-bert"), 3);
        List<String> texts = SparkFixtures.texts(50);
        float[][] expected;
        try (TextEncoder enc = TextEncoder.load(model, null)) {
            expected = enc.embed(texts);
        }
        // 4 partitions over 2 task threads, batches of 8 that cut across the sorted-by-length order one machine uses
        List<Row> got = SparkErrors.run(() -> GraftSpark.embed(textFrame(texts, 4), model.toString(), new GraftSpark.Options(Columns.TEXT, 8))
                .collectAsList());
        assertEquals(texts.size(), got.size());
        for (Row r : got) {
            int id = r.getInt(0);
            assertEquals(texts.get(id), r.getString(1));
            float[] v = SparkFixtures.floats(r.getList(2));
            assertEquals(expected[id].length, v.length);
            double cos = SparkFixtures.cosine(expected[id], v);
            assertTrue(cos >= 0.9999, "row " + id + ": cosine " + cos);
        }
        assertEquals(1, ExecutorModels.loads(ExecutorModels.textKey(model.toString())), "local[2]: one JVM, one load for 4 partitions");
        // a second job in the same JVM reuses it
        SparkErrors.run(() -> GraftSpark.embed(textFrame(texts.subList(0, 6), 2), model.toString()).count());
        assertEquals(1, ExecutorModels.loads(ExecutorModels.textKey(model.toString())));
    }

    @Test
    void featuresAndPredictionsEqualOneMachine() {
        Path model = SparkFixtures.smallCnn(tmp.resolve("cnn"), 2, 1);
        ImageData data = SparkFixtures.images("pics", 24, 7);
        GraftModel m = ZooModels.open(model.toString());
        float[][] feats = FeatureExtractor.rows(FeatureExtractor.features(m, ModelInput.prepare(data, m.cfg()), 8));
        float[][] logits = FeatureExtractor.rows(FeatureExtractor.logits(m, ModelInput.prepare(data, m.cfg()), 8));

        Dataset<Row> df = SparkInputs.images(spark, List.of("train"), List.of(data)).repartition(3);
        List<Row> f = SparkErrors.run(() -> GraftSpark.featurize(df, model.toString(), new GraftSpark.Options(null, 5)).collectAsList());
        assertEquals(24, f.size());
        assertFalse(f.get(0).schema().getFieldIndex(Columns.PIXELS).isDefined(), "features replace the pixels");
        for (Row r : f) {
            int i = r.getInt(r.fieldIndex("index"));
            double cos = SparkFixtures.cosine(feats[i], SparkFixtures.floats(r.getList(r.fieldIndex(Columns.FEATURES))));
            assertTrue(cos >= 0.9999, "image " + i + ": cosine " + cos);
        }
        List<Row> p = SparkErrors.run(() -> GraftSpark.predict(df, model.toString()).collectAsList());
        for (Row r : p) {
            int i = r.getInt(r.fieldIndex("index"));
            int best = logits[i][0] >= logits[i][1] ? 0 : 1;
            assertEquals(best, r.getInt(r.fieldIndex(Columns.PREDICTION_INDEX)), "image " + i);
            assertEquals(String.valueOf(best), r.getString(r.fieldIndex(Columns.PREDICTION)), "no label names: the index");
            double pr = r.getDouble(r.fieldIndex(Columns.PROBABILITY));
            assertTrue(pr >= 0.5 && pr <= 1, "top of two: " + pr);
        }
        assertEquals(1, ExecutorModels.loads(ExecutorModels.imageKey(model.toString())));
    }

    /** A penalty that converges in few iterations (each one a Spark job): the test is about equality, not accuracy. */
    private static final double L2 = 0.1;

    @Test
    void theMllibProbeExportsAModelThatPredictsLikeGraftsOwnProbe() {
        Path backbone = SparkFixtures.smallCnn(tmp.resolve("probe-backbone"), 2, 3);
        ImageData train = SparkFixtures.images("pics", 60, 11);
        ImageData test = SparkFixtures.images("pics", 40, 12);
        Dataset<Row> feats = GraftSpark.featurize(SparkInputs.images(spark, List.of("train"), List.of(train)).repartition(2), backbone.toString());
        Path out = tmp.resolve("probe-model");
        SparkLinearProbe.Result r = SparkLinearProbe.fit(feats, backbone.toString(), L2, out, false);
        assertEquals(List.of("left", "right"), r.classNames());
        assertEquals(60, r.trainRows());

        // one machine, graft predict's code: the exported folder, its labels, the test images
        GraftModel exported = ZooModels.open(out.toString());
        assertEquals(List.of("left", "right"), exported.cfg().labelNames());
        float[][] spark = FeatureExtractor.rows(FeatureExtractor.logits(exported, ModelInput.prepare(test, exported.cfg()), 16));

        // Graft's own probe at the same penalty on the same backbone's features
        GraftModel own = ZooModels.open(backbone.toString());
        LinearProbe.Solution s = LinearProbe.fit(FeatureExtractor.features(own, ModelInput.prepare(train, own.cfg()), 16), L2, true);
        LinearProbe.writeInto(own, s);
        float[][] graft = FeatureExtractor.rows(FeatureExtractor.logits(own, ModelInput.prepare(test, own.cfg()), 16));

        int sparkRight = 0;
        int graftRight = 0;
        int same = 0;
        for (int i = 0; i < test.size(); i++) {
            int a = spark[i][0] >= spark[i][1] ? 0 : 1;
            int b = graft[i][0] >= graft[i][1] ? 0 : 1;
            sparkRight += a == test.labels()[i] ? 1 : 0;
            graftRight += b == test.labels()[i] ? 1 : 0;
            same += a == b ? 1 : 0;
        }
        assertTrue(graftRight >= 30, "the features separate the classes: " + graftRight + "/40");
        assertTrue(Math.abs(sparkRight - graftRight) <= 2, "MLlib " + sparkRight + "/40, Graft " + graftRight + "/40");
        assertTrue(same >= 38, "the same objective, nearly the same classifier: " + same + "/40 agree");
    }

    @Test
    void aFileInputIsReadBySpark() throws Exception {
        Path model = TinyBert.folder(tmp.resolve("tiny-bert-file"), 4);
        Path jsonl = tmp.resolve("texts.jsonl");
        Files.writeString(jsonl, "{\"text\": \"a cat\", \"label\": \"animal\"}\n{\"text\": \"a bank\", \"label\": \"place\"}\n");
        List<Row> rows = SparkErrors.run(() -> GraftSpark.embed(SparkInputs.texts(spark, jsonl.toString(), 42), model.toString()).collectAsList());
        assertEquals(2, rows.size());
        try (TextEncoder enc = TextEncoder.load(model, null)) {
            float[][] v = enc.embed(List.of("a cat", "a bank"));
            for (Row r : rows) {
                int i = r.getString(r.fieldIndex(Columns.TEXT)).equals("a cat") ? 0 : 1;
                assertTrue(SparkFixtures.cosine(v[i], SparkFixtures.floats(r.getList(r.fieldIndex(Columns.EMBEDDING)))) >= 0.9999);
            }
        }
    }

    @Test
    void badInputIsOneClearLine() {
        GraftException missing = assertThrows(GraftException.class, () -> SparkInputs.texts(spark, tmp.resolve("nope.parquet").toString(), 42));
        assertTrue(missing.getMessage().contains("does not exist") && missing.getMessage().contains("nope.parquet"), missing.getMessage());
        assertTrue(missing.fix().contains("Parquet"), missing.fix());

        List<Row> ints = List.of(RowFactory.create(1), RowFactory.create(2));
        Dataset<Row> wrong = spark.createDataFrame(ints, new StructType().add(Columns.TEXT, DataTypes.IntegerType));
        GraftException type = assertThrows(GraftException.class, () -> GraftSpark.embed(wrong, "any"));
        assertEquals("column 'text' is int, not strings (the texts to embed)", type.getMessage());

        Path nowhere = tmp.resolve("no-such-model");
        GraftException load = assertThrows(GraftException.class,
                () -> SparkErrors.run(() -> GraftSpark.embed(textFrame(List.of("a", "b"), 2), nowhere.toString()).count()));
        assertTrue(load.getMessage().startsWith("model " + nowhere + " does not load in the executor "), load.getMessage());
        assertTrue(load.getMessage().contains("unknown text model"), load.getMessage());
        assertFalse(load.getMessage().contains("\n"), "one line: " + load.getMessage());
    }
}
