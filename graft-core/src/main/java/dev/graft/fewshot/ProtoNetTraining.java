package dev.graft.fewshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.Pixels;
import dev.graft.data.transform.Transform;
import dev.graft.data.transform.Transforms;
import dev.graft.engine.Scalars;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.Losses;
import dev.graft.train.ModelInput;
import dev.graft.train.ModelParts;
import dev.graft.train.OptimizerKind;
import dev.graft.train.Strategy;
import dev.graft.train.TensorSet;
import dev.graft.train.TrainConfig;
import dev.graft.train.TrainableParam;
import dev.graft.train.loop.Batches;
import dev.graft.train.loop.Loop;
import dev.graft.util.Permutations;
import dev.graft.util.Records;
import dev.graft.zoo.GraftModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Episodic training of a Prototypical Network (Snell, Swersky and Zemel, 2017): each step draws an
 * N-way episode from the seen classes, K support and Q query images per class, embeds them with the
 * model's pooled features, takes each class's mean support embedding as its prototype and minimises
 * the cross-entropy of the queries' softmax over negative squared Euclidean distances to the prototypes.
 * Adam at 1e-3, halved every 2,000 episodes, as the paper.
 *
 * <p>A class with fewer than K + Q images gets extra views in each episode (random square crops of
 * its images, as {@link ImageEpisodes#views}), so memory holds each image once; the emoji styles have
 * one image per class and style, so training on several styles at once gives each class images by
 * different artists.
 *
 * <pre>{@code
 * GraftModel conv4 = Zoo.create("conv4", CreateOptions.defaults().withNumClasses(0));
 * ImageData seen = Datasets.source("emoji-google").load(42, 0.0).train();    // the seen emoji
 * ProtoNetTraining.Result r = ProtoNetTraining.train(conv4, seen, ProtoNetTraining.Options.defaults());
 * // then ImageEpisodes.run(conv4, unseen, null, 5, 1, 15, 600, 42) scores it on unseen classes
 * }</pre>
 */
public final class ProtoNetTraining {
    /** Episodes after which the learning rate halves, as the paper. */
    public static final int HALVING_EPISODES = 2000;

    private ProtoNetTraining() {}

    /**
     * How to train.
     *
     * @param ways classes per training episode (the paper trains with more ways than it tests: 60 on Omniglot)
     * @param shots support images per class
     * @param queries query images per class
     * @param episodes training episodes (optimizer steps)
     * @param learningRate Adam's initial rate
     * @param seed episode draws, views and dropout
     */
    public record Options(int ways, int shots, int queries, int episodes, double learningRate, long seed) {
        /** 20-way 5-shot episodes with 5 queries per class, 1,000 episodes, Adam at 1e-3, seed 42. */
        public static Options defaults() {
            return new Options(20, 5, 5, 1000, 1e-3, 42);
        }

        public Options withWays(int n) {
            return Records.with(this, "ways", n);
        }

        public Options withShots(int n) {
            return Records.with(this, "shots", n);
        }

        public Options withQueries(int n) {
            return Records.with(this, "queries", n);
        }

        public Options withEpisodes(int n) {
            return Records.with(this, "episodes", n);
        }

        public Options withLearningRate(double lr) {
            return Records.with(this, "learningRate", lr);
        }

        public Options withSeed(long s) {
            return Records.with(this, "seed", s);
        }
    }

    /**
     * What a training did.
     *
     * @param classes seen classes episodes were drawn from
     * @param images images they had (extra views are cropped from them episode by episode)
     * @param episodes optimizer steps
     * @param episodeLoss each episode's query loss, in order
     * @param episodeAccuracy each episode's query accuracy, in order
     * @param seconds training time
     */
    public record Result(int classes, int images, int episodes, double[] episodeLoss, double[] episodeAccuracy, double seconds) {
        /** The mean of {@code values} over the last {@code n} episodes (all if fewer). */
        public static double lastMean(double[] values, int n) {
            int from = Math.max(0, values.length - n);
            double s = 0;
            for (int i = from; i < values.length; i++) {
                s += values[i];
            }
            return values.length == from ? Double.NaN : s / (values.length - from);
        }
    }

    /**
     * The seen images of several styles of one data set as one set, classes by name (the first's
     * order; the others' classes it lacks dropped), so each class has an image of every style.
     */
    public static ImageData together(List<ImageData> styles) {
        ImageData all = styles.get(0);
        for (int i = 1; i < styles.size(); i++) {
            all = dev.graft.data.Splits.concat(all.name() + "+" + styles.get(i).name(), all, ImageEpisodes.relabel(styles.get(i), all.classNames()));
        }
        return all;
    }

    /** Trains {@code model}'s backbone in place on episodes of {@code seen} (see the class comment). */
    public static Result train(GraftModel model, ImageData seen, Options o) {
        if (o.ways() < 2 || o.shots() < 1 || o.queries() < 1 || o.episodes() < 1 || !(o.learningRate() > 0)) {
            throw new GraftException("invalid episode options " + o, "use 2+ ways, 1+ shots, 1+ queries, 1+ episodes and a positive learning rate");
        }
        int present = ImageEpisodes.classesPresent(seen);
        if (o.ways() > present) {
            throw new GraftException(o.ways() + "-way episodes need " + o.ways() + " classes but " + seen.name() + " has " + present,
                    "use --ways " + present + " or fewer");
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < seen.numClasses(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < seen.size(); i++) {
            byClass.get(seen.label(i)).add(i);
        }
        List<Integer> classes = new ArrayList<>();
        for (int c = 0; c < byClass.size(); c++) {
            if (!byClass.get(c).isEmpty()) {
                classes.add(c);
            }
        }
        Transform crop = Transforms.randomSquareCrop(seen.height(), seen.width(), ImageEpisodes.VIEW_MIN_FRACTION);
        Batches episodes = new Batches() {
            @Override
            public int perEpoch() {
                return o.episodes();
            }

            @Override
            public int[] indices(int epoch, int episode) {
                return draw(byClass, classes, o, new Random(Permutations.mix(o.seed(), episode)));
            }
        };
        // the embedding only: a classifier, if the model has one, takes no part in the episodes
        List<TrainableParam> params = ModelParts.trainable(model, Strategy.SCRATCH, TrainConfig.defaults().withWeightDecay(0)).stream()
                .filter(p -> !ModelParts.isClassifier(model, p.key())).toList();
        GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.ADAMW, 0.9, params);
        double[] losses = new double[o.episodes()];
        double[] accuracies = new double[o.episodes()];
        int[] done = {0};
        Loop.Result r = new Loop(opt, episodes, c -> {
            TensorSet images = ModelInput.prepare(episodeImages(seen, c.indices(), crop, new Random(Permutations.mix(~o.seed(), c.batch()))), model.cfg());
            NDArray logits = logits(model, c.parameters(), images.batch(c.manager(), Permutations.identity(images.size())), o.ways(), o.shots(),
                    o.queries(), true);
            NDArray target = queryLabels(c.manager(), o.ways(), o.queries());
            NDArray loss = Losses.crossEntropy(logits, target, 0.0);
            accuracies[done[0]] = logits.argMax(1).toType(target.getDataType(), false).eq(target).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .mean().getFloat();
            losses[done[0]] = loss.getFloat();
            done[0]++;
            return loss;
        }).withEpochs(1).withSchedule(step -> o.learningRate() * Math.pow(0.5, (double) (step / HALVING_EPISODES))).withSeed(o.seed())
                .withLabel("protonet").withStatus(() -> String.format(java.util.Locale.ROOT, "loss %.4f, query accuracy %.3f",
                        Result.lastMean(java.util.Arrays.copyOf(losses, done[0]), 50), Result.lastMean(java.util.Arrays.copyOf(accuracies, done[0]), 50)))
                .run(Loop.Position.START);
        return new Result(classes.size(), seen.size(), (int) r.steps(), losses, accuracies, r.trainSeconds());
    }

    /** The model card of a run folder. */
    public static final String CARD = "README.md";

    /** The curves of a run folder: query loss and accuracy over training episodes. */
    public static final String CURVES = "episodes.png";

    /**
     * Writes a run folder: the trained model ({@code config.json} + {@code model.safetensors}, loadable
     * with {@code Zoo.create("local-dir:DIR")}), {@link #CURVES} and a card with the training and
     * {@code unseen}, the evaluations on unseen classes (by name, the data set first: {@code emoji-google 5-way 1-shot}).
     *
     * @param dataName the seen data, as the card names it
     * @param recipe the command that remade this, for the card (null: none)
     */
    public static void save(GraftModel model, Result r, Options o, String dataName, java.util.Map<String, EpisodicEvaluation.Result> unseen,
            java.nio.file.Path dir, String recipe) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        dev.graft.zoo.Weights.save(model, dir, model.cfg());
        int every = Math.max(1, r.episodes() / 50);
        List<java.util.Map<String, Object>> points = new ArrayList<>();
        for (int from = 0; from < r.episodes(); from += every) {
            int to = Math.min(r.episodes(), from + every);
            points.add(java.util.Map.of("episode", to, "train_loss", mean(r.episodeLoss(), from, to), "train_top1", mean(r.episodeAccuracy(), from, to)));
        }
        dev.graft.train.Charts.lossAndTop1(points, "episode", dir.resolve(CURVES));
        dev.graft.train.CardFrontMatter fm = new dev.graft.train.CardFrontMatter("apache-2.0", "image-feature-extraction")
                .withDataset(dataName).withTags("graft", "few-shot", "prototypical-networks");
        StringBuilder body = new StringBuilder();
        body.append("# ").append(model.cfg().architecture()).append(" trained as a Prototypical Network on ").append(dataName).append("\n\n");
        body.append(String.format(java.util.Locale.ROOT, "Episodic training (Snell et al. 2017) on the seen classes: %d episodes of %d-way %d-shot with %d queries"
                + " per class, Adam at %s halved every %,d episodes, seed %d; %d classes, %d images, %.0f s.%n%n",
                r.episodes(), o.ways(), o.shots(), o.queries(), o.learningRate(), HALVING_EPISODES, o.seed(), r.classes(), r.images(), r.seconds()));
        body.append(String.format(java.util.Locale.ROOT, "Query accuracy over the last 100 training episodes: %.1f %% (loss %.4f).%n%n",
                100 * Result.lastMean(r.episodeAccuracy(), 100), Result.lastMean(r.episodeLoss(), 100)));
        if (!unseen.isEmpty()) {
            body.append("## Unseen classes\n\n| episodes | accuracy | 95% interval |\n| --- | --- | --- |\n");
            for (java.util.Map.Entry<String, EpisodicEvaluation.Result> u : unseen.entrySet()) {
                EpisodicEvaluation.Result e = u.getValue();
                body.append(String.format(java.util.Locale.ROOT, "| %s (%d) | %.2f %% | ± %.2f |%n", u.getKey(), e.episodes(), 100 * e.mean(),
                        100 * e.ci95()));
                fm = fm.withResult(model.cfg().architecture() + "-protonet", "image-classification", u.getKey(), u.getKey().split(" ")[0],
                        dev.graft.train.CardFrontMatter.metric("accuracy", u.getKey(), e.mean()));
            }
            body.append('\n');
        }
        body.append("![episodes](").append(CURVES).append(")\n");
        if (recipe != null) {
            body.append("\n## Reproduce\n\n```bash\n").append(recipe).append("\n```\n");
        }
        dev.graft.train.RunDirectory.writeCard(dir.resolve(CARD), fm.toMap(), body.toString());
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }

    /**
     * One episode's rows: {@code ways} classes drawn from {@code classes}, then for each, in class order,
     * its {@code shots} support rows, then for each its {@code queries} query rows.
     */
    static int[] draw(List<List<Integer>> byClass, List<Integer> classes, Options o, Random rnd) {
        List<Integer> pick = new ArrayList<>(classes);
        java.util.Collections.shuffle(pick, rnd);
        int per = o.shots() + o.queries();
        int[] rows = new int[o.ways() * per];
        for (int w = 0; w < o.ways(); w++) {
            List<Integer> mine = new ArrayList<>(byClass.get(pick.get(w)));
            java.util.Collections.shuffle(mine, rnd);
            for (int k = 0; k < per; k++) {
                int at = k < o.shots() ? w * o.shots() + k : o.ways() * o.shots() + w * o.queries() + (k - o.shots());
                rows[at] = mine.get(k % mine.size());
            }
        }
        return rows;
    }

    /**
     * The images of an episode's rows: an image the first time a row appears, then random square crops
     * of it (a class with fewer images than shots + queries repeats its rows).
     */
    static ImageData episodeImages(ImageData seen, int[] rows, Transform crop, Random rnd) {
        int size = seen.imageSize();
        float[] px = new float[rows.length * size];
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (int j = 0; j < rows.length; j++) {
            float[] img = seen.image(rows[j]);
            if (!used.add(rows[j])) {
                img = crop.apply(new Pixels(seen.channels(), seen.height(), seen.width(), img), rnd).values();
            }
            System.arraycopy(img, 0, px, j * size, size);
        }
        return new ImageData(seen.name() + " episode", seen.classNames(), seen.channels(), seen.height(), seen.width(), px, new int[rows.length]);
    }

    /**
     * The queries' logits (ways * queries x ways): minus the squared Euclidean distance of each query's
     * embedding to each class's prototype, the mean of its support embeddings.
     */
    static NDArray logits(GraftModel model, ai.djl.training.ParameterStore ps, NDArray images, int ways, int shots, int queries, boolean training) {
        NDArray z = model.forwardHead(ps, model.forwardFeatures(ps, images, training), training, true);
        long d = z.getShape().get(1);
        NDArray prototypes = z.get("0:" + ways * shots).reshape(ways, shots, d).mean(new int[] {1});
        NDArray q = z.get(ways * shots + ":");
        NDArray diff = q.expandDims(1).sub(prototypes.expandDims(0));
        return Scalars.mul(diff.square().sum(new int[] {2}), -1);
    }

    /** Each query's episode class: {@code 0} for the first {@code queries} queries, then 1, ... (int64). */
    static NDArray queryLabels(NDManager nd, int ways, int queries) {
        long[] y = new long[ways * queries];
        for (int i = 0; i < y.length; i++) {
            y[i] = i / queries;
        }
        return nd.create(y, new Shape(y.length));
    }
}
