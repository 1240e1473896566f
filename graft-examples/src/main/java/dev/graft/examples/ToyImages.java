package dev.graft.examples;

import dev.graft.data.DataSplits;
import dev.graft.data.ImageData;
import java.util.List;
import java.util.Random;

/**
 * Tiny generated image data for the examples, so that they run in seconds on any machine, offline:
 * 28x28 grey images (the small catalogue models' input) of four textures with pixel noise. Your own
 * data would come from {@code Datasets.load("folder:DIR", seed)}, {@code "idx:DIR"} or {@code "csv:FILE"}.
 */
public final class ToyImages {
    /** The four classes, in label order. */
    public static final List<String> CLASSES = List.of("horizontal", "vertical", "checker", "blocks");

    private ToyImages() {}

    /** Train, validation and test splits with {@code perClass} training images per class. */
    public static DataSplits textures(int perClass, long seed) {
        return new DataSplits(textures("textures-train", perClass, seed, false),
                textures("textures-val", 4, seed + 1, false),
                textures("textures-test", 8, seed + 2, false));
    }

    /**
     * {@code perClass} images per class; {@code inverted} draws them dark on light, the same classes in
     * another domain (for domain adaptation).
     */
    public static ImageData textures(String name, int perClass, long seed, boolean inverted) {
        int size = 28;
        int n = perClass * CLASSES.size();
        Random random = new Random(seed);
        float[] pixels = new float[n * size * size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % CLASSES.size();
            labels[i] = c;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean on = switch (c) {
                        case 0 -> y % 4 < 2;
                        case 1 -> x % 4 < 2;
                        case 2 -> (x + y) % 2 == 0;
                        default -> (x / 7 + y / 7) % 2 == 0;
                    };
                    double v = (on ? 0.8 : 0.2) + 0.1 * random.nextGaussian();
                    v = Math.min(1, Math.max(0, v));
                    pixels[i * size * size + y * size + x] = (float) (inverted ? 1 - v : v);
                }
            }
        }
        return new ImageData(name, CLASSES, 1, size, size, pixels, labels);
    }
}
