package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.text.TextEncoder;
import dev.graft.zoo.bert.TinyBert;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone cluster on loopback, from the Spark jars: a Master and two Workers of one core each, in child
 * JVMs; each Worker starts an executor JVM of its own. Embeddings equal one machine's, and each executor
 * JVM loads the model once.
 */
class StandaloneClusterTest {
    @TempDir
    Path tmp;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopCluster() throws InterruptedException {
        for (Process p : children) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : children) {
            p.waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A JVM of the Spark jars on this test's class path, with this JVM's flags (--add-opens). */
    private Process jvm(String name, Path sparkHome, String... mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Djdk.") || a.startsWith("-Dio.netty")) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(List.of(mainAndArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
        // Spark's launcher builds the executor's command from SPARK_HOME: an empty jars/ there, the class path comes from spark.executor.extraClassPath
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        Process p = pb.start();
        children.add(p);
        return p;
    }

    private static void awaitPort(int port, Path log) throws Exception {
        for (int i = 0; i < 300; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the master did not listen on " + port + ": " + Files.readString(log));
    }

    @Test
    void twoWorkersGiveOneMachinesEmbeddingsWithOneLoadPerExecutor() throws Exception {
        Path sparkHome = Files.createDirectories(tmp.resolve("spark-home/jars")).getParent();
        int port = freePort();
        String url = "spark://127.0.0.1:" + port;
        jvm("master", sparkHome, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", "0");
        awaitPort(port, tmp.resolve("master.log"));
        for (int w = 1; w <= 2; w++) {
            jvm("worker" + w, sparkHome, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                    "--webui-port", "0", "--work-dir", Files.createDirectories(tmp.resolve("work" + w)).toString(), url);
        }
        Path model = TinyBert.folder(tmp.resolve("tiny-bert"), 3);
        List<String> texts = SparkFixtures.texts(40);
        float[][] expected;
        try (TextEncoder enc = TextEncoder.load(model, null)) {
            expected = enc.embed(texts);
        }
        SparkSession spark = GraftSpark.session(url, Map.of("spark.executor.extraClassPath", System.getProperty("java.class.path"),
                "spark.executor.memory", "768m", "spark.executor.extraJavaOptions", "-Dai.djl.pytorch.num_threads=1"));
        try {
            for (int i = 0; i < 600 && spark.sparkContext().getExecutorMemoryStatus().size() < 3; i++) {
                Thread.sleep(100);
            }
            assertEquals(3, spark.sparkContext().getExecutorMemoryStatus().size(), "the driver and two executors");
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                rows.add(RowFactory.create(i, texts.get(i)));
            }
            StructType schema = new StructType().add("id", DataTypes.IntegerType).add(Columns.TEXT, DataTypes.StringType);
            List<Row> got = SparkErrors.run(() -> GraftSpark.embed(spark.createDataFrame(rows, schema).repartition(8), model.toString(),
                    new GraftSpark.Options(Columns.TEXT, 4)).collectAsList());
            assertEquals(texts.size(), got.size());
            for (Row r : got) {
                int id = r.getInt(0);
                double cos = SparkFixtures.cosine(expected[id], SparkFixtures.floats(r.getList(2)));
                assertTrue(cos >= 0.9999, "row " + id + ": cosine " + cos);
            }
            Map<String, Integer> loads = ExecutorModels.loadsPerJvm(spark, ExecutorModels.textKey(model.toString()), 16);
            String driver = ExecutorModels.jvm();
            assertTrue(!loads.containsKey(driver), "executors run in JVMs of their own: " + loads);
            assertEquals(2, loads.size(), "two executor JVMs: " + loads);
            loads.values().forEach(n -> assertEquals(1, n, "one load per executor JVM: " + loads));
        } finally {
            spark.stop();
        }
    }
}
