package dev.graft.multitask;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a multi-task run produced.
 *
 * @param weighting the strategy's name ({@code single-task} for baselines)
 * @param tasks the tasks, in head order
 * @param testMetrics per task: accuracy (classification) or MSE (regression) on the test split
 * @param deltaM Delta_m in percent against the baselines given, or null without baselines
 * @param history one entry per epoch
 * @param weightingState what the strategy learned (final weights, log-variances)
 * @param outDir the run directory, or null when none was written
 * @param seconds wall time of training and evaluation
 */
public record MultiTaskResult(String weighting, List<TaskSpec> tasks, Map<String, Double> testMetrics, Double deltaM,
        List<EpochLog> history, Map<String, Object> weightingState, Path outDir, double seconds) {

    /**
     * One epoch of training.
     *
     * @param epoch epoch number from 1
     * @param trainLoss mean training loss per task
     * @param weights mean weight each task's loss got
     * @param validation per task metric on the validation split (empty without one)
     * @param seconds wall time of the epoch
     */
    public record EpochLog(int epoch, double[] trainLoss, double[] weights, Map<String, Double> validation, double seconds) {}
}
