package dev.graft.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.data.transform.Transform;
import dev.graft.train.loop.Batches;
import dev.graft.util.Permutations;
import dev.graft.util.Records;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Mini-batches of an {@link ImageData} with per-sample transforms (random ones redrawn every epoch).
 * It is the training {@link dev.graft.train.loop.Loop}'s batch source for image data: as
 * {@link Batches} it hands the loop each batch's samples (the epoch order is the loop's one seeded
 * shuffle, {@link Permutations#ofEpoch}) and the step turns them into arrays with
 * {@link #batch(NDManager, int, int)}. Iterated by itself, an {@link Epoch} prepares batches on a
 * background thread while the model computes on the current one. Deterministic for a seed: the
 * order of epoch {@code e} and every random transform draw depend only on the seed, {@code e} and the
 * sample's position, never on thread timing.
 *
 * <!-- example: DataTour#batching -->
 * <pre>{@code
 * DataLoader loader = DataLoader.of(splits.train())
 *         .withBatchSize(128)
 *         .withShuffle(seed)                                    // a new seeded permutation every epoch
 *         .withTransform(Transforms.compose(Transforms.grayscaleToRgb(), Transforms.resize(32, 32),
 *                 Transforms.randomCrop(32, 32, 4), Transforms.normalize(cfg)));
 * GroupedOptimizer sgd = new GroupedOptimizer(OptimizerKind.SGD, 0.9, ModelParts.trainable(model, Strategy.FULL, TrainConfig.defaults()));
 * new Loop(sgd, loader, c -> {                                       // the loader is the loop's batch source
 *     Batch b = loader.batch(c.manager(), c.epoch(), c.batch());     // transformed now, freed with the step
 *     NDArray logits = model.forward(c.parameters(), b.x(), true);   // b.x(): N x C x H x W float32
 *     return Losses.crossEntropy(logits, b.y(), 0.0);                // b.y(): N int32 labels
 * }).withEpochs(epochs).withSchedule(step -> 0.01).run(Loop.Position.START);
 * try (DataLoader.Epoch batches = loader.epoch(manager, 0)) {        // by hand, prepared on a background thread
 *     for (Batch b : batches) {
 *         try (b) {
 *             NDArray logits = model.forward(ps, b.x(), false);
 *             System.out.println(logits.argMax(1).toType(DataType.INT32, false).eq(b.y()).sum().getInt()); // copy out what outlives the batch
 *         }
 *     }
 * }
 * }</pre>
 */
public final class DataLoader implements Batches {
    private final Settings s;
    private final int[] outShape;
    private int cachedEpoch;
    private int[] cachedOrder;

    /** What a loader is set to; the withers copy it with one setting changed. */
    private record Settings(ImageData data, int batchSize, boolean shuffle, long seed, Transform transform, boolean dropLast, int prefetch) {
        Settings {
            if (data == null) {
                throw new GraftException("DataLoader needs data", "pass an ImageData, e.g. splits.train()");
            }
            if (batchSize <= 0) {
                throw new GraftException("batch size " + batchSize + " is not positive", "use e.g. 32");
            }
            if (prefetch <= 0) {
                throw new GraftException("prefetch " + prefetch + " is not positive", "use 1 or more");
            }
        }
    }

    private DataLoader(Settings s) {
        this.s = s;
        this.outShape = probeShape();
    }

    /** A loader over {@code data} with the defaults: batches of 32 in order, no transform, 2 batches prepared ahead. */
    public static DataLoader of(ImageData data) {
        return new DataLoader(new Settings(data, 32, false, 0, null, false, 2));
    }

    /** Samples per batch (default 32). */
    public DataLoader withBatchSize(int n) {
        return new DataLoader(Records.with(s, "batchSize", n));
    }

    /** Shuffles every epoch with a permutation drawn from {@code seed} and the epoch number. */
    public DataLoader withShuffle(long seed) {
        return new DataLoader(Records.with(s, "shuffle", true, "seed", seed));
    }

    /** Seed of random transforms without shuffling (default 0). */
    public DataLoader withSeed(long seed) {
        return new DataLoader(Records.with(s, "seed", seed));
    }

    /** Applied to every sample as it is batched (random steps are redrawn every epoch). */
    public DataLoader withTransform(Transform t) {
        return new DataLoader(Records.with(s, "transform", t));
    }

    /** Drops the last batch if it is smaller than the batch size (default false). */
    public DataLoader withDropLast(boolean drop) {
        return new DataLoader(Records.with(s, "dropLast", drop));
    }

    /** Batches prepared ahead (default 2). */
    public DataLoader withPrefetch(int n) {
        return new DataLoader(Records.with(s, "prefetch", n));
    }

    /** The data it batches. */
    public ImageData data() {
        return s.data();
    }

    /** Batches per epoch. */
    public int numBatches() {
        return s.dropLast() ? s.data().size() / s.batchSize() : (s.data().size() + s.batchSize() - 1) / s.batchSize();
    }

    @Override
    public int perEpoch() {
        return numBatches();
    }

    @Override
    public synchronized int[] indices(int epoch, int batch) {
        if (epoch != cachedEpoch || cachedOrder == null) {
            cachedOrder = order(epoch);
            cachedEpoch = epoch;
        }
        int[] order = cachedOrder;
        int from = batch * s.batchSize();
        return java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + s.batchSize()));
    }

    /**
     * Batch {@code batch} of epoch {@code epoch}, transformed now in a sub-manager of {@code manager}
     * (in a loop's step: {@code c.manager()}, so it is freed with the step).
     */
    public Batch batch(NDManager manager, int epoch, int batch) {
        return make(manager, epoch, batch * s.batchSize(), indices(epoch, batch));
    }

    /** Shape of one transformed image, {C, H, W}. */
    public int[] imageShape() {
        return outShape.clone();
    }

    /**
     * The sample order of epoch {@code epoch}: a seeded permutation when shuffling, else 0..n-1
     * (the last partial batch dropped if asked).
     */
    public int[] order(int epoch) {
        int n = s.data().size();
        return s.shuffle() ? Permutations.ofEpoch(n, s.seed(), epoch) : Splits.allIndices(n);
    }

    /**
     * The batches of one epoch, prepared ahead in the background. Arrays are created in a
     * sub-manager of {@code manager} per batch. Close the epoch if you stop early, which stops the
     * background thread and frees prepared batches.
     */
    public Epoch epoch(NDManager manager, int epoch) {
        return new Epoch(manager, epoch);
    }

    /** One epoch's batches; iterate once. */
    public final class Epoch implements Iterable<Batch>, AutoCloseable {
        private final BlockingQueue<Object> queue;
        private final Thread worker;
        private final int total;
        private volatile boolean closed;
        private int taken;
        private boolean iterated;

        private Epoch(NDManager manager, int epoch) {
            this.total = numBatches();
            this.queue = new ArrayBlockingQueue<>(s.prefetch());
            int[] order = order(epoch);
            this.worker = new Thread(() -> produce(manager, epoch, order), "graft-data-loader");
            worker.setDaemon(true);
            worker.start();
        }

        private void produce(NDManager manager, int epoch, int[] order) {
            try {
                for (int b = 0; b < total && !closed; b++) {
                    int from = b * s.batchSize();
                    int to = Math.min(order.length, from + s.batchSize());
                    int[] indices = java.util.Arrays.copyOfRange(order, from, to);
                    Batch batch = make(manager, epoch, from, indices);
                    while (!closed && !queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                        // wait for the consumer
                    }
                    if (closed) {
                        batch.close();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                offerQuietly(e);
            }
        }

        private void offerQuietly(Throwable t) {
            try {
                while (!closed && !queue.offer(t, 100, TimeUnit.MILLISECONDS)) {
                    // wait for the consumer
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public Iterator<Batch> iterator() {
            if (iterated) {
                throw new IllegalStateException("an epoch is iterated once; call loader.epoch(...) again");
            }
            iterated = true;
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return !closed && taken < total;
                }

                @Override
                public Batch next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Object o;
                    try {
                        o = queue.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new GraftException("interrupted while waiting for the next batch", "none");
                    }
                    if (o instanceof RuntimeException re) {
                        close();
                        throw re;
                    }
                    if (o instanceof Error err) {
                        close();
                        throw err;
                    }
                    taken++;
                    return (Batch) o;
                }
            };
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Object o; (o = queue.poll()) != null; ) {
                if (o instanceof Batch b) {
                    b.close();
                }
            }
        }
    }

    private Batch make(NDManager parent, int epoch, int position, int[] indices) {
        NDManager nd = parent.newSubManager();
        try {
            NDArray x;
            if (s.transform() == null) {
                x = s.data().images(nd, indices);
            } else {
                int per = outShape[0] * outShape[1] * outShape[2];
                float[] px = new float[indices.length * per];
                for (int k = 0; k < indices.length; k++) {
                    int i = indices[k];
                    Pixels out = s.transform().apply(sample(i), new Random(mix(s.seed(), epoch, position + k)));
                    if (out.channels() != outShape[0] || out.height() != outShape[1] || out.width() != outShape[2]) {
                        throw new GraftException("the transform made sample " + i + " " + out.channels() + "x" + out.height() + "x"
                                + out.width() + " but the first sample " + outShape[0] + "x" + outShape[1] + "x" + outShape[2],
                                "end the transform with a fixed-size step such as resize or centerCrop");
                    }
                    System.arraycopy(out.values(), 0, px, k * per, per);
                }
                x = nd.create(px, new Shape(indices.length, outShape[0], outShape[1], outShape[2]));
            }
            NDArray y = s.data().labels(nd, indices);
            return new Batch(nd, x, y, indices);
        } catch (RuntimeException e) {
            nd.close();
            throw e;
        }
    }

    /** Sample {@code i} as the transform takes it. */
    private Pixels sample(int i) {
        ImageData d = s.data();
        return new Pixels(d.channels(), d.height(), d.width(), d.image(i));
    }

    /** {C, H, W} of the batches: the data's, or what the transform makes of the first sample. */
    private int[] probeShape() {
        ImageData d = s.data();
        if (s.transform() == null || d.size() == 0) {
            return new int[] {d.channels(), d.height(), d.width()};
        }
        Pixels p = s.transform().apply(sample(0), new Random(s.seed()));
        return new int[] {p.channels(), p.height(), p.width()};
    }

    /** A well-spread 64-bit seed from the loader seed, the epoch and a sample position (SplitMix64 finaliser). */
    static long mix(long seed, long epoch, long position) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + position * 0x94D049BB133111EBL + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
