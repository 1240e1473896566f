package dev.graft.fewshot;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.Pixels;
import dev.graft.data.transform.Transform;
import dev.graft.data.transform.Transforms;
import dev.graft.train.FeatureExtractor;
import dev.graft.zoo.GraftModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * N-way K-shot episodes on images: prototypes of a model's image features (any zoo model's pooled
 * pre-logits features, or a CLIP model's image embedding), scored by {@link EpisodicEvaluation}.
 *
 * <p>Data sets with one image per class (the emoji styles) get extra <em>views</em>: view 0 is the
 * image itself, the others random square crops of 75 to 100 % of its side, resized back
 * ({@link Transforms#randomSquareCrop}), drawn with the episode seed. Within one data set, support
 * and queries are disjoint views; across data sets ({@code query} not null), the support comes from
 * one set and the queries from the other, classes matched by name.
 *
 * <pre>{@code
 * ImageData google = Datasets.source("emoji-google").load(42, 0.0).test();    // unseen emoji
 * ImageData twitter = Datasets.source("emoji-twitter").load(42, 0.0).test();
 * EpisodicEvaluation.Result r = ImageEpisodes.run(model, google, twitter, 5, 1, 1, 600, 42);
 * }</pre>
 */
public final class ImageEpisodes {
    /** The smallest crop side, as a fraction of the image's shorter side, of an extra view. */
    public static final double VIEW_MIN_FRACTION = 0.75;

    private ImageEpisodes() {}

    /**
     * Every image of {@code data} as {@code views} samples: itself first, then random square crops,
     * until each class has at least {@code views} samples (classes with that many already keep theirs).
     */
    public static ImageData views(ImageData data, int views, long seed) {
        int[] counts = data.countsPerClass();
        Transform crop = Transforms.randomSquareCrop(data.height(), data.width(), VIEW_MIN_FRACTION);
        Random rnd = new Random(seed);
        int per = data.imageSize();
        List<float[]> px = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            int c = data.label(i);
            int copies = counts[c] >= views ? 1 : (views + counts[c] - 1) / counts[c];
            float[] img = data.image(i);
            px.add(img);
            labels.add(c);
            for (int v = 1; v < copies; v++) {
                Pixels p = crop.apply(new Pixels(data.channels(), data.height(), data.width(), img), rnd);
                px.add(p.values());
                labels.add(c);
            }
        }
        float[] flat = new float[px.size() * per];
        for (int i = 0; i < px.size(); i++) {
            System.arraycopy(px.get(i), 0, flat, i * per, per);
        }
        return new ImageData(data.name() + " views", data.classNames(), data.channels(), data.height(), data.width(), flat,
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The number of classes of {@code data} that have at least one image. */
    public static int classesPresent(ImageData data) {
        int n = 0;
        for (int c : data.countsPerClass()) {
            n += c > 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * Runs {@code episodes} episodes over {@code support} (and {@code query}, or null for within-set
     * episodes) with the image features of {@code model}.
     */
    public static EpisodicEvaluation.Result run(GraftModel model, ImageData support, ImageData query, int ways, int shots, int queries,
            int episodes, long seed) {
        int available = query == null ? classesPresent(support) : shared(support, query);
        if (ways > available) {
            throw new GraftException(ways + "-way episodes need " + ways + " classes but " + (query == null ? support.name() + " has "
                    : support.name() + " and " + query.name() + " share ") + available, "use --ways " + available + " or fewer");
        }
        if (query == null) {
            ImageData pool = views(support, shots + queries, seed);
            float[][] v = FeatureExtractor.embed(model, pool, 64);
            return EpisodicEvaluation.run(v, pool.labels(), ways, shots, queries, episodes, seed);
        }
        ImageData s = views(support, shots, seed);
        ImageData q = relabel(views(query, queries, seed + 1), support.classNames());
        return EpisodicEvaluation.run(FeatureExtractor.embed(model, s, 64), s.labels(), FeatureExtractor.embed(model, q, 64), q.labels(),
                ways, shots, queries, episodes, seed);
    }

    private static int shared(ImageData a, ImageData b) {
        int[] ca = a.countsPerClass();
        int[] cb = b.countsPerClass();
        Map<String, Integer> inB = new HashMap<>();
        for (int c = 0; c < b.numClasses(); c++) {
            inB.put(b.classNames().get(c), cb[c]);
        }
        int n = 0;
        for (int c = 0; c < a.numClasses(); c++) {
            n += ca[c] > 0 && inB.getOrDefault(a.classNames().get(c), 0) > 0 ? 1 : 0;
        }
        return n;
    }

    /** {@code data} with labels in {@code classNames}' order; samples of classes not there are dropped. */
    static ImageData relabel(ImageData data, List<String> classNames) {
        if (data.classNames().equals(classNames)) {
            return data;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            index.put(classNames.get(c), c);
        }
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (index.containsKey(data.classNames().get(data.label(i)))) {
                keep.add(i);
            }
        }
        int[] idx = keep.stream().mapToInt(Integer::intValue).toArray();
        ImageData kept = data.subset(data.name(), idx);
        int[] labels = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            labels[i] = index.get(data.classNames().get(kept.label(i)));
        }
        return new ImageData(data.name(), classNames, data.channels(), data.height(), data.width(), kept.pixels(), labels);
    }
}
