package dev.graft.advise;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.graft.train.Strategy;

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
        @JsonProperty("measured_samples") int measuredSamples) {}
