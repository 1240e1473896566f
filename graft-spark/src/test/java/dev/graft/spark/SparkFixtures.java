package dev.graft.spark;

import dev.graft.data.ImageData;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tiny seeded models and data for the Spark tests. */
final class SparkFixtures {
    private SparkFixtures() {}

    /** Short texts of a few kinds (seeded), some long enough to be padded differently from others. */
    static List<String> texts(int n) {
        String[] words = {"cat", "dog", "river", "bank", "money", "tree", "bird", "stone", "music", "rain", "light", "city"};
        Random rnd = new Random(5);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0, len = 1 + rnd.nextInt(9); k < len; k++) {
                sb.append(k == 0 ? "" : " ").append(words[rnd.nextInt(words.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    /**
     * {@code n} gray 28 x 28 images of two classes (seeded): class 0 dark with a bright left half, class 1 the
     * mirror image, both with noise.
     */
    static ImageData images(String name, int n, long seed) {
        Random rnd = new Random(seed);
        float[] px = new float[n * 28 * 28];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean bright = (x < 14) == (labels[i] == 0);
                    float v = (bright ? 0.7f : 0.2f) + 0.25f * (float) rnd.nextGaussian();
                    px[i * 784 + y * 28 + x] = Math.max(0f, Math.min(1f, v));
                }
            }
        }
        return new ImageData(name, List.of("left", "right"), 1, 28, 28, px, labels);
    }

    /** A randomly initialised small_cnn with {@code classes} outputs saved as a model folder (weights + config.json). */
    static Path smallCnn(Path dir, int classes, int seed) {
        ModelBase m = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withNumClasses(classes).withSeed(seed));
        Weights.save(m, dir);
        return dir;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static float[] floats(List<?> values) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((Number) values.get(i)).floatValue();
        }
        return v;
    }
}
