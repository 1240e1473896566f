package dev.graft.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.train.loop.Batches;
import dev.graft.train.loop.Loop;
import dev.graft.train.loop.StepContext;
import dev.graft.util.Permutations;
import dev.graft.util.Records;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Supervised classification on the one {@link Loop}, as every fine-tuning strategy and pretraining
 * use it: a label-smoothed cross-entropy {@link dev.graft.train.loop.Step}, global-norm gradient
 * clipping and a {@link GroupedOptimizer} on a warm-up + cosine schedule (the loop's), plus listeners
 * for validation after each epoch, early stopping, the best weights, a checkpoint per epoch and exact
 * resume from one.
 *
 * <p>Determinism is the loop's: the shuffle of epoch {@code e} comes from {@code seed} and {@code e};
 * the engine's generator (dropout) is re-seeded from {@code seed} and the step before every update, so
 * a resumed run draws the same numbers as an uninterrupted one.
 *
 * <pre>{@code
 * TrainLoop.Result r = new TrainLoop(config, model::forward, optimizer, model.stateDict())
 *         .withCheckpointDir(run.resolve("checkpoint"))
 *         .withOnEpoch(record -> metricsWriter.append(record))
 *         .run(train, validation, null);
 * }</pre>
 */
public record TrainLoop(
        TrainConfig config,
        Forward forward,
        GroupedOptimizer optimizer,
        Map<String, Parameter> stateDict,
        Path checkpointDir,
        Path bestDir,
        StopSignal stopSignal,
        Consumer<Map<String, Object>> onEpoch,
        String label,
        int stopAfterBatches) {

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

    /**
     * A loop without checkpoints, best weights or epoch listener, labelled {@code "epoch"}.
     *
     * @param config hyper-parameters
     * @param forward batch to logits
     * @param optimizer the parameters to update and their groups
     * @param stateDict everything a checkpoint must hold (parameters and buffers)
     */
    public TrainLoop(TrainConfig config, Forward forward, GroupedOptimizer optimizer, Map<String, Parameter> stateDict) {
        this(config, forward, optimizer, stateDict, null, null, new StopSignal(), r -> { }, "epoch", -1);
    }

    /** Where a checkpoint is written after each epoch (and on a stop); null = none. */
    public TrainLoop withCheckpointDir(Path dir) {
        return Records.with(this, "checkpointDir", dir);
    }

    /** Where the weights of the best validation epoch are kept; null = none. */
    public TrainLoop withBestDir(Path dir) {
        return Records.with(this, "bestDir", dir);
    }

    /** A stop request ends the run with a checkpoint before the next batch. */
    public TrainLoop withStopSignal(StopSignal s) {
        return Records.with(this, "stopSignal", s);
    }

    /** Called with each finished epoch's record (e.g. to append to metrics.jsonl). */
    public TrainLoop withOnEpoch(Consumer<Map<String, Object>> listener) {
        return Records.with(this, "onEpoch", listener);
    }

    /** Progress label prefix. */
    public TrainLoop withLabel(String l) {
        return Records.with(this, "label", l);
    }

    /** Test hook: behave as if stopped after this many batches in this process (-1 = never). */
    TrainLoop withStopAfterBatches(int n) {
        return new TrainLoop(config, forward, optimizer, stateDict, checkpointDir, bestDir, stopSignal, onEpoch, label, n);
    }

    /** Number of optimizer steps in one epoch over {@code n} samples (a last batch of one sample is dropped). */
    public static int batchesPerEpoch(int n, int batchSize) {
        return Batches.shuffled(n, batchSize, 0).perEpoch();
    }

    /**
     * Trains on {@code train}, validating on {@code validation} (may be empty) after each epoch.
     *
     * @param resume state from {@link Checkpoint#load}, or null to start fresh
     */
    public Result run(TensorSet train, TensorSet validation, LoopState resume) {
        Batches batches = Batches.shuffled(train.size(), config.batchSize(), config.seed());
        int perEpoch = batches.perEpoch();
        long total = (long) perEpoch * config.epochs();
        long warmup = Math.round(config.warmupEpochs() * perEpoch);
        LrSchedule schedule = new LrSchedule(config.lr(), Math.min(warmup, total), total, config.minLrRatio());
        Classification c = new Classification(train, validation);
        Loop.Position start = Loop.Position.START;
        if (resume != null) {
            if (resume.seed() != config.seed()) {
                throw new SettingException(SettingException.Reason.SEED_MISMATCH, String.valueOf(resume.seed()),
                        "the checkpoint was made with seed " + resume.seed() + ", this run has seed " + config.seed(),
                        "resume with TrainConfig.seed " + resume.seed());
            }
            start = new Loop.Position(resume.epoch(), resume.batch(), resume.step());
            c.bestScore = resume.bestScore();
            c.bestEpoch = resume.bestEpoch();
            c.badEpochs = resume.badEpochs();
            c.history.addAll(resume.history());
            c.accumulator = resume.trainAccumulator();
            c.startEpoch = resume.epoch();
        }
        Loop.Result r = new Loop(optimizer, batches, c::loss)
                .withEpochs(config.epochs())
                .withSchedule(schedule::lr)
                .withClipNorm(config.clipNorm())
                .withSeed(config.seed())
                .withLabel(label)
                .withStatus(c::status)
                .withStopSignal(stopSignal)
                .withStopAfterBatches(stopAfterBatches)
                .withListener(c)
                .run(start);
        return new Result(c.history, c.bestEpoch, r.stoppedEarly(), r.interrupted(), r.steps(), r.trainSeconds(), r.samplesSeen());
    }

    /** The classification step (label-smoothed cross-entropy) and what happens around it: metrics, validation, best weights, checkpoints. */
    private final class Classification implements Loop.Listener {
        final TensorSet train;
        final TensorSet validation;
        final boolean hasVal;
        final List<Map<String, Object>> history = new ArrayList<>();
        double bestScore = -1;
        int bestEpoch = -1;
        int badEpochs;
        int startEpoch;
        Map<String, Object> accumulator;
        ClassificationMetrics metrics;
        NDArray logits;
        NDArray labels;

        Classification(TensorSet train, TensorSet validation) {
            this.train = train;
            this.validation = validation;
            this.hasVal = validation != null && validation.size() > 0;
        }

        NDArray loss(StepContext s) {
            NDArray x = train.batch(s.manager(), s.indices());
            labels = train.labels(s.manager(), s.indices());
            logits = forward.apply(s.parameters(), x, true);
            return Losses.crossEntropy(logits, labels, config.labelSmoothing());
        }

        String status() {
            EvalResult running = metrics.result();
            return String.format(Locale.ROOT, "loss %.4f acc %.2f%%", running.loss(), running.top1() * 100);
        }

        @Override
        public void onEpochStart(int epoch) {
            metrics = ClassificationMetrics.fromState(train.classNames(), epoch == startEpoch ? accumulator : null);
        }

        @Override
        public void onStep(StepContext s, double loss) {
            metrics.add(logits, labels, loss);
        }

        @Override
        public void onInterrupt(Loop.Position at) {
            saveCheckpoint(new LoopState(at.epoch(), at.batch(), at.step(), config.seed(), bestScore, bestEpoch, badEpochs,
                    metrics.state(), history, Map.of()));
        }

        @Override
        public boolean onEpoch(Loop.EpochEnd e) {
            int epoch = e.epoch();
            EvalResult tr = metrics.result();
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("epoch", epoch + 1);
            rec.put("lr", e.lr());
            rec.put("train_loss", tr.loss());
            rec.put("train_top1", tr.top1());
            if (hasVal) {
                EvalResult val = evaluate(forward, validation, Math.max(config.batchSize(), 256), config.labelSmoothing());
                // weights can blow up while the training loss stays finite (e.g. BatchNorm statistics)
                Divergence.check(val.loss(), "the validation loss", "epoch " + (epoch + 1), e.lr());
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
            rec.put("seconds", e.seconds());
            rec.put("images_per_s", e.samples() / Math.max(1e-9, e.seconds()));
            history.add(rec);
            onEpoch.accept(rec);
            boolean stoppedEarly = hasVal && config.patience() > 0 && badEpochs >= config.patience();
            boolean finished = epoch + 1 >= config.epochs() || stoppedEarly;
            saveCheckpoint(new LoopState(finished ? config.epochs() : epoch + 1, 0, e.steps(), config.seed(), bestScore, bestEpoch,
                    badEpochs, Map.of(), history, Map.of()));
            return stoppedEarly;
        }
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
        Loop.inBatches(data.size(), batchSize, (nd, ps, idx) -> {
            NDArray y = data.labels(nd, idx);
            NDArray logits = forward.apply(ps, data.batch(nd, idx), false);
            m.add(logits, y, Losses.crossEntropy(logits, y, labelSmoothing).getFloat());
        });
        return m.result();
    }

    /** The sample order of one epoch: the one seeded shuffle, {@link Permutations#ofEpoch}. */
    public static int[] permutation(int n, long seed, int epoch) {
        return Permutations.ofEpoch(n, seed, epoch);
    }
}
