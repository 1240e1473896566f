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
 * DataSplits mine = Datasets.load("folder:/data/photos?size=64x64", 42);
 * DataSplits hub = Datasets.load("hf-hub:datasets/alice/digits", 42);   // pulled once, then offline
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

    /**
     * The source a data-set argument names: a registered name, or the user's data as
     * {@code folder:DIR}, {@code idx:DIR}, {@code csv:FILE} or {@code hf-hub:datasets/owner/name} with options (see {@link DataSpec}).
     * An unknown name is an error listing the known names.
     */
    public static synchronized DatasetSource source(String name) {
        BuiltinDatasets.ensureRegistered();
        DatasetSource s = SOURCES.get(name);
        if (s != null) {
            return s;
        }
        int q = name.indexOf('?');
        if (q > 0 && name.indexOf(':') < 0 && SOURCES.containsKey(name.substring(0, q))) {
            return SOURCES.get(name.substring(0, q)).withOptions(builtinOptions(name, name.substring(q + 1)));
        }
        DataSpec spec = DataSpec.parse(name);
        if (spec.kind() == DataSpec.Kind.BUILTIN) {
            throw new GraftException("unknown data set '" + name + "'", "known data sets: " + String.join(", ", SOURCES.keySet())
                    + "; or your own data as " + String.join("DIR, ", DataSpec.PREFIXES) + "FILE");
        }
        return spec.kind() == DataSpec.Kind.HUB ? new HubDataset(spec) : new UserDataset(spec);
    }

    private static Map<String, String> builtinOptions(String text, String query) {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new GraftException("option '" + pair + "' in '" + text + "' is not key=value", "write e.g. ?label=category");
            }
            options.put(pair.substring(0, eq).toLowerCase(java.util.Locale.ROOT), pair.substring(eq + 1));
        }
        return options;
    }

    /**
     * Fetches if needed and loads the splits of {@code name} (a registered name or user data), with
     * the default validation carve-out drawn with {@code seed}.
     */
    public static DataSplits load(String name, long seed) {
        DatasetSource s = source(name);
        s.fetch();
        return s.load(seed);
    }
}
