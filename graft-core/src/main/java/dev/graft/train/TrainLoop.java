package dev.graft.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.progress.Progress;
import dev.graft.util.Permutations;
import dev.graft.zoo.NoGrad;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The epoch loop shared by every strategy and by other methods (domain adaptation, multi-task):
 * shuffled mini-batches, forward under a DJL {@link GradientCollector}, label-smoothed cross-entropy,
 * global-norm gradient clipping, a {@link GroupedOptimizer} step on a warm-up + cosine schedule,
 * validation after each epoch, early stopping, a checkpoint per epoch, exact resume, a clean stop on
 * request and NaN/Inf detection.
 *
 * <p>Determinism: the shuffle of epoch {@code e} comes from {@code seed} and {@code e}; the engine's
 * random generator (dropout) is re-seeded from {@code seed} and the step before every update, so a
 * resumed run draws the same numbers as an uninterrupted one.
 *
 * <pre>{@code
 * TrainLoop.Result r = new TrainLoop(config, model::forward, optimizer, model.stateDict())
 *         .checkpointDir(run.resolve("checkpoint"))
 *         .onEpoch(record -> metricsWriter.append(record))
 *         .run(train, validation, null);
 * }</pre>
 */
public final class TrainLoop {

    /** A differentiable function from a batch to logits. */
    @FunctionalInterface
    public interface Forward {
        NDArray apply(ParameterStore ps, NDArray x, boolean training);
    }

    /**
     * What a run did.
     *
     * @param history one record per finished epoch (epoch, lr, train and validation metrics, time)
     * @param bestEpoch 1-based epoch with the best validation top-1 (the last epoch without validation)
     * @param stoppedEarly whether early stopping ended the run
     * @param interrupted whether a stop request ended the run
     * @param steps optimizer updates made
     * @param trainSeconds wall time spent in training epochs (excluding validation)
     * @param samplesSeen training samples processed in this process
     */
    public record Result(List<Map<String, Object>> history, int bestEpoch, boolean stoppedEarly, boolean interrupted,
                         long steps, double trainSeconds, long samplesSeen) {}

    private final TrainConfig config;
    private final Forward forward;
    private final GroupedOptimizer optimizer;
    private final Map<String, Parameter> stateDict;
    private Path checkpointDir;
    private Path bestDir;
    private StopSignal stop = new StopSignal();
    private Consumer<Map<String, Object>> onEpoch = r -> { };
    private String label = "epoch";
    private int stopAfterBatches = -1;

    /**
     * @param config hyper-parameters
     * @param forward batch to logits
     * @param optimizer the parameters to update and their groups
     * @param stateDict everything a checkpoint must hold (parameters and buffers)
     */
    public TrainLoop(TrainConfig config, Forward forward, GroupedOptimizer optimizer, Map<String, Parameter> stateDict) {
        this.config = config;
        this.forward = forward;
        this.optimizer = optimizer;
        this.stateDict = stateDict;
    }

    /** Where a checkpoint is written after each epoch (and on a stop); null = none. */
    public TrainLoop checkpointDir(Path dir) {
        this.checkpointDir = dir;
        return this;
    }

    /** Where the weights of the best validation epoch are kept; null = none. */
    public TrainLoop bestDir(Path dir) {
        this.bestDir = dir;
        return this;
    }

    public TrainLoop stopSignal(StopSignal s) {
        this.stop = s;
        return this;
    }

    /** Called with each finished epoch's record (e.g. to append to metrics.jsonl). */
    public TrainLoop onEpoch(Consumer<Map<String, Object>> listener) {
        this.onEpoch = listener;
        return this;
    }

    /** Progress label prefix. */
    public TrainLoop label(String l) {
        this.label = l;
        return this;
    }

    /** Test hook: behave as if stopped after this many batches in this process (-1 = never). */
    TrainLoop stopAfterBatches(int n) {
        this.stopAfterBatches = n;
        return this;
    }

    /** Number of optimizer steps in one epoch over {@code n} samples. */
    public static int batchesPerEpoch(int n, int batchSize) {
        int full = n / batchSize;
        int rest = n % batchSize;
        // a last batch of one sample would break BatchNorm in training mode: it is dropped
        return full + (rest >= 2 || (rest == 1 && full == 0) ? 1 : 0);
    }

    /**
     * Trains on {@code train}, validating on {@code validation} (may be empty) after each epoch.
     *
     * @param resume state from {@link Checkpoint#load}, or null to start fresh
     */
    public Result run(TensorSet train, TensorSet validation, LoopState resume) {
        Engine engine = Engine.getInstance();
        int perEpoch = batchesPerEpoch(train.size(), config.batchSize());
        long total = (long) perEpoch * config.epochs();
        long warmup = Math.round(config.warmupEpochs() * perEpoch);
        LrSchedule schedule = new LrSchedule(config.lr(), Math.min(warmup, total), total, config.minLrRatio());
        boolean hasVal = validation != null && validation.size() > 0;

        int startEpoch = 0;
        int startBatch = 0;
        long step = 0;
        double bestScore = -1;
        int bestEpoch = -1;
        int badEpochs = 0;
        List<Map<String, Object>> history = new ArrayList<>();
        Map<String, Object> accumulator = null;
        if (resume != null) {
            if (resume.seed() != config.seed()) {
                throw new GraftException("the checkpoint was made with seed " + resume.seed() + ", this run has seed " + config.seed(),
                        "resume with --seed " + resume.seed());
            }
            startEpoch = resume.epoch();
            startBatch = resume.batch();
            step = resume.step();
            bestScore = resume.bestScore();
            bestEpoch = resume.bestEpoch();
            badEpochs = resume.badEpochs();
            history.addAll(resume.history());
            accumulator = resume.trainAccumulator();
        }
        boolean stoppedEarly = false;
        boolean interrupted = false;
        double trainSeconds = 0;
        long seen = 0;
        int batchesThisProcess = 0;
        try (NDManager base = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            for (int epoch = startEpoch; epoch < config.epochs() && !stoppedEarly && !interrupted; epoch++) {
                int[] order = permutation(train.size(), config.seed(), epoch);
                ClassificationMetrics trainMetrics = ClassificationMetrics.fromState(train.classNames(), epoch == startEpoch ? accumulator : null);
                int firstBatch = epoch == startEpoch ? startBatch : 0;
                long t0 = System.nanoTime();
                double lr = 0;
                long epochSamples = 0;
                String tag = String.format(Locale.ROOT, "%s %d/%d", label, epoch + 1, config.epochs());
                try (Progress bar = Progress.start(tag, perEpoch, "batch")) {
                    bar.step(firstBatch);
                    for (int b = firstBatch; b < perEpoch; b++) {
                        if (stop.requested() || batchesThisProcess == stopAfterBatches) {
                            interrupted = true;
                            saveCheckpoint(new LoopState(epoch, b, step, config.seed(), bestScore, bestEpoch, badEpochs,
                                    trainMetrics.state(), history, Map.of()));
                            break;
                        }
                        int from = b * config.batchSize();
                        int to = Math.min(train.size(), from + config.batchSize());
                        int[] idx = java.util.Arrays.copyOfRange(order, from, to);
                        lr = schedule.lr(step);
                        engine.setRandomSeed((int) (mix(config.seed(), step) & 0x7fffffff));
                        trainStep(base, ps, train, idx, lr, trainMetrics, epoch, step);
                        step++;
                        batchesThisProcess++;
                        epochSamples += idx.length;
                        bar.step(1);
                        EvalResult running = trainMetrics.result();
                        bar.status(String.format(Locale.ROOT, "loss %.4f acc %.2f%%", running.loss(), running.top1() * 100));
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                trainSeconds += secs;
                seen += epochSamples;
                if (interrupted) {
                    break;
                }
                EvalResult tr = trainMetrics.result();
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("epoch", epoch + 1);
                rec.put("lr", lr);
                rec.put("train_loss", tr.loss());
                rec.put("train_top1", tr.top1());
                if (hasVal) {
                    EvalResult val = evaluate(forward, validation, Math.max(config.batchSize(), 256), config.labelSmoothing());
                    // weights can blow up while the training loss stays finite (e.g. BatchNorm statistics)
                    Divergence.check(val.loss(), "the validation loss", "epoch " + (epoch + 1), lr);
                    rec.put("val_loss", val.loss());
                    rec.put("val_top1", val.top1());
                    rec.put("val_top5", val.top5());
                    if (val.top1() > bestScore) {
                        bestScore = val.top1();
                        bestEpoch = epoch + 1;
                        badEpochs = 0;
                        saveBest();
                    } else {
                        badEpochs++;
                    }
                } else {
                    bestEpoch = epoch + 1;
                    saveBest();
                }
                rec.put("seconds", secs);
                rec.put("images_per_s", epochSamples / Math.max(1e-9, secs));
                history.add(rec);
                onEpoch.accept(rec);
                if (hasVal && config.patience() > 0 && badEpochs >= config.patience()) {
                    stoppedEarly = true;
                }
                boolean finished = epoch + 1 >= config.epochs() || stoppedEarly;
                saveCheckpoint(new LoopState(finished ? config.epochs() : epoch + 1, 0, step, config.seed(), bestScore, bestEpoch,
                        badEpochs, Map.of(), history, Map.of()));
            }
        } finally {
            stop.markFinished();
        }
        return new Result(history, bestEpoch, stoppedEarly, interrupted, step, trainSeconds, seen);
    }

    private double trainStep(NDManager base, ParameterStore ps, TensorSet train, int[] idx, double lr,
                             ClassificationMetrics metrics, int epoch, long step) {
        try (NDManager nd = base.newSubManager(); NDScope scope = new NDScope()) {
            NDArray x = train.batch(nd, idx);
            NDArray y = train.labels(nd, idx);
            double lossValue;
            NDArray logits;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                logits = forward.apply(ps, x, true);
                NDArray loss = Losses.crossEntropy(logits, y, config.labelSmoothing());
                lossValue = loss.getFloat();
                if (!Double.isFinite(lossValue)) {
                    throw diverged("loss is " + lossValue, epoch, step, lr);
                }
                gc.backward(loss);
            }
            // parameter updates are in-place writes that autograd must not record
            try (NoGrad g = NoGrad.enter()) {
                double norm = optimizer.clipGradNorm(config.clipNorm());
                if (!Double.isFinite(norm)) {
                    throw diverged("the gradient norm is " + norm, epoch, step, lr);
                }
                optimizer.step(lr);
                optimizer.zeroGrad();
            }
            metrics.add(logits, y, lossValue);
            return lossValue;
        }
    }

    private GraftException diverged(String what, int epoch, long step, double lr) {
        optimizer.zeroGrad();
        return Divergence.error(what, String.format(Locale.ROOT, "epoch %d, step %d", epoch + 1, step + 1), lr);
    }

    private void saveCheckpoint(LoopState s) {
        if (checkpointDir != null) {
            Checkpoint.save(checkpointDir, stateDict, optimizer, s);
        }
    }

    private void saveBest() {
        if (bestDir != null) {
            try {
                java.nio.file.Files.createDirectories(bestDir);
                Checkpoint.writeArrays(bestDir.resolve(Checkpoint.MODEL_FILE), stateDict);
            } catch (java.io.IOException e) {
                throw new GraftException("cannot write " + bestDir + ": " + e.getMessage(), "check the run folder is writable", e);
            }
        }
    }

    /**
     * Loss and metrics of {@code forward} on {@code data} in inference mode.
     *
     * <pre>{@code
     * EvalResult r = TrainLoop.evaluate(model::forward, ModelInput.prepare(test, model.cfg()), 256, 0.0);
     * }</pre>
     */
    public static EvalResult evaluate(Forward forward, TensorSet data, int batchSize, double labelSmoothing) {
        ClassificationMetrics m = new ClassificationMetrics(data.classNames());
        try (NDManager base = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            for (int from = 0; from < data.size(); from += batchSize) {
                int to = Math.min(data.size(), from + batchSize);
                int[] idx = new int[to - from];
                for (int k = 0; k < idx.length; k++) {
                    idx[k] = from + k;
                }
                try (NDManager nd = base.newSubManager(); NDScope scope = new NDScope(); NoGrad g = NoGrad.enter()) {
                    NDArray x = data.batch(nd, idx);
                    NDArray y = data.labels(nd, idx);
                    NDArray logits = forward.apply(ps, x, false);
                    double loss = Losses.crossEntropy(logits, y, labelSmoothing).getFloat();
                    m.add(logits, y, loss);
                }
            }
        }
        return m.result();
    }

    /** The sample order of one epoch: a Fisher-Yates shuffle seeded by the run seed and the epoch. */
    public static int[] permutation(int n, long seed, int epoch) {
        return Permutations.shuffled(n, new Random(mix(seed, epoch)));
    }

    /** A well-mixed 64-bit value from a seed and a counter (SplitMix64's finaliser). */
    static long mix(long seed, long counter) {
        long z = seed * 0x9E3779B97F4A7C15L + counter + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
