package dev.graft.train;

import dev.graft.data.ImageData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Generated images: each class is a texture (horizontal stripes, vertical stripes, checkerboard, flat grey...) plus noise. */
final class TinyData {
    private TinyData() {}

    static ImageData make(String name, int perClass, int classes, int size, long seed) {
        Random r = new Random(seed);
        int n = perClass * classes;
        float[] px = new float[n * size * size];
        int[] labels = new int[n];
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class" + c);
        }
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            labels[i] = c;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean on = switch (c % 4) {
                        case 0 -> y % 2 == 0;
                        case 1 -> x % 2 == 0;
                        case 2 -> (x + y) % 2 == 0;
                        default -> (x / 2 + y / 2) % 2 == 0 && c >= 4;
                    };
                    px[i * size * size + y * size + x] = (float) Math.min(1, Math.max(0, (on ? 0.8 : 0.2) + 0.15 * r.nextGaussian()));
                }
            }
        }
        return new ImageData(name, names, 1, size, size, px, labels);
    }
}
