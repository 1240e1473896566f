package dev.graft.train;

import dev.graft.advise.Advice;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link FineTune#run()} produced.
 *
 * @param runDir the run folder (metrics, report, plots, exported model, checkpoint)
 * @param strategy the strategy that ran (the advisor's pick for {@code auto})
 * @param freezeStages groups frozen for {@code partial}
 * @param advice the advisor's measurements, or null when the strategy was given
 * @param history one record per epoch (empty when the classifier was fitted by the {@link LinearProbe})
 * @param bestEpoch epoch whose weights were kept (best validation top-1; 0 for a fitted probe)
 * @param validation metrics of the kept weights on the validation split (null without one)
 * @param test metrics of the kept weights on the test split (null if interrupted)
 * @param trainSeconds time spent training (excluding feature caching and evaluation)
 * @param imagesPerSecond training throughput over the run
 * @param interrupted whether a stop request ended the run (resume with {@code --resume})
 * @param stoppedEarly whether early stopping ended it
 * @param probe for {@code head} on cached features: the penalty sweep and the fitted classifier (null otherwise)
 */
public record FineTuneResult(Path runDir, Strategy strategy, int freezeStages, Advice advice, List<Map<String, Object>> history,
                             int bestEpoch, EvalResult validation, EvalResult test, double trainSeconds, double imagesPerSecond,
                             boolean interrupted, boolean stoppedEarly, LinearProbe.Selection probe) {}
