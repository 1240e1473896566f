package dev.graft.hub.protocol;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which files of a data set repository hold which config and split, by Hugging Face's data-files
 * conventions: the card's {@code configs:} {@code data_files} ({@code split} + {@code path} globs, or
 * one glob for a lone train split), else file or folder names: {@code train*} ({@code training}),
 * {@code validation*} ({@code valid}, {@code val}, {@code dev}), {@code test*} ({@code testing},
 * {@code eval}, {@code evaluation}) at the top or under {@code data/}, the word followed by {@code -},
 * {@code _}, {@code .}, a space or a digit, e.g. {@code data/train-00000-of-00001.parquet}. Both the
 * client (reading a data set) and the server (its {@code /parquet} listing and data set page) ask it.
 *
 * <pre>{@code
 * Map<String, Map<String, List<String>>> c = DataFiles.configs(cardYaml, List.of("data/train-00000-of-00001.parquet"));
 * c.get("default").get("train");   // [data/train-00000-of-00001.parquet]
 * }</pre>
 */
public final class DataFiles {
    /** The config name of a repository without {@code configs:}, as Hugging Face names it. */
    public static final String DEFAULT_CONFIG = "default";

    /** The split names, each with the words that name it in file and folder names; the first word is the split's name. */
    private static final List<List<String>> SPLIT_WORDS = List.of(
            List.of("train", "training"),
            List.of("validation", "valid", "val", "dev"),
            List.of("test", "testing", "eval", "evaluation"));

    private DataFiles() {}

    /** The split a name stands for ({@code train}, {@code validation}, {@code test}), or null. */
    public static String split(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (List<String> words : SPLIT_WORDS) {
            if (words.contains(n)) {
                return words.get(0);
            }
        }
        return null;
    }

    /** The split a file or folder name stands for: a split word alone or followed by {@code - _ .}, a space or a digit; or null. */
    public static String splitWord(String component) {
        String c = component.toLowerCase(Locale.ROOT);
        for (List<String> words : SPLIT_WORDS) {
            for (String w : words) {
                if (c.equals(w) || c.startsWith(w) && "-_. 0123456789".indexOf(c.charAt(w.length())) >= 0) {
                    return words.get(0);
                }
            }
        }
        return null;
    }

    /**
     * Every config's splits and their files, in the card's order (one {@value #DEFAULT_CONFIG} config when
     * the card has no {@code configs:}); splits whose globs match nothing are left out.
     *
     * @param card the card's YAML (may be empty)
     * @param files the repository's data files, relative, sorted
     * @throws HubProtocolException for a {@code data_files} path that is not a glob
     */
    public static Map<String, Map<String, List<String>>> configs(Map<String, Object> card, List<String> files) {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        if (card.get("configs") instanceof List<?> configs && !configs.isEmpty()) {
            for (Object config : configs) {
                if (config instanceof Map<?, ?> m) {
                    Object name = m.get("config_name");
                    out.put(name == null ? DEFAULT_CONFIG : name.toString(), fromDataFiles(m.get("data_files"), files));
                }
            }
            out.values().removeIf(Map::isEmpty);
            if (!out.isEmpty()) {
                return out;
            }
        }
        Map<String, List<String>> byName = byConvention(files);
        if (!byName.isEmpty()) {
            out.put(DEFAULT_CONFIG, byName);
        }
        return out;
    }

    /** The config a reader trains on: {@value #DEFAULT_CONFIG}, else the first; empty when no file is a split's. */
    public static Map<String, List<String>> defaultConfig(Map<String, Object> card, List<String> files) {
        Map<String, Map<String, List<String>>> all = configs(card, files);
        return all.containsKey(DEFAULT_CONFIG) ? all.get(DEFAULT_CONFIG) : all.isEmpty() ? Map.of() : all.values().iterator().next();
    }

    private static Map<String, List<String>> fromDataFiles(Object dataFiles, List<String> files) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (dataFiles instanceof String || dataFiles instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String) {
            out.put("train", matching(files, dataFiles));
        } else if (dataFiles instanceof List<?> entries) {
            for (Object e : entries) {
                if (e instanceof Map<?, ?> entry && entry.get("split") != null) {
                    out.put(entry.get("split").toString(), matching(files, entry.get("path")));
                }
            }
        }
        out.values().removeIf(List::isEmpty);
        return out;
    }

    /** The files matching {@code patterns} (a glob or a list of globs), in the globs' order. */
    public static List<String> matching(List<String> files, Object patterns) {
        List<String> globs = patterns instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(patterns));
        List<String> out = new ArrayList<>();
        for (String g : globs) {
            PathMatcher m;
            try {
                m = FileSystems.getDefault().getPathMatcher("glob:" + g);
            } catch (IllegalArgumentException e) { // PatternSyntaxException included
                throw new HubProtocolException("README.md configs: the data_files path '" + g + "' is not a glob pattern",
                        "write e.g. path: data/train-*");
            }
            files.stream().filter(f -> m.matches(Path.of(f)) && !out.contains(f)).forEach(out::add);
        }
        return out;
    }

    private static Map<String, List<String>> byConvention(List<String> files) {
        Map<String, List<String>> found = new LinkedHashMap<>();
        for (String f : files) {
            String[] c = f.split("/");
            String s;
            if (c.length == 1) {
                s = splitWord(stem(c[0]));
            } else {
                s = splitWord(c[0]);
                if (s == null && c[0].equals("data")) {
                    s = splitWord(c.length > 2 ? c[1] : stem(c[1]));
                }
            }
            if (s != null) {
                found.computeIfAbsent(s, k -> new ArrayList<>()).add(f);
            }
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (List<String> words : SPLIT_WORDS) {
            if (found.containsKey(words.get(0))) {
                out.put(words.get(0), found.get(words.get(0)));
            }
        }
        return out;
    }

    private static String stem(String file) {
        int dot = file.indexOf('.');
        return dot < 0 ? file : file.substring(0, dot);
    }
}
