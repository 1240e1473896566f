package dev.graft.adapt;

import java.util.List;
import java.util.Map;

/**
 * What a domain-adaptation run measured. The reported model is the one after the last epoch: target
 * labels never choose a checkpoint.
 *
 * @param method method name, e.g. {@code dann}
 * @param epochs per-epoch measurements, in order
 * @param targetAccuracy accuracy on the labelled target evaluation split after the last epoch
 * @param sourceAccuracy accuracy on the source evaluation split after the last epoch
 * @param targetAccuracyBeforeAdaBN for adabn, the target accuracy of the source model before re-estimation (else NaN)
 * @param seconds wall time of the run
 */
public record AdaptationResult(String method, List<Epoch> epochs, double targetAccuracy, double sourceAccuracy,
        double targetAccuracyBeforeAdaBN, double seconds) {

    public AdaptationResult {
        epochs = List.copyOf(epochs);
    }

    /**
     * One epoch.
     *
     * @param epoch 1-based epoch number
     * @param step optimizer steps so far
     * @param classificationLoss mean source cross-entropy over the epoch
     * @param transferLoss mean transfer loss over the epoch (0 for source-only)
     * @param methodMetrics means of the method's own scalars (e.g. domain_acc)
     * @param sourceAccuracy source evaluation accuracy at the end of the epoch
     * @param targetAccuracy target evaluation accuracy at the end of the epoch (reported, never used to choose)
     * @param seconds wall time since the start of the run
     */
    public record Epoch(int epoch, long step, double classificationLoss, double transferLoss, Map<String, Double> methodMetrics,
            double sourceAccuracy, double targetAccuracy, double seconds) {
        public Epoch {
            methodMetrics = Map.copyOf(methodMetrics);
        }
    }
}
