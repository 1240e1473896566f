package dev.graft.fewshot;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.List;

/**
 * Nearest class mean in an embedding space (Prototypical Networks): a class's prototype is the mean
 * of its support embeddings; a query goes to the prototype at the smallest squared Euclidean distance.
 *
 * <!-- example: ZeroAndFewShot#zero-few-shot -->
 * <pre>{@code
 * try (TextEncoder encoder = TextEncoder.open("all-MiniLM-L6-v2")) {
 *     float[] query = encoder.embed(List.of("a small furry pet that purrs"))[0];
 *     ZeroShotClassifier zeroShot = ZeroShotClassifier.build(encoder::embed, List.of("animal", "plant", "vehicle"),
 *             null, ZeroShotClassifier.TEXT_TEMPLATES);
 *     for (VectorClassifier.Score s : zeroShot.rank(query)) {
 *         System.out.printf(Locale.ROOT, "zero-shot %-8s %.3f%n", s.label(), s.score());
 *     }
 *
 *     // two examples per class are enough for prototypes
 *     float[][] support = encoder.embed(List.of("a dog barked at the door", "the horse ate hay",
 *             "an oak tree in the park", "roses bloom in spring", "a truck on the motorway", "the train left at noon"));
 *     PrototypeClassifier fewShot = PrototypeClassifier.fit(support, new int[] {0, 0, 1, 1, 2, 2},
 *             List.of("animal", "plant", "vehicle"));
 *     System.out.println("few-shot  " + fewShot.classNames().get(fewShot.predict(query)));
 * }
 * }</pre>
 */
public final class PrototypeClassifier implements dev.graft.text.VectorClassifier {
    private final List<String> classNames;
    private final float[][] prototypes;
    private final int[] shots;

    private PrototypeClassifier(List<String> classNames, float[][] prototypes, int[] shots) {
        this.classNames = List.copyOf(classNames);
        this.prototypes = prototypes;
        this.shots = shots;
    }

    /**
     * Class means of the support set. Every class must have at least one example; the error names
     * those that have none.
     */
    public static PrototypeClassifier fit(float[][] support, int[] labels, List<String> classNames) {
        if (support.length != labels.length) {
            throw new GraftException(support.length + " support vectors but " + labels.length + " labels", "give one label per example");
        }
        if (support.length == 0) {
            throw new GraftException("the support set is empty", "give at least one example per class");
        }
        int dim = support[0].length;
        float[][] sums = new float[classNames.size()][dim];
        int[] counts = new int[classNames.size()];
        for (int i = 0; i < support.length; i++) {
            int c = labels[i];
            if (c < 0 || c >= classNames.size()) {
                throw new GraftException("support label " + c + " is not one of " + classNames.size() + " classes", "check the labels");
            }
            counts[c]++;
            for (int j = 0; j < dim; j++) {
                sums[c][j] += support[i][j];
            }
        }
        List<String> missing = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                missing.add(classNames.get(c));
            } else {
                for (int j = 0; j < dim; j++) {
                    sums[c][j] /= counts[c];
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new GraftException("no support examples for " + missing, "add at least one example of each of these labels");
        }
        return new PrototypeClassifier(classNames, sums, counts);
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** Support examples per class. */
    public int[] shots() {
        return shots.clone();
    }

    /** Negative squared distance to each prototype (higher is closer). */
    @Override
    public float[] scores(float[] x) {
        float[] s = new float[prototypes.length];
        for (int c = 0; c < prototypes.length; c++) {
            double d = 0;
            for (int j = 0; j < x.length; j++) {
                double diff = x[j] - prototypes[c][j];
                d += diff * diff;
            }
            s[c] = (float) -d;
        }
        return s;
    }
}
