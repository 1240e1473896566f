package dev.graft.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;

/**
 * A domain-adaptation method as a loss module (TLlib's design): the training loop computes the
 * classifier's features and logits on a source batch and an unlabelled target batch, and the method
 * adds a transfer loss that pulls the two domains together. Methods that own a network (the domain
 * discriminator of DANN and CDAN) expose its parameters, which the loop trains with the model.
 *
 * <pre>{@code
 * TransferLoss dann = new DannLoss(1024);
 * dann.initialize(nd, 500, 10, seed);                       // 500-wide features, 10 classes
 * NDArray loss = dann.loss(ps, new TransferLoss.DomainBatch(sourceFeatures, targetFeatures, sourceLogits, targetLogits), step);
 * }</pre>
 */
public interface TransferLoss {

    /** Builds any networks the method owns, for features of width {@code featureDim} and {@code numClasses} classes. */
    default void initialize(NDManager manager, int featureDim, int numClasses, long seed) {}

    /** Parameters the method trains besides the model's (empty for statistic-matching losses). */
    default List<Parameter> parameters() {
        return List.of();
    }

    /**
     * The transfer loss for one pair of batches.
     *
     * @param step optimizer steps taken so far (drives schedules such as the reversal coefficient)
     */
    NDArray loss(ParameterStore ps, DomainBatch batch, long step);

    /** Scalars from the last {@link #loss} call worth logging (e.g. discriminator accuracy). */
    default Map<String, Double> lastMetrics() {
        return Map.of();
    }

    /**
     * Features and logits of one source and one target batch, computed in one forward pass.
     *
     * @param sourceFeatures N_s x F pre-logits features of the labelled source images
     * @param targetFeatures N_t x F pre-logits features of the unlabelled target images
     * @param sourceLogits N_s x K classifier outputs on the source
     * @param targetLogits N_t x K classifier outputs on the target
     */
    record DomainBatch(NDArray sourceFeatures, NDArray targetFeatures, NDArray sourceLogits, NDArray targetLogits) {}
}
