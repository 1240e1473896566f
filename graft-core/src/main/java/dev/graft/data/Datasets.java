package dev.graft.data;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of named data sets. Sources register once; users look them up by name.
 *
 * <pre>{@code
 * Datasets.names();                       // [digits, fashion-mnist, mnist, ...]
 * DataSplits s = Datasets.load("digits", 42);
 * }</pre>
 */
public final class Datasets {
    private static final Map<String, DatasetSource> SOURCES = new TreeMap<>();

    private Datasets() {}

    /** Adds a source; a second source with the same name is an error. */
    public static synchronized void register(DatasetSource source) {
        if (SOURCES.putIfAbsent(source.name(), source) != null) {
            throw new IllegalStateException("data set '" + source.name() + "' is registered twice");
        }
    }

    /** Known names, sorted. */
    public static synchronized List<String> names() {
        BuiltinDatasets.ensureRegistered();
        return new ArrayList<>(SOURCES.keySet());
    }

    /** The source called {@code name}; an error listing the known names if there is none. */
    public static synchronized DatasetSource source(String name) {
        BuiltinDatasets.ensureRegistered();
        DatasetSource s = SOURCES.get(name);
        if (s == null) {
            throw new GraftException("unknown data set '" + name + "'", "known data sets: " + String.join(", ", SOURCES.keySet()));
        }
        return s;
    }

    /** Fetches if needed and loads the splits of {@code name}. */
    public static DataSplits load(String name, long seed) {
        DatasetSource s = source(name);
        s.fetch();
        return s.load(seed);
    }
}
