package dev.graft.fewshot;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * N-way K-shot episodic evaluation on fixed embeddings (the prototype classifier, or any learner):
 * each episode draws N classes, K support and Q query examples per class (disjoint, or from a second
 * pool such as another drawing style), and scores the queries.
 * Reports the mean accuracy and the 95% confidence interval {@code 1.96 * std / sqrt(episodes)},
 * as Prototypical Networks and learn2learn report it.
 *
 * <pre>{@code
 * EpisodicEvaluation.Result r = EpisodicEvaluation.run(vectors, labels, 5, 1, 15, 600, 42);
 * System.out.println(r.mean() + " +- " + r.ci95());
 * }</pre>
 */
public final class EpisodicEvaluation {
    private EpisodicEvaluation() {}

    /**
     * @param ways classes per episode
     * @param shots support examples per class
     * @param queries query examples per class
     * @param episodes number of episodes
     * @param mean mean accuracy over episodes
     * @param std sample standard deviation of episode accuracies
     * @param ci95 half-width of the 95% confidence interval of the mean
     * @param accuracies each episode's accuracy, in the order drawn (the same draws for every learner at one seed)
     */
    public record Result(int ways, int shots, int queries, int episodes, double mean, double std, double ci95, double[] accuracies) {
        /** Equal when every field is, the episode accuracies compared by value. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && ways == r.ways && shots == r.shots && queries == r.queries && episodes == r.episodes
                    && Double.compare(mean, r.mean) == 0 && Double.compare(std, r.std) == 0 && Double.compare(ci95, r.ci95) == 0
                    && java.util.Arrays.equals(accuracies, r.accuracies);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(ways, shots, queries, episodes, mean, std, ci95, java.util.Arrays.hashCode(accuracies));
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "Result[%d-way %d-shot, %d queries, %d episodes, mean=%s, std=%s, ci95=%s, accuracies=%s]",
                    ways, shots, queries, episodes, mean, std, ci95, java.util.Arrays.toString(accuracies));
        }
    }

    /**
     * Learns from one episode's support set and scores its queries: indices into the data, labels
     * {@code 0..ways-1} within the episode.
     */
    @FunctionalInterface
    public interface Learner {
        /** The accuracy on the queries after learning from the support examples. */
        double accuracy(int[] support, int[] supportLabels, int[] query, int[] queryLabels);
    }

    /** A classifier fitted to an episode's support vectors, e.g. {@code PrototypeClassifier::fit}. */
    @FunctionalInterface
    public interface VectorFitter {
        dev.graft.text.VectorClassifier fit(float[][] support, int[] labels, List<String> classNames);
    }

    /** Runs {@code episodes} prototype-classifier episodes drawn with {@code seed} over {@code vectors} labelled {@code labels}. */
    public static Result run(float[][] vectors, int[] labels, int ways, int shots, int queries, int episodes, long seed) {
        return run(vectors, labels, ways, shots, queries, episodes, seed, PrototypeClassifier::fit);
    }

    /** As {@link #run(float[][], int[], int, int, int, int, long)}, each episode's classifier fitted by {@code fitter}. */
    public static Result run(float[][] vectors, int[] labels, int ways, int shots, int queries, int episodes, long seed,
            VectorFitter fitter) {
        return run(vectors, labels, vectors, labels, ways, shots, queries, episodes, seed, fitter);
    }

    /**
     * Prototype-classifier episodes whose support is drawn from one pool and whose queries from another,
     * with the same class indices (e.g. support drawn in one style, queries in another). Passing the same
     * arrays twice draws support and queries disjointly from one pool, as
     * {@link #run(float[][], int[], int, int, int, int, long)}.
     */
    public static Result run(float[][] supportVectors, int[] supportLabels, float[][] queryVectors, int[] queryLabels, int ways, int shots,
            int queries, int episodes, long seed) {
        return run(supportVectors, supportLabels, queryVectors, queryLabels, ways, shots, queries, episodes, seed, PrototypeClassifier::fit);
    }

    private static Result run(float[][] supportVectors, int[] supportLabels, float[][] queryVectors, int[] queryLabels, int ways, int shots,
            int queries, int episodes, long seed, VectorFitter fitter) {
        if (supportVectors != queryVectors && supportLabels == queryLabels) {
            throw new IllegalArgumentException("two vector pools need their own label arrays");
        }
        List<String> names = classNames(ways);
        return run(supportLabels, queryLabels, ways, shots, queries, episodes, seed, (support, sLabels, query, qLabels) ->
                fitter.fit(rows(supportVectors, support), sLabels, names).accuracy(rows(queryVectors, query), qLabels));
    }

    /**
     * Runs {@code episodes} episodes drawn with {@code seed} over data labelled {@code labels}, each
     * learned and scored by {@code learner} (the draws depend only on the labels, the shape and the seed,
     * so every learner sees the same episodes).
     */
    public static Result run(int[] labels, int ways, int shots, int queries, int episodes, long seed, Learner learner) {
        return run(labels, labels, ways, shots, queries, episodes, seed, learner);
    }

    /**
     * As {@link #run(int[], int, int, int, int, long, Learner)} with support drawn from a pool labelled
     * {@code supportLabels} and queries from a pool labelled {@code queryLabels} (the learner's query
     * indices point into the second pool). The same array twice means one pool, support and queries disjoint.
     */
    public static Result run(int[] supportLabels, int[] queryLabels, int ways, int shots, int queries, int episodes, long seed,
            Learner learner) {
        boolean onePool = supportLabels == queryLabels;
        if (ways < 2 || shots < 1 || queries < 1 || episodes < 1) {
            throw new GraftException("invalid episode shape: " + ways + "-way " + shots + "-shot, " + queries + " queries, "
                    + episodes + " episodes", "use ways >= 2, shots >= 1, queries >= 1, episodes >= 1");
        }
        int numClasses = 0;
        for (int l : supportLabels) {
            numClasses = Math.max(numClasses, l + 1);
        }
        for (int l : queryLabels) {
            numClasses = Math.max(numClasses, l + 1);
        }
        List<List<Integer>> byClass = byClass(supportLabels, numClasses);
        List<List<Integer>> queryByClass = onePool ? byClass : byClass(queryLabels, numClasses);
        List<Integer> eligible = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            if (onePool ? byClass.get(c).size() >= shots + queries : byClass.get(c).size() >= shots && queryByClass.get(c).size() >= queries) {
                eligible.add(c);
            }
        }
        if (eligible.size() < ways) {
            throw new GraftException("only " + eligible.size() + " classes have " + (onePool ? (shots + queries) + " examples" : shots
                    + " support and " + queries + " query examples") + " for " + ways + "-way " + shots + "-shot episodes with " + queries
                    + " queries", "use fewer ways, shots or queries");
        }
        Random rnd = new Random(seed);
        double[] acc = new double[episodes];
        for (int e = 0; e < episodes; e++) {
            List<Integer> classes = new ArrayList<>(eligible);
            Collections.shuffle(classes, rnd);
            int[] support = new int[ways * shots];
            int[] episodeSupportLabels = new int[ways * shots];
            int[] query = new int[ways * queries];
            int[] episodeQueryLabels = new int[ways * queries];
            for (int w = 0; w < ways; w++) {
                List<Integer> pool = new ArrayList<>(byClass.get(classes.get(w)));
                Collections.shuffle(pool, rnd);
                List<Integer> queryPool = pool;
                int offset = shots;
                if (!onePool) {
                    queryPool = new ArrayList<>(queryByClass.get(classes.get(w)));
                    Collections.shuffle(queryPool, rnd);
                    offset = 0;
                }
                for (int k = 0; k < shots; k++) {
                    support[w * shots + k] = pool.get(k);
                    episodeSupportLabels[w * shots + k] = w;
                }
                for (int q = 0; q < queries; q++) {
                    query[w * queries + q] = queryPool.get(offset + q);
                    episodeQueryLabels[w * queries + q] = w;
                }
            }
            acc[e] = learner.accuracy(support, episodeSupportLabels, query, episodeQueryLabels);
        }
        return summarize(ways, shots, queries, acc);
    }

    private static List<List<Integer>> byClass(int[] labels, int numClasses) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        return byClass;
    }

    /** The class names of an episode's labels: {@code class0 .. class<ways-1>}. */
    public static List<String> classNames(int ways) {
        List<String> names = new ArrayList<>();
        for (int w = 0; w < ways; w++) {
            names.add("class" + w);
        }
        return names;
    }

    private static float[][] rows(float[][] vectors, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = vectors[idx[i]];
        }
        return out;
    }

    /** Mean, sample std and 95% CI half-width of per-episode accuracies. */
    public static Result summarize(int ways, int shots, int queries, double[] accuracies) {
        int n = accuracies.length;
        double mean = 0;
        for (double a : accuracies) {
            mean += a / n;
        }
        double var = 0;
        for (double a : accuracies) {
            var += (a - mean) * (a - mean);
        }
        double std = n > 1 ? Math.sqrt(var / (n - 1)) : 0;
        return new Result(ways, shots, queries, n, mean, std, 1.96 * std / Math.sqrt(n), accuracies.clone());
    }
}
