package dev.graft.train.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.progress.Progress;
import dev.graft.train.Divergence;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.StopSignal;
import dev.graft.util.Permutations;
import dev.graft.util.Records;
import dev.graft.zoo.NoGrad;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongToDoubleFunction;
import java.util.function.Supplier;

/**
 * The one training loop behind fine-tuning, pretraining, domain adaptation, multi-task and text
 * fine-tuning (in the spirit of DJL's {@code Trainer} with {@code TrainingListener}s): epochs of
 * batches from {@link Batches}, a {@link Step} that computes each batch's loss under a gradient
 * collector, backward, gradient clipping, a {@link GroupedOptimizer} update at the schedule's learning
 * rate, the {@link Divergence} rule on the loss and the gradient norm, a progress bar per epoch, and
 * {@link Listener}s for metrics, evaluation, early stopping and checkpoints. A trainer writes a step
 * and listeners, never a loop. Its settings are immutable: each {@code withX} returns a copy.
 *
 * <p>Determinism: batches come from the seeded {@link Batches}; with {@link #seed} the engine's
 * generator (dropout) is re-seeded from the seed and the step count before every update, so a run
 * resumed at a {@link Position} draws what an uninterrupted one would.
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
public record Loop(
        GroupedOptimizer optimizer,
        Batches batches,
        Step step,
        int epochs,
        LongToDoubleFunction schedule,
        double clipNorm,
        double clipValue,
        Long seed,
        String label,
        Supplier<String> status,
        boolean oneProgressBar,
        StopSignal stopSignal,
        int stopAfterBatches,
        List<Listener> listeners) {

    /** Where a run stands: the next batch to train and the updates made so far. */
    public record Position(int epoch, int batch, long step) {
        /** The beginning of a run. */
        public static final Position START = new Position(0, 0, 0);
    }

    /**
     * One finished epoch.
     *
     * @param epoch 0-based
     * @param steps updates made so far in the run
     * @param lr learning rate of the epoch's last update
     * @param meanLoss mean loss per sample over the batches run in this process
     * @param samples samples trained on in this epoch in this process
     * @param seconds wall time of the epoch's training
     */
    public record EpochEnd(int epoch, long steps, double lr, double meanLoss, long samples, double seconds) {}

    /**
     * What a run did.
     *
     * @param steps updates made in the whole run
     * @param interrupted whether a stop request ended it
     * @param stoppedEarly whether a listener ended it after an epoch
     * @param trainSeconds wall time in training epochs
     * @param samplesSeen samples trained on in this process
     */
    public record Result(long steps, boolean interrupted, boolean stoppedEarly, double trainSeconds, long samplesSeen) {}

    /** What an evaluation does with one batch of samples {@code indices}, in inference mode. */
    @FunctionalInterface
    public interface BatchVisitor {
        void visit(NDManager manager, ParameterStore parameters, int[] indices);
    }

    /**
     * The one evaluation pass of every trainer: samples {@code 0..n-1} in order, in batches of
     * {@code batchSize}, each in its own freed manager without autograd.
     *
     * <pre>{@code
     * Loop.inBatches(test.size(), 256, (nd, ps, idx) -> metrics.add(model.forward(ps, test.batch(nd, idx), false), test.labels(nd, idx), 0));
     * }</pre>
     */
    public static void inBatches(int n, int batchSize, BatchVisitor visitor) {
        try (NDManager base = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            for (int from = 0; from < n; from += batchSize) {
                int[] idx = new int[Math.min(batchSize, n - from)];
                for (int k = 0; k < idx.length; k++) {
                    idx[k] = from + k;
                }
                try (NDManager nd = base.newSubManager(); NDScope scope = new NDScope(); NoGrad g = NoGrad.enter()) {
                    visitor.visit(nd, ps, idx);
                }
            }
        }
    }

    /** Hooks into a run; every method has a no-op default. */
    public interface Listener {
        /** Before the first batch of {@code epoch} (0-based) that this process runs. */
        default void onEpochStart(int epoch) {}

        /** After the update of a batch, while its arrays are alive; {@code loss} is what the step returned. */
        default void onStep(StepContext c, double loss) {}

        /** After an epoch; return true to end the run (early stopping). */
        default boolean onEpoch(EpochEnd e) {
            return false;
        }

        /** A stop request ended the run before batch {@code at} (e.g. to write a checkpoint to resume from). */
        default void onInterrupt(Position at) {}
    }

    public Loop {
        // fail here rather than at the first batch of a long run
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(stopSignal, "stopSignal");
        listeners = List.copyOf(listeners);
    }

    /**
     * A loop with the defaults: one epoch at learning rate 1e-3, no clipping, no re-seeding,
     * a progress bar per epoch labelled {@code "epoch"}, no listeners.
     *
     * @param optimizer the parameters to update
     * @param batches the samples of each batch
     * @param step the loss of a batch
     */
    public Loop(GroupedOptimizer optimizer, Batches batches, Step step) {
        this(optimizer, batches, step, 1, s -> 1e-3, 0, 0, null, "epoch", null, false, new StopSignal(), -1, List.of());
    }

    /** Epochs to run (default 1); a run resumed at a later {@link Position} runs the rest. */
    public Loop withEpochs(int n) {
        return Records.with(this, "epochs", n);
    }

    /** The learning rate of each update from the 0-based step count, e.g. {@code new LrSchedule(...)::lr}. */
    public Loop withSchedule(LongToDoubleFunction lrOfStep) {
        return Records.with(this, "schedule", lrOfStep);
    }

    /** Scales gradients to this global L2 norm at most (0 = only measure it, for the divergence check). */
    public Loop withClipNorm(double maxNorm) {
        return Records.with(this, "clipNorm", maxNorm);
    }

    /** Clamps every gradient element to {@code [-c, c]} first (0 = not). */
    public Loop withClipValue(double c) {
        return Records.with(this, "clipValue", c);
    }

    /** Re-seeds the engine's generator from {@code s} and the step before every update. */
    public Loop withSeed(long s) {
        return Records.with(this, "seed", s);
    }

    /** Progress bar label prefix ({@code "epoch"} by default); null shows no progress. */
    public Loop withLabel(String l) {
        return Records.with(this, "label", l);
    }

    /** One progress bar over the whole run (many short epochs) instead of one per epoch. */
    public Loop withOneProgressBar(boolean one) {
        return Records.with(this, "oneProgressBar", one);
    }

    /** The progress bar's status after each batch (by default the epoch's mean loss). */
    public Loop withStatus(Supplier<String> s) {
        return Records.with(this, "status", s);
    }

    /** Adds a listener (called after those added before). */
    public Loop withListener(Listener l) {
        List<Listener> all = new ArrayList<>(listeners);
        all.add(l);
        return Records.with(this, "listeners", all);
    }

    /** A stop request ends the run cleanly before the next batch. */
    public Loop withStopSignal(StopSignal s) {
        return Records.with(this, "stopSignal", s);
    }

    /** Acts as if a stop was requested after this many batches in this process (-1 = never; tests). */
    public Loop withStopAfterBatches(int n) {
        return Records.with(this, "stopAfterBatches", n);
    }

    /** Trains from {@code start} to the last epoch, a stop request or a listener's early stopSignal. */
    public Result run(Position start) {
        Engine engine = Engine.getInstance();
        int perEpoch = batches.perEpoch();
        long stepCount = start.step();
        boolean interrupted = false;
        boolean stoppedEarly = false;
        double trainSeconds = 0;
        long seen = 0;
        int done = 0;
        Progress runBar = oneProgressBar ? progress(label, (long) perEpoch * epochs, "steps") : null;
        try (NDManager base = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            if (runBar != null) {
                runBar.step((long) start.epoch() * perEpoch + start.batch());
            }
            for (int epoch = start.epoch(); epoch < epochs && !stoppedEarly; epoch++) {
                int first = epoch == start.epoch() ? start.batch() : 0;
                for (Listener l : listeners) {
                    l.onEpochStart(epoch);
                }
                long t0 = System.nanoTime();
                double lr = 0;
                long samples = 0;
                double lossSum = 0;
                Progress bar = runBar != null ? runBar : progress(String.format(Locale.ROOT, "%s %d/%d", label, epoch + 1, epochs), perEpoch,
                        "batch");
                try {
                    if (runBar == null) {
                        bar.step(first);
                    }
                    for (int b = first; b < perEpoch; b++) {
                        if (stopSignal.requested() || done == stopAfterBatches) {
                            interrupted = true;
                            Position at = new Position(epoch, b, stepCount);
                            for (Listener l : listeners) {
                                l.onInterrupt(at);
                            }
                            break;
                        }
                        int[] idx = batches.indices(epoch, b);
                        lr = schedule.applyAsDouble(stepCount);
                        if (seed != null) {
                            engine.setRandomSeed((int) (Permutations.mix(seed, stepCount) & 0x7fffffff));
                        }
                        double loss = update(engine, base, ps, idx, epoch, b, stepCount, lr);
                        stepCount++;
                        done++;
                        samples += idx.length;
                        lossSum += loss * idx.length;
                        bar.step(1);
                        bar.status(status != null ? status.get() : String.format(Locale.ROOT, "loss %.4f", lossSum / samples));
                    }
                } finally {
                    if (runBar == null) {
                        bar.close();
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                trainSeconds += secs;
                seen += samples;
                if (interrupted) {
                    break;
                }
                EpochEnd end = new EpochEnd(epoch, stepCount, lr, samples == 0 ? Double.NaN : lossSum / samples, samples, secs);
                for (Listener l : listeners) {
                    stoppedEarly |= l.onEpoch(end);
                }
            }
        } finally {
            if (runBar != null) {
                runBar.close();
            }
            stopSignal.markFinished();
        }
        return new Result(stepCount, interrupted, stoppedEarly, trainSeconds, seen);
    }

    private double update(Engine engine, NDManager base, ParameterStore ps, int[] idx, int epoch, int batch, long stepCount,
            double lr) {
        try (NDManager nd = base.newSubManager(); NDScope scope = new NDScope()) {
            StepContext c = new StepContext(nd, ps, idx, epoch, batch, stepCount, lr);
            double value;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray loss = step.loss(c);
                value = loss.getFloat();
                if (!Double.isFinite(value)) {
                    throw diverged("the loss is " + value, epoch, stepCount, lr);
                }
                if (!step.backpropagates()) {
                    gc.backward(loss);
                }
            }
            // parameter updates are in-place writes that autograd must not record
            try (NoGrad g = NoGrad.enter()) {
                if (clipValue > 0) {
                    optimizer.clipGradValue(clipValue);
                }
                double norm = optimizer.clipGradNorm(clipNorm);
                if (!Double.isFinite(norm)) {
                    throw diverged("the gradient norm is " + norm, epoch, stepCount, lr);
                }
                optimizer.step(lr);
            }
            for (Listener l : listeners) {
                l.onStep(c, value);
            }
            optimizer.zeroGrad();
            return value;
        }
    }

    private GraftException diverged(String what, int epoch, long stepCount, double lr) {
        optimizer.zeroGrad();
        return Divergence.error(what, String.format(Locale.ROOT, "epoch %d, step %d", epoch + 1, stepCount + 1), lr);
    }

    private Progress progress(String tag, long total, String unit) {
        return label == null ? Progress.start("", total, unit, Progress.Mode.OFF, System.err) : Progress.start(tag, total, unit);
    }
}
