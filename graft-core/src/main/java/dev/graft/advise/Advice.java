package dev.graft.advise;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.graft.train.Strategy;
import dev.graft.train.StrategyProbe;
import java.util.Locale;

/**
 * What the advisor measured and what it recommends.
 *
 * @param strategy the recommended strategy
 * @param freezeStages for {@code partial}: how many groups (stem first) to freeze
 * @param samplesPerClass training samples per class (mean over classes)
 * @param minSamplesPerClass the smallest class
 * @param frechet Fréchet distance between the target's and the pretraining data's penultimate features
 * @param frechetRelative {@code frechet / trace(pretraining covariance)}: scale-free, 0 = same distribution
 * @param logme LogME of the pretrained features on the target labels (higher = more transferable)
 * @param logmeRandom LogME of the same architecture's features at random initialisation (NaN when not measured)
 * @param leep LEEP of the pretrained classifier on the target labels (0 = perfect), or NaN without a classifier
 * @param small whether the target counts as small
 * @param similar whether it counts as similar to the pretraining data
 * @param reason one paragraph: the numbers against the thresholds and the rule applied
 * @param measuredSamples how many target samples were measured
 * @param probe for small data: the cross-validated accuracy of each strategy on the training labels, which then
 *     decides (null when no probe ran)
 */
public record Advice(
        @JsonProperty("strategy") Strategy strategy,
        @JsonProperty("freeze_stages") int freezeStages,
        @JsonProperty("samples_per_class") double samplesPerClass,
        @JsonProperty("min_samples_per_class") int minSamplesPerClass,
        @JsonProperty("frechet") double frechet,
        @JsonProperty("frechet_relative") double frechetRelative,
        @JsonProperty("logme") double logme,
        @JsonProperty("logme_random") double logmeRandom,
        @JsonProperty("leep") double leep,
        @JsonProperty("small") boolean small,
        @JsonProperty("similar") boolean similar,
        @JsonProperty("reason") String reason,
        @JsonProperty("measured_samples") int measuredSamples,
        @JsonProperty("probe") StrategyProbe.Result probe) {

    /**
     * This advice decided by a probe instead: its best strategy, with the probe's numbers added to the reason.
     *
     * @param partialFreeze groups to freeze should the probe pick {@code partial}
     */
    public Advice withProbe(StrategyProbe.Result r, int partialFreeze) {
        String why = String.format(Locale.ROOT, " Probe: with so few labels a rule can be wrong either way, so every candidate was"
                + " trained with this run's budget in %d-fold cross-validation on the training labels (%s); the best, %s,"
                + " replaces the rule's %s.", r.folds(), r.describe(), r.best().id(), strategy.id());
        return new Advice(r.best(), r.best() == Strategy.PARTIAL ? partialFreeze : 0, samplesPerClass, minSamplesPerClass, frechet,
                frechetRelative, logme, logmeRandom, leep, small, similar, reason + why, measuredSamples, r);
    }

    /** This advice with {@code lora} instead of its strategy, {@code why} added to the reason. */
    public Advice withLora(String why) {
        return new Advice(Strategy.LORA, 0, samplesPerClass, minSamplesPerClass, frechet, frechetRelative, logme, logmeRandom, leep, small,
                similar, reason + " " + why, measuredSamples, probe);
    }
}
