package dev.graft.spark;

import dev.graft.GraftException;
import dev.graft.text.TextEncoder;
import dev.graft.train.ZooModels;
import dev.graft.zoo.GraftModel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The models of one executor JVM: each is loaded once, by the first task that needs it, and shared by every
 * later task and partition in that JVM (tasks running at the same time take turns on it, batch by batch).
 * A load counter per model name makes "once per JVM" checkable.
 *
 * <pre>{@code
 * TextEncoder enc = ExecutorModels.text("all-MiniLM-L6-v2");   // loaded on first use in this JVM
 * ExecutorModels.loads("text:all-MiniLM-L6-v2");                 // 1
 * }</pre>
 */
public final class ExecutorModels {
    private static final Map<String, Object> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** The text encoder {@code name} names ({@link TextEncoder#open}), loaded once in this JVM. */
    public static TextEncoder text(String name) {
        return (TextEncoder) get(textKey(name), k -> TextEncoder.open(name));
    }

    /** The image model {@code name} names ({@link ZooModels#open}: a run folder, a source or a zoo name), loaded once in this JVM. */
    public static GraftModel image(String name) {
        return (GraftModel) get(imageKey(name), k -> ZooModels.open(name));
    }

    /** The key {@link #loads} counts a text model under. */
    public static String textKey(String name) {
        return "text:" + name;
    }

    /** The key {@link #loads} counts an image model under. */
    public static String imageKey(String name) {
        return "image:" + name;
    }

    /** How many times this JVM loaded the model under {@code key} (0 if never). */
    public static int loads(String key) {
        AtomicInteger n = LOADS.get(key);
        return n == null ? 0 : n.get();
    }

    /**
     * How many times each executor JVM reached by {@code tasks} small tasks loaded the model under {@code key}
     * ({@code pid@host} to count); with enough tasks every executor is reached. In {@code local[N]} the one JVM is the driver's.
     */
    public static Map<String, Integer> loadsPerJvm(org.apache.spark.sql.SparkSession spark, String key, int tasks) {
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("jvm", org.apache.spark.sql.types.DataTypes.StringType).add("loads", org.apache.spark.sql.types.DataTypes.IntegerType);
        java.util.List<org.apache.spark.sql.Row> rows = SparkErrors.run(() -> spark.range(0, tasks, 1, tasks)
                .mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Long, org.apache.spark.sql.Row>) it ->
                        java.util.List.of(org.apache.spark.sql.RowFactory.create(jvm(), loads(key))).iterator(),
                        org.apache.spark.sql.Encoders.row(schema))
                .distinct().collectAsList());
        Map<String, Integer> out = new java.util.TreeMap<>();
        rows.forEach(r -> out.merge(r.getString(0), r.getInt(1), Math::max));
        return out;
    }

    /** This JVM as {@code pid@host}, to tell executors apart. */
    public static String jvm() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return ProcessHandle.current().pid() + "@" + host;
    }

    private static Object get(String key, Function<String, Object> load) {
        Object m = MODELS.get(key);
        if (m != null) {
            return m;
        }
        synchronized (ExecutorModels.class) {
            m = MODELS.get(key);
            if (m == null) {
                try {
                    m = load.apply(key);
                } catch (GraftException e) {
                    throw new GraftException("model " + key.substring(key.indexOf(':') + 1) + " does not load in the executor " + jvm()
                            + ": " + e.getMessage(), e.fix() == null ? "check the model name and that every executor can reach it"
                            : e.fix() + " (on every executor)");
                }
                LOADS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                MODELS.put(key, m);
            }
            return m;
        }
    }
}
