package dev.graft.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A classifier over embedding vectors that scores every class (higher is closer): the zero-shot
 * classifier and the prototype classifier differ only in how they score.
 *
 * <pre>{@code
 * VectorClassifier c = PrototypeClassifier.fit(vectors, labels, classNames);
 * c.rank(query).get(0).label();
 * }</pre>
 */
public interface VectorClassifier {

    /** One class's score for an input. */
    record Score(String label, int index, float score) {}

    /** Class names in index order. */
    List<String> classNames();

    /** A score per class for one embedded input; higher is more likely. */
    float[] scores(float[] x);

    /** The index of the best-scoring class. */
    default int predict(float[] x) {
        float[] s = scores(x);
        int best = 0;
        for (int c = 1; c < s.length; c++) {
            if (s[c] > s[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Classes by score, best first. */
    default List<Score> rank(float[] x) {
        float[] s = scores(x);
        List<Score> out = new ArrayList<>();
        for (int c = 0; c < s.length; c++) {
            out.add(new Score(classNames().get(c), c, s[c]));
        }
        out.sort(Comparator.comparingDouble((Score sc) -> sc.score()).reversed());
        return out;
    }

    /** Accuracy on embedded inputs with known labels. */
    default double accuracy(float[][] x, int[] labels) {
        int ok = 0;
        for (int i = 0; i < x.length; i++) {
            if (predict(x[i]) == labels[i]) {
                ok++;
            }
        }
        return x.length == 0 ? 0 : (double) ok / x.length;
    }
}
