package dev.graft.fewshot;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * N-way K-shot episodic evaluation of the prototype classifier on fixed embeddings: each episode
 * draws N classes, K support and Q query examples per class (disjoint), and scores the queries.
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
     */
    public record Result(int ways, int shots, int queries, int episodes, double mean, double std, double ci95) {}

    /** Runs {@code episodes} episodes drawn with {@code seed} over {@code vectors} labelled {@code labels}. */
    public static Result run(float[][] vectors, int[] labels, int ways, int shots, int queries, int episodes, long seed) {
        if (ways < 2 || shots < 1 || queries < 1 || episodes < 1) {
            throw new GraftException("invalid episode shape: " + ways + "-way " + shots + "-shot, " + queries + " queries, "
                    + episodes + " episodes", "use ways >= 2, shots >= 1, queries >= 1, episodes >= 1");
        }
        int numClasses = 0;
        for (int l : labels) {
            numClasses = Math.max(numClasses, l + 1);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        List<Integer> eligible = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            if (byClass.get(c).size() >= shots + queries) {
                eligible.add(c);
            }
        }
        if (eligible.size() < ways) {
            throw new GraftException("only " + eligible.size() + " classes have " + (shots + queries) + " examples for "
                    + ways + "-way " + shots + "-shot episodes with " + queries + " queries", "use fewer ways, shots or queries");
        }
        Random rnd = new Random(seed);
        double[] acc = new double[episodes];
        List<String> names = new ArrayList<>();
        for (int w = 0; w < ways; w++) {
            names.add("class" + w);
        }
        for (int e = 0; e < episodes; e++) {
            List<Integer> classes = new ArrayList<>(eligible);
            Collections.shuffle(classes, rnd);
            float[][] support = new float[ways * shots][];
            int[] supportLabels = new int[ways * shots];
            float[][] query = new float[ways * queries][];
            int[] queryLabels = new int[ways * queries];
            for (int w = 0; w < ways; w++) {
                List<Integer> pool = new ArrayList<>(byClass.get(classes.get(w)));
                Collections.shuffle(pool, rnd);
                for (int k = 0; k < shots; k++) {
                    support[w * shots + k] = vectors[pool.get(k)];
                    supportLabels[w * shots + k] = w;
                }
                for (int q = 0; q < queries; q++) {
                    query[w * queries + q] = vectors[pool.get(shots + q)];
                    queryLabels[w * queries + q] = w;
                }
            }
            acc[e] = PrototypeClassifier.fit(support, supportLabels, names).accuracy(query, queryLabels);
        }
        return summarize(ways, shots, queries, acc);
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
        return new Result(ways, shots, queries, n, mean, std, 1.96 * std / Math.sqrt(n));
    }
}
