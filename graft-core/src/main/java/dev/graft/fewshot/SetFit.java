package dev.graft.fewshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import dev.graft.text.TextData;
import dev.graft.text.TextEncoder;
import dev.graft.text.TextFineTuner;
import dev.graft.text.TextHead;
import dev.graft.text.TextTokenizer;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.LinearProbe;
import dev.graft.train.LrSchedule;
import dev.graft.train.OptimizerKind;
import dev.graft.train.TensorSet;
import dev.graft.train.loop.Batches;
import dev.graft.train.loop.Loop;
import dev.graft.zoo.NoGrad;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * SetFit (Tunstall et al. 2022, "Efficient Few-Shot Learning Without Prompts"): a sentence encoder
 * is fine-tuned contrastively on pairs drawn from a few labelled texts, then a logistic-regression
 * head is fitted on its embeddings.
 * <ol>
 *   <li>Pairs, as SetFit samples them: {@code numIterations} times, every text is paired with one
 *       other text of its label (target similarity 1) and one text of another label (target 0), so
 *       {@code 2 * n * numIterations} pairs;</li>
 *   <li>the whole encoder is trained on them with sentence-transformers' {@code CosineSimilarityLoss},
 *       the mean squared difference between {@code cos(u, v)} and the target, by AdamW on the one
 *       training {@link Loop} (warm-up over the first tenth of the steps);</li>
 *   <li>the head is multinomial logistic regression on the trained encoder's sentence vectors with
 *       scikit-learn's default penalty ({@code C = 1}, {@link #logisticHead}), SetFit's default head.</li>
 * </ol>
 * The encoder is changed in place: afterwards {@code encoder.embed} gives the vectors the head scores.
 *
 * <!-- example: SetFitText#setfit -->
 * <pre>{@code
 * try (TextEncoder encoder = TextEncoder.open("all-MiniLM-L6-v2")) {
 *     SetFit.Result r = SetFit.fit(encoder, support, SetFit.Options.defaults());   // support: a TextData, 2+ texts per label
 *     int c = r.head().predict(encoder.embed(List.of("a small furry pet that purrs"))[0]);
 *     System.out.println(r.head().classNames().get(c));
 * }
 * }</pre>
 */
public final class SetFit {
    private SetFit() {}

    /**
     * @param numIterations SetFit's {@code num_iterations}: positive and negative pairs drawn per text
     * @param epochs passes over the pairs
     * @param learningRate AdamW's peak learning rate for the encoder
     * @param batchSize pairs per step
     * @param weightDecay AdamW's decoupled weight decay (none on biases and LayerNorms)
     * @param seed pair sampling, batch order and dropout
     */
    public record Options(int numIterations, int epochs, float learningRate, int batchSize, float weightDecay, long seed) {
        public Options {
            if (numIterations < 1 || epochs < 1 || batchSize < 2 || !(learningRate > 0) || weightDecay < 0) {
                throw new GraftException("invalid SetFit options: iterations " + numIterations + ", epochs " + epochs + ", batch "
                        + batchSize + ", lr " + learningRate + ", weight decay " + weightDecay,
                        "use iterations >= 1, epochs >= 1, batch >= 2, learning rate > 0, weight decay >= 0");
            }
        }

        /** SetFit's defaults: 20 iterations, 1 epoch, learning rate 2e-5, batch 16 (sentence-transformers' weight decay 0.01), seed 42. */
        public static Options defaults() {
            return new Options(20, 1, 2e-5f, 16, 0.01f, 42);
        }

        public Options withNumIterations(int n) {
            return new Options(n, epochs, learningRate, batchSize, weightDecay, seed);
        }

        public Options withSeed(long s) {
            return new Options(numIterations, epochs, learningRate, batchSize, weightDecay, s);
        }

        public Options withLearningRate(float lr) {
            return new Options(numIterations, epochs, lr, batchSize, weightDecay, seed);
        }
    }

    /** Two texts (indices into the labelled texts) and the cosine similarity they should have: 1 same label, 0 not. */
    public record Pair(int first, int second, float target) {}

    /**
     * @param head the logistic-regression head on the trained encoder's vectors
     * @param pairs pairs trained on
     * @param steps optimizer updates
     * @param lossBefore mean {@code CosineSimilarityLoss} over the pairs before training (inference mode)
     * @param lossAfter the same after training
     * @param seconds wall time of the whole fit (pairs, training, head)
     */
    public record Result(TextHead head, int pairs, long steps, double lossBefore, double lossAfter, double seconds) {}

    /**
     * SetFit's pair sampling over {@code labels}: for each of {@code numIterations} rounds and each
     * text {@code i}, a pair with a random other text of {@code i}'s label (target 1) and one with a
     * random text of another label (target 0). Every label needs two texts and there must be two labels;
     * otherwise this fails naming the labels.
     */
    public static List<Pair> pairs(int[] labels, List<String> classNames, int numIterations, long seed) {
        Map<Integer, List<Integer>> byClass = checkSupport(labels, classNames);
        Random rnd = new Random(seed);
        List<Pair> out = new ArrayList<>(2 * labels.length * numIterations);
        for (int it = 0; it < numIterations; it++) {
            for (int i = 0; i < labels.length; i++) {
                List<Integer> same = byClass.get(labels[i]);
                int j;
                do {
                    j = same.get(rnd.nextInt(same.size()));
                } while (j == i);
                out.add(new Pair(i, j, 1f));
                int k;
                do {
                    k = rnd.nextInt(labels.length);
                } while (labels[k] == labels[i]);
                out.add(new Pair(i, k, 0f));
            }
        }
        return out;
    }

    /**
     * Checks that SetFit can draw pairs from texts labelled {@code labels}: at least two labels, each with
     * at least two texts (one clear error otherwise, naming the labels). Returns the texts of each label.
     */
    public static Map<Integer, List<Integer>> checkSupport(int[] labels, List<String> classNames) {
        Map<Integer, List<Integer>> byClass = new LinkedHashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            byClass.put(c, new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new GraftException("label " + labels[i] + " is not one of " + classNames.size() + " classes", "check the labels");
            }
            byClass.get(labels[i]).add(i);
        }
        List<String> none = new ArrayList<>();
        List<String> one = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : byClass.entrySet()) {
            if (e.getValue().size() < 2) {
                (e.getValue().isEmpty() ? none : one).add(classNames.get(e.getKey()));
            }
        }
        if (!none.isEmpty()) {
            throw new GraftException("no examples for " + none, "add at least two examples of each of these labels");
        }
        if (classNames.size() < 2) {
            throw new GraftException("SetFit needs at least two labels, the support set has " + classNames,
                    "add examples of another label (negative pairs are texts of different labels)");
        }
        if (!one.isEmpty()) {
            throw new GraftException("labels " + one + " have one example each, but SetFit's positive pairs need two texts of a label",
                    "give at least two examples per label, or use --method prototypes, which works from one");
        }
        return byClass;
    }

    /** Checks an episode shape for SetFit: positive pairs need {@code shots >= 2}. */
    public static void checkShots(int shots) {
        if (shots < 2) {
            throw new GraftException("SetFit episodes need at least 2 shots, got " + shots,
                    "use --shots 2 or more (positive pairs are two texts of a class), or --method prototypes");
        }
    }

    /** Mean {@code (cos(u, v) - target)^2} over {@code pairs} of unit-length {@code vectors} (sentence-transformers' CosineSimilarityLoss). */
    public static double pairLoss(float[][] vectors, List<Pair> pairs) {
        double sum = 0;
        for (Pair p : pairs) {
            float[] u = vectors[p.first()];
            float[] v = vectors[p.second()];
            double dot = 0;
            double nu = 0;
            double nv = 0;
            for (int j = 0; j < u.length; j++) {
                dot += u[j] * v[j];
                nu += u[j] * u[j];
                nv += v[j] * v[j];
            }
            double d = dot / Math.sqrt(nu * nv) - p.target();
            sum += d * d;
        }
        return pairs.isEmpty() ? 0 : sum / pairs.size();
    }

    /**
     * Multinomial logistic regression on fixed vectors with scikit-learn's default L2 penalty
     * ({@code C = 1}, i.e. {@code l2 = 1 / n}), fitted to convergence by {@link LinearProbe#fit}: SetFit's head,
     * and on a frozen encoder's vectors the linear probe.
     */
    public static TextHead logisticHead(float[][] x, int[] labels, List<String> classNames) {
        if (x.length == 0 || x.length != labels.length) {
            throw new GraftException(x.length + " vectors but " + labels.length + " labels", "give one label per example, at least one example");
        }
        int dim = x[0].length;
        float[] flat = new float[x.length * dim];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, flat, i * dim, dim);
        }
        LinearProbe.Solution s = LinearProbe.fit(new TensorSet(flat, new long[] {dim}, labels.clone(), classNames), 1.0 / x.length, true);
        float[][] w = new float[classNames.size()][dim];
        float[] b = new float[classNames.size()];
        for (int c = 0; c < w.length; c++) {
            for (int j = 0; j < dim; j++) {
                w[c][j] = (float) s.weight()[c * dim + j];
            }
            b[c] = (float) s.bias()[c];
        }
        return new TextHead(classNames, w, b);
    }

    /**
     * Trains {@code encoder} contrastively on pairs of {@code support}'s texts, then fits the head. Bad
     * input (a label with one example, a single label) fails before training.
     */
    public static Result fit(TextEncoder encoder, TextData support, Options o) {
        return fit(encoder, support.texts(), support.labels(), support.classNames(), o, "setfit");
    }

    /** As {@link #fit(TextEncoder, TextData, Options)} on texts and their labels; {@code progressLabel} null shows no progress. */
    public static Result fit(TextEncoder encoder, List<String> texts, int[] labels, List<String> classNames, Options o,
            String progressLabel) {
        if (texts.size() != labels.length) {
            throw new GraftException(texts.size() + " texts but " + labels.length + " labels", "give one label per text");
        }
        List<Pair> pairs = pairs(labels, classNames, o.numIterations(), o.seed());
        Engines.pytorch();
        long t0 = System.nanoTime();
        double before = pairLoss(encoder.embed(texts), pairs);
        Map<String, Parameter> encoderParams = encoder.model().stateDict();
        for (Parameter p : encoderParams.values()) {
            p.freeze(false);
        }
        GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.ADAMW, 0.9, TextFineTuner.encoderParams(encoderParams, o.weightDecay()));
        Batches batches = Batches.shuffled(pairs.size(), o.batchSize(), o.seed());
        long total = (long) o.epochs() * batches.perEpoch();
        LrSchedule schedule = new LrSchedule(o.learningRate(), Math.max(1, total / 10), total, 0.01);
        Loop.Result run = new Loop(opt, batches, c -> {
            int[] idx = c.indices();
            List<String> both = new ArrayList<>(2 * idx.length);
            float[] target = new float[idx.length];
            for (int i = 0; i < idx.length; i++) {
                both.add(texts.get(pairs.get(idx[i]).first()));
                target[i] = pairs.get(idx[i]).target();
            }
            for (int i : idx) {
                both.add(texts.get(pairs.get(i).second()));
            }
            TextTokenizer.Batch batch = encoder.tokenizer().encodeQuietly(both);
            NDArray v = encoder.encode(c.manager(), c.parameters(), batch, true);   // unit length: the dot product is the cosine
            NDArray u = v.get("0:" + idx.length);
            NDArray w = v.get(idx.length + ":");
            NDArray cos = u.mul(w).sum(new int[] {1});
            return cos.sub(c.manager().create(target)).square().mean();
        })
                .withEpochs(o.epochs())
                .withSchedule(schedule::lr)
                .withSeed(o.seed())
                .withLabel(progressLabel)
                .withOneProgressBar(true)
                .run(Loop.Position.START);
        float[][] vectors = encoder.embed(texts);
        double after = pairLoss(vectors, pairs);
        TextHead head = logisticHead(vectors, labels, classNames);
        return new Result(head, pairs.size(), run.steps(), before, after, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * N-way K-shot episodes over {@code data} ({@link EpisodicEvaluation#run(int[], int, int, int, int, long, EpisodicEvaluation.Learner)}'s
     * draws): every episode fine-tunes {@code encoder} by SetFit on its support texts, scores the queries, and
     * puts the encoder's weights back, so episodes are independent. Needs {@code shots >= 2}.
     */
    public static EpisodicEvaluation.Result episodes(TextEncoder encoder, TextData data, int ways, int shots, int queries, int episodes,
            long seed, Options o) {
        checkShots(shots);
        Map<String, Parameter> params = encoder.model().stateDict();
        try (NDManager keep = encoder.manager().newSubManager()) {
            Map<String, NDArray> saved = new LinkedHashMap<>();
            params.forEach((k, p) -> {
                NDArray copy = p.getArray().duplicate();
                copy.attach(keep);
                saved.put(k, copy);
            });
            List<String> names = EpisodicEvaluation.classNames(ways);
            int[] episode = {0};
            return EpisodicEvaluation.run(data.labels(), ways, shots, queries, episodes, seed, (support, supportLabels, query, queryLabels) -> {
                try {
                    Result r = fit(encoder, texts(data, support), supportLabels, names, o.withSeed(o.seed() + episode[0]++), null);
                    return r.head().accuracy(encoder.embed(texts(data, query)), queryLabels);
                } finally {
                    try (NoGrad g = NoGrad.enter()) {
                        params.forEach((k, p) -> saved.get(k).copyTo(p.getArray()));
                    }
                }
            });
        }
    }

    private static List<String> texts(TextData d, int[] idx) {
        List<String> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(d.text(i));
        }
        return out;
    }
}
