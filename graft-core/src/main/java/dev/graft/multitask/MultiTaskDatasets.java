package dev.graft.multitask;

import dev.graft.GraftException;
import dev.graft.data.DataSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of multi-task data sets ({@code multimnist}, {@code mnist-tasks}, and any a user registers).
 *
 * <pre>{@code
 * MultiTaskSplits s = MultiTaskDatasets.load("mnist-tasks", 42);
 * s.train().tasks();   // digit, parity, greater_than_4
 * }</pre>
 */
public final class MultiTaskDatasets {
    private static final Map<String, MultiTaskSource> SOURCES = new TreeMap<>();
    private static boolean builtins;

    private MultiTaskDatasets() {}

    /** Adds a source; a second source with the same name is an error. */
    public static synchronized void register(MultiTaskSource source) {
        ensureBuiltins();
        if (SOURCES.putIfAbsent(source.name(), source) != null) {
            throw new IllegalStateException("multi-task data set '" + source.name() + "' is registered twice");
        }
    }

    /** Known names, sorted. */
    public static synchronized List<String> names() {
        ensureBuiltins();
        return new ArrayList<>(SOURCES.keySet());
    }

    /**
     * The source called {@code name}, or for {@code hf-hub:datasets/owner/name} a hub data set repository
     * with one task per label column ({@link HubMultiTask}); an error listing the known names if there is none.
     */
    public static synchronized MultiTaskSource source(String name) {
        ensureBuiltins();
        if (name.startsWith(DataSpec.HUB_PREFIX)) {
            return new HubMultiTask(DataSpec.parse(name));
        }
        MultiTaskSource s = SOURCES.get(name);
        if (s == null) {
            throw new GraftException("unknown multi-task data set '" + name + "'",
                    "known multi-task data sets: " + String.join(", ", SOURCES.keySet()) + ", or hf-hub:datasets/owner/name");
        }
        return s;
    }

    /** Builds if needed and loads the splits of {@code name}. */
    public static MultiTaskSplits load(String name, long seed) {
        MultiTaskSource s = source(name);
        s.fetch();
        return s.load(seed);
    }

    private static void ensureBuiltins() {
        if (builtins) {
            return;
        }
        builtins = true;
        SOURCES.put("multimnist", new MultiMnist());
        SOURCES.put("mnist-tasks", new MnistTasks());
    }
}
