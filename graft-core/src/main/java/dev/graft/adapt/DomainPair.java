package dev.graft.adapt;

import dev.graft.GraftException;
import dev.graft.data.DataSplits;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.data.transform.Transforms;
import dev.graft.util.Permutations;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A source and a target data set made ready for adaptation: gray images are turned into three equal
 * channels when the other domain is in colour, and optional seeded subsets keep CPU runs short. The
 * two may differ in size: the training loop brings both to the model's input size
 * ({@link dev.graft.train.ModelInput}).
 * Validation splits are not used: the label-free rule (last epoch) needs none.
 *
 * <pre>{@code
 * DomainPair p = DomainPair.load("mnist", "mnist-m-style", 42, 10000, 10000, 0);
 * }</pre>
 *
 * @param source labelled source training images
 * @param sourceEval source test split (reported)
 * @param target target training images (labels never read in training)
 * @param targetEval target test split (reported)
 */
public record DomainPair(ImageData source, ImageData sourceEval, ImageData target, ImageData targetEval) {

    /**
     * Loads both data sets by name.
     *
     * @param sourceLimit at most this many source training images (0 = all), a seeded random subset
     * @param targetLimit at most this many target training images (0 = all)
     * @param evalLimit at most this many images of each test split (0 = all)
     */
    public static DomainPair load(String sourceName, String targetName, long seed, int sourceLimit, int targetLimit, int evalLimit) {
        DataSplits s = Datasets.load(sourceName, seed);
        DataSplits t = Datasets.load(targetName, seed);
        ImageData src = s.train();
        ImageData tgt = t.train();
        int channels = Math.max(src.channels(), tgt.channels());
        return new DomainPair(prepare(src, channels, sourceLimit, seed * 7 + 1), prepare(s.test(), channels, evalLimit, seed * 7 + 2),
                prepare(tgt, channels, targetLimit, seed * 7 + 3), prepare(t.test(), channels, evalLimit, seed * 7 + 4));
    }

    private static ImageData prepare(ImageData data, int channels, int limit, long seed) {
        ImageData d = data;
        if (limit > 0 && d.size() > limit) {
            int[] order = Permutations.shuffled(d.size(), new SplittableRandom(seed));
            int[] keep = Arrays.copyOf(order, limit);
            Arrays.sort(keep);
            d = d.subset(d.name(), keep);
        }
        if (d.channels() == 1 && channels == 3) {
            ImageData rgb = Transforms.applyAll(d, Transforms.grayscaleToRgb(), 0);
            d = new ImageData(d.name(), d.classNames(), 3, d.height(), d.width(), rgb.pixels(), d.labels());
        } else if (d.channels() != channels) {
            throw new GraftException("'" + d.name() + "' has " + d.channels() + " channels and the other domain " + channels,
                    "adapt between gray and gray, colour and colour, or gray and colour");
        }
        return d;
    }
}
