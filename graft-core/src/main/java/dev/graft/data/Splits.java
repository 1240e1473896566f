package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.util.Permutations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Deterministic, stratified splits: each class gives the same fraction of its samples, chosen by a
 * seeded shuffle, so the same seed always picks the same samples and class balance is kept.
 *
 * <pre>{@code
 * Splits.Part p = Splits.stratified(train, 0.1, 42, "a", "b");   // kept 90 %, held out 10 % of each class
 * DataSplits s = Splits.withValidation("mnist", train, test, 0.1, 42);
 * }</pre>
 */
public final class Splits {
    /** Fraction of train carved out as validation when a caller does not choose one. */
    public static final double DEFAULT_VALIDATION_FRACTION = 0.1;

    /** Fraction held out as test for data that comes without a test split. */
    public static final double DEFAULT_TEST_FRACTION = 0.2;

    /**
     * Seed of the test carve-out for data without an official test split. It is fixed, not
     * {@code --seed}, so every run on the same data is scored on the same test samples.
     */
    public static final long FIXED_TEST_SEED = 20_170_901L;

    private Splits() {}

    /**
     * Two disjoint parts of a data set.
     *
     * @param kept the samples not held out, in their original order
     * @param heldOut the held-out samples, in their original order
     */
    public record Part(ImageData kept, ImageData heldOut) {}

    /**
     * Holds out {@code round(fraction * n_c)} samples of each class {@code c}, chosen with {@code seed}.
     *
     * @param fraction in [0, 1)
     */
    public static Part stratified(ImageData data, double fraction, long seed, String keptName, String heldOutName) {
        int[][] idx = stratifiedIndices(data.labels(), data.numClasses(), fraction, seed);
        return new Part(data.subset(keptName, idx[0]), data.subset(heldOutName, idx[1]));
    }

    /** {kept indices, held-out indices}, each ascending; the core of {@link #stratified}. */
    public static int[][] stratifiedIndices(int[] labels, int numClasses, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new GraftException("split fraction " + fraction + " is outside [0, 1)", "use e.g. 0.1 for 10 %");
        }
        List<List<Integer>> perClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            perClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            perClass.get(labels[i]).add(i);
        }
        Random rng = new Random(seed);
        boolean[] held = new boolean[labels.length];
        int heldCount = 0;
        for (List<Integer> members : perClass) {
            // Shuffle every class (even with fraction 0) so the random stream does not depend on it.
            java.util.Collections.shuffle(members, rng);
            int take = (int) Math.round(fraction * members.size());
            for (int k = 0; k < take; k++) {
                held[members.get(k)] = true;
            }
            heldCount += take;
        }
        int[] kept = new int[labels.length - heldCount];
        int[] out = new int[heldCount];
        int a = 0;
        int b = 0;
        for (int i = 0; i < labels.length; i++) {
            if (held[i]) {
                out[b++] = i;
            } else {
                kept[a++] = i;
            }
        }
        return new int[][] {kept, out};
    }

    /**
     * Train and test with a stratified validation carve-out of {@code fraction} of train, named
     * {@code NAME/train}, {@code NAME/validation}, {@code NAME/test}.
     */
    public static DataSplits withValidation(String name, ImageData train, ImageData test, double fraction, long seed) {
        Part p = stratified(train, fraction, seed, name + "/train", name + "/validation");
        ImageData named = test.name().equals(name + "/test") ? test : test.subset(name + "/test", allIndices(test.size()));
        return new DataSplits(p.kept(), p.heldOut(), named);
    }

    /** Train, validation and test from data without a test split: test is carved with {@link #FIXED_TEST_SEED}. */
    public static DataSplits fromUnsplit(String name, ImageData all, double testFraction, double validationFraction, long seed) {
        Part t = stratified(all, testFraction, FIXED_TEST_SEED, name + "/train", name + "/test");
        return withValidation(name, t.kept(), t.heldOut(), validationFraction, seed);
    }

    /** Joins data sets with the same shape and class names (e.g. train and validation back together). */
    public static ImageData concat(String name, ImageData a, ImageData b) {
        if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width()
                || !a.classNames().equals(b.classNames())) {
            throw new GraftException("cannot join " + a.name() + " and " + b.name() + ": shapes or class names differ",
                    "join only splits of the same data set");
        }
        float[] px = Arrays.copyOf(a.pixels(), a.pixels().length + b.pixels().length);
        System.arraycopy(b.pixels(), 0, px, a.pixels().length, b.pixels().length);
        int[] lb = Arrays.copyOf(a.labels(), a.size() + b.size());
        System.arraycopy(b.labels(), 0, lb, a.size(), b.size());
        return new ImageData(name, a.classNames(), a.channels(), a.height(), a.width(), px, lb);
    }

    static int[] allIndices(int n) {
        return Permutations.identity(n);
    }
}
