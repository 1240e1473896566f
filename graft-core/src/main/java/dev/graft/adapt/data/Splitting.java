package dev.graft.adapt.data;

import dev.graft.data.DataSplits;
import dev.graft.data.ImageData;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Carves a validation split from a training split with a seed (10 %), as the other built-in data sets do. */
final class Splitting {
    static final double VALIDATION_FRACTION = 0.1;

    private Splitting() {}

    static DataSplits withValidation(String name, ImageData train, ImageData test, long seed) {
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int nv = (int) Math.round(n * VALIDATION_FRACTION);
        int[] val = Arrays.copyOfRange(order, 0, nv);
        int[] tr = Arrays.copyOfRange(order, nv, n);
        Arrays.sort(val);
        Arrays.sort(tr);
        return new DataSplits(train.subset(name + "-train", tr), train.subset(name + "-validation", val), test);
    }
}
