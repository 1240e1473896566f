package dev.graft.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.engine.Scalars;
import java.util.List;
import java.util.Map;

/**
 * DANN (Ganin et al., 2016): a domain discriminator on the features behind a gradient reversal layer.
 * The discriminator learns to tell source from target; the reversed gradient teaches the feature
 * extractor to make them indistinguishable. As in TLlib, the reversal coefficient follows the
 * warm-start schedule {@link GradientReversal#warmStart(long)} (bounded by 1), the discriminator
 * outputs logits, and the loss is {@code 0.5 (BCE(D(f_s), 1) + BCE(D(f_t), 0))} with the binary
 * cross-entropy computed from the logits ({@link DomainDiscriminator#bceWithLogits}), never as the log
 * of a sigmoid.
 *
 * <pre>{@code
 * TransferLoss dann = new DannLoss(1024);
 * }</pre>
 */
public final class DannLoss implements TransferLoss {
    private final int hidden;
    private DomainDiscriminator discriminator;
    private double lastAccuracy;
    private double lastLambda;

    /** @param hidden width of the discriminator's two hidden layers */
    public DannLoss(int hidden) {
        this.hidden = hidden;
    }

    @Override
    public void initialize(NDManager manager, int featureDim, int numClasses, long seed) {
        discriminator = new DomainDiscriminator(manager, featureDim, hidden);
    }

    @Override
    public List<Parameter> parameters() {
        return discriminator.parameters();
    }

    @Override
    public NDArray loss(ParameterStore ps, DomainBatch batch, long step) {
        lastLambda = GradientReversal.warmStart(step);
        NDArray f = NDArrays.concat(new NDList(batch.sourceFeatures(), batch.targetFeatures()), 0);
        NDArray z = discriminator.forward(ps, GradientReversal.apply(f, lastLambda), true);
        int ns = (int) batch.sourceFeatures().getShape().get(0);
        int nt = (int) batch.targetFeatures().getShape().get(0);
        NDArray labels = domainLabels(f.getManager(), ns, nt);
        lastAccuracy = DomainDiscriminator.accuracy(z, labels);
        NDArray perSample = DomainDiscriminator.bceWithLogits(z, labels);
        return halfAndHalf(perSample, ns, nt);
    }

    @Override
    public Map<String, Double> lastMetrics() {
        return Map.of("domain_acc", lastAccuracy, "grl_lambda", lastLambda);
    }

    /** 1 for the {@code ns} source rows, 0 for the {@code nt} target rows, as an (ns + nt) x 1 column. */
    static NDArray domainLabels(NDManager nd, int ns, int nt) {
        return NDArrays.concat(new NDList(nd.ones(new Shape(ns, 1)), nd.zeros(new Shape(nt, 1))), 0);
    }

    /** {@code 0.5 (mean over source rows + mean over target rows)} of a per-sample loss. */
    static NDArray halfAndHalf(NDArray perSample, int ns, int nt) {
        NDArray s = perSample.get("0:" + ns).mean();
        NDArray t = perSample.get(ns + ":" + (ns + nt)).mean();
        return Scalars.mul(s.add(t), 0.5);
    }
}
