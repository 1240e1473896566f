package dev.graft.zoo;

import dev.graft.GraftException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * transformers' {@code id2label} ({@code {"0": "cat", "1": "dog"}}) to class names in output order
 * and back, for every family whose config.json is transformers'.
 *
 * <pre>{@code
 * List<String> names = Id2Label.names(Map.of("1", "dog", "0", "cat"));   // [cat, dog]
 * }</pre>
 */
public final class Id2Label {
    private Id2Label() {}

    /** Class names in output order, or an empty list for null. */
    public static List<String> names(Map<String, String> id2label) {
        if (id2label == null) {
            return List.of();
        }
        String[] out = new String[id2label.size()];
        for (Map.Entry<String, String> e : id2label.entrySet()) {
            int i;
            try {
                i = Integer.parseInt(e.getKey());
            } catch (NumberFormatException x) {
                i = -1;
            }
            if (i < 0 || i >= out.length) {
                throw new GraftException("config.json id2label has index '" + e.getKey() + "' for " + out.length + " labels",
                        "number the labels 0..n-1");
            }
            out[i] = e.getValue();
        }
        return List.of(out);
    }

    /**
     * The class names a transformers export names in {@code id2label}: the cfg's, or transformers'
     * own {@code LABEL_i} for unnamed classes (none for no head).
     */
    public static List<String> namesFor(PretrainedCfg cfg) {
        if (cfg.labelNames() != null) {
            return cfg.labelNames();
        }
        List<String> labels = new java.util.ArrayList<>();
        for (int i = 0; i < cfg.numClasses(); i++) {
            labels.add("LABEL_" + i);
        }
        return labels;
    }

    /** The id2label map of class names (keys in numeric order), or null for null. */
    public static Map<String, String> of(List<String> names) {
        if (names == null) {
            return null;
        }
        Map<String, String> m = new TreeMap<>(java.util.Comparator.comparingInt(Integer::parseInt));
        for (int i = 0; i < names.size(); i++) {
            m.put(Integer.toString(i), names.get(i));
        }
        return m;
    }
}
