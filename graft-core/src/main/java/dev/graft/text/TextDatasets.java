package dev.graft.text;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of named text data sets ({@code wordnet-topics}, {@code wordnet-topics-small}); a
 * name that is a {@code .csv} / {@code .jsonl} file loads the user's own {@code text,label} data.
 *
 * <pre>{@code
 * TextDatasets.names();                                  // [wordnet-topics, wordnet-topics-small]
 * TextSplits s = TextDatasets.load("wordnet-topics-small", 42);
 * TextSplits mine = TextDatasets.load("reviews.csv", 42);  // 20% test, 10% of the rest validation
 * TextSplits hub = TextDatasets.load("hf-hub:datasets/alice/reviews?text=body", 42);
 * }</pre>
 */
public final class TextDatasets {
    private static final Map<String, TextSource> SOURCES = new TreeMap<>();
    private static boolean builtins;

    private TextDatasets() {}

    /** Adds a source; a second one with the same name is an error. */
    public static synchronized void register(TextSource source) {
        if (SOURCES.putIfAbsent(source.name(), source) != null) {
            throw new IllegalStateException("text data set '" + source.name() + "' is registered twice");
        }
    }

    private static void ensureBuiltins() {
        if (!builtins) {
            builtins = true;
            register(new WordNetTopics(false));
            register(new WordNetTopics(true));
        }
    }

    /** Known names, sorted. */
    public static synchronized List<String> names() {
        ensureBuiltins();
        return new ArrayList<>(SOURCES.keySet());
    }

    /** The source called {@code name}, or one reading the file {@code name}. */
    public static synchronized TextSource source(String name) {
        ensureBuiltins();
        TextSource s = SOURCES.get(name);
        if (s != null) {
            return s;
        }
        if (name.startsWith(dev.graft.data.DataSpec.HUB_PREFIX)) {
            dev.graft.data.DataSpec spec = dev.graft.data.DataSpec.parse(name);
            return dev.graft.data.HubDatasetLayout.textSource(spec);
        }
        Path p = Path.of(name);
        if (Files.isRegularFile(p)) {
            return TextFiles.source(p);
        }
        throw new GraftException("unknown text data set '" + name + "'",
                "known: " + String.join(", ", SOURCES.keySet()) + ", a .csv/.jsonl file with text,label, or hf-hub:datasets/owner/name");
    }

    /** Loads the splits of {@code name}. */
    public static TextSplits load(String name, long seed) {
        return source(name).load(seed);
    }
}
