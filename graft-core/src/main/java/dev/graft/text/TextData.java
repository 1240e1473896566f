package dev.graft.text;

import dev.graft.GraftException;
import dev.graft.util.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled texts held in memory with their class names: a built-in text data set
 * ({@code wordnet-topics}) or a user's {@code text,label} file.
 *
 * <pre>{@code
 * TextData train = TextDatasets.load("wordnet-topics-small", 42).train();
 * String t = train.text(0);
 * String c = train.classNames().get(train.label(0));
 * }</pre>
 */
public final class TextData {
    private final String name;
    private final List<String> classNames;
    private final List<String> texts;
    private final int[] labels;

    /**
     * @param texts one text per sample, none empty
     * @param labels class indices in [0, classNames.size())
     */
    public TextData(String name, List<String> classNames, List<String> texts, int[] labels) {
        this.name = name;
        this.classNames = List.copyOf(classNames);
        this.texts = List.copyOf(texts);
        this.labels = labels.clone();
        if (texts.size() != labels.length) {
            throw new GraftException("data set '" + name + "': " + texts.size() + " texts but " + labels.length + " labels",
                    "give one label per text");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new GraftException("data set '" + name + "': sample " + i + " has label " + labels[i] + " but there are "
                        + classNames.size() + " classes", "check the labels and class names");
            }
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw new GraftException("data set '" + name + "': sample " + (i + 1) + " has an empty text", "remove it or give it text");
            }
        }
    }

    public String name() { return name; }
    public List<String> classNames() { return classNames; }
    public int numClasses() { return classNames.size(); }
    public int size() { return labels.length; }
    public String text(int i) { return texts.get(i); }
    public int label(int i) { return labels[i]; }
    public List<String> texts() { return texts; }

    /** A copy of the labels. */
    public int[] labels() { return labels.clone(); }

    /** The samples at {@code indices}, as a new data set sharing the class names. */
    public TextData subset(String subsetName, int[] indices) {
        List<String> t = new ArrayList<>(indices.length);
        for (int i : indices) {
            t.add(texts.get(i));
        }
        return new TextData(subsetName, classNames, t, Labels.gather(labels, indices));
    }

    /** Number of samples of each class. */
    public int[] countsPerClass() {
        return Labels.countsPerClass(labels, classNames.size());
    }

    /** Indices of the samples of each class, in data order. */
    public int[][] indicesPerClass() {
        int[] counts = countsPerClass();
        int[][] out = new int[counts.length][];
        int[] fill = new int[counts.length];
        for (int c = 0; c < counts.length; c++) {
            out[c] = new int[counts[c]];
        }
        for (int i = 0; i < labels.length; i++) {
            out[labels[i]][fill[labels[i]]++] = i;
        }
        return out;
    }
}
