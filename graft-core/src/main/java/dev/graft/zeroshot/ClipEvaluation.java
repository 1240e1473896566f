package dev.graft.zeroshot;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.fewshot.EpisodicEvaluation;
import dev.graft.fewshot.ImageEpisodes;
import dev.graft.text.TextTokenizer;
import dev.graft.train.FeatureExtractor;
import dev.graft.zoo.clip.ImageTextModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot image classification into classes never trained on, measured: every class of a test set
 * that has an image becomes a text classifier by prompt averaging ({@link ZeroShotClassifier}), and
 * the images are ranked against all of them (top-1, top-5) and in {@code ways}-way episodes (top-1).
 * The same episodes are also run with 1-shot prototypes of the same image features, the support
 * image drawn from a reference set (another style: the prototype is the other artist's drawing; the
 * same set: a random crop of the image itself, {@link ImageEpisodes#views}).
 *
 * <pre>{@code
 * ClipEvaluation.Result r = ClipEvaluation.evaluate(model, tokenizer, ClipTrainer.TEMPLATES, twitterUnseen, googleUnseen, 20, 500, 42);
 * System.out.println(r.top1() + " vs chance " + r.chance());
 * }</pre>
 */
public final class ClipEvaluation {
    private ClipEvaluation() {}

    /**
     * One test set's numbers.
     *
     * @param test the test set's name
     * @param classes classes ranked in the all-way test
     * @param images test images
     * @param top1 all-way zero-shot top-1
     * @param top5 all-way zero-shot top-5
     * @param chance all-way chance, 1 / classes
     * @param ways the episodes' ways
     * @param episodes episodes run
     * @param zeroShotWays mean zero-shot top-1 of the episodes
     * @param zeroShotCi95 its 95% interval half-width
     * @param oneShotWays mean 1-shot prototype top-1 of the same episodes
     * @param oneShotCi95 its 95% interval half-width
     * @param support where the 1-shot support images come from
     */
    public record Result(String test, int classes, int images, double top1, double top5, double chance, int ways, int episodes,
            double zeroShotWays, double zeroShotCi95, double oneShotWays, double oneShotCi95, String support) {}

    /**
     * Measures {@code model} on {@code test} (see the class comment).
     *
     * @param reference the 1-shot support images (the same set or another style of the same classes)
     */
    public static Result evaluate(ImageTextModel model, TextTokenizer tokenizer, List<String> templates, ImageData test, ImageData reference,
            int ways, int episodes, long seed) {
        int[] counts = test.countsPerClass();
        List<Integer> present = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0) {
                present.add(c);
            }
        }
        if (present.size() < ways) {
            throw new GraftException(ways + "-way episodes need " + ways + " classes but " + test.name() + " has " + present.size(),
                    "use " + present.size() + " ways or fewer");
        }
        List<String> names = present.stream().map(c -> test.classNames().get(c)).toList();
        ZeroShotClassifier all = model.zeroShot(tokenizer, names, templates);
        float[][] textVectors = all.weights();
        float[][] images = FeatureExtractor.embed(model, test, 64);
        // labels as positions in `present`
        int[] index = new int[counts.length];
        for (int k = 0; k < present.size(); k++) {
            index[present.get(k)] = k;
        }
        int[] labels = new int[test.size()];
        int hit1 = 0;
        int hit5 = 0;
        for (int i = 0; i < test.size(); i++) {
            labels[i] = index[test.label(i)];
            float[] s = all.scores(images[i]);
            int better = 0;
            for (float v : s) {
                better += v > s[labels[i]] ? 1 : 0;
            }
            hit1 += better == 0 ? 1 : 0;
            hit5 += better < 5 ? 1 : 0;
        }
        // One "support" entry per class (its text vector) and the images as queries: episodes draw ways classes, score their queries.
        int[] classLabels = new int[present.size()];
        for (int k = 0; k < classLabels.length; k++) {
            classLabels[k] = k;
        }
        EpisodicEvaluation.Result zs = EpisodicEvaluation.run(classLabels, labels, ways, 1, 1, episodes, seed, (support, sLabels, query, qLabels) -> {
            int right = 0;
            for (int q = 0; q < query.length; q++) {
                int best = -1;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int s = 0; s < support.length; s++) {
                    double dot = dot(textVectors[support[s]], images[query[q]]);
                    if (dot > bestScore) {
                        bestScore = dot;
                        best = sLabels[s];
                    }
                }
                right += best == qLabels[q] ? 1 : 0;
            }
            return right / (double) query.length;
        });
        boolean sameSet = reference == test || reference.name().equals(test.name());
        EpisodicEvaluation.Result proto = ImageEpisodes.run(model, reference, sameSet ? null : test, ways, 1, 1, episodes, seed);
        return new Result(test.name(), present.size(), test.size(), hit1 / (double) test.size(), hit5 / (double) test.size(), 1.0 / present.size(),
                ways, episodes, zs.mean(), zs.ci95(), proto.mean(), proto.ci95(), sameSet ? "a crop of the image itself" : reference.name());
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        double nb = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
            nb += b[j] * b[j];
        }
        return s / Math.sqrt(Math.max(nb, 1e-24));
    }
}
