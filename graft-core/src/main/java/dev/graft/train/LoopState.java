package dev.graft.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Where a training loop stands; saved in every checkpoint so a resumed run continues exactly.
 *
 * @param epoch epoch being run (0-based)
 * @param batch next batch within that epoch
 * @param step optimizer updates made so far
 * @param seed the run's seed (shuffling and dropout streams derive from seed, epoch and step)
 * @param bestScore best validation top-1 so far (-1 before the first evaluation)
 * @param bestEpoch epoch of the best score (-1 before)
 * @param badEpochs epochs since the best score (early stopping)
 * @param trainAccumulator running training metrics of the current epoch
 * @param history one metrics record per finished epoch
 * @param fingerprint strategy, model, data and hyper-parameters the run was started with
 */
public record LoopState(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("batch") int batch,
        @JsonProperty("step") long step,
        @JsonProperty("seed") long seed,
        @JsonProperty("best_score") double bestScore,
        @JsonProperty("best_epoch") int bestEpoch,
        @JsonProperty("bad_epochs") int badEpochs,
        @JsonProperty("train_accumulator") Map<String, Object> trainAccumulator,
        @JsonProperty("history") List<Map<String, Object>> history,
        @JsonProperty("fingerprint") Map<String, Object> fingerprint) {}
