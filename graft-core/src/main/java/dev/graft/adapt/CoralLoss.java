package dev.graft.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.graft.engine.Scalars;
import java.util.Map;

/**
 * Deep CORAL (Sun and Saenko, 2016): the distance between the source and target feature covariances,
 * {@code ||C_s - C_t||_F^2 / (4 d^2)}, with {@code C = (X^T X - (1^T X)^T (1^T X) / n) / (n - 1)}.
 *
 * <pre>{@code
 * NDArray l = CoralLoss.coral(sourceFeatures, targetFeatures);
 * }</pre>
 */
public final class CoralLoss implements TransferLoss {
    private double last;

    @Override
    public NDArray loss(ParameterStore ps, DomainBatch batch, long step) {
        NDArray l = coral(batch.sourceFeatures(), batch.targetFeatures());
        last = l.getFloat();
        return l;
    }

    @Override
    public Map<String, Double> lastMetrics() {
        return Map.of("coral", last);
    }

    /** Unbiased covariance of the rows of {@code x} (N x D), a D x D matrix. */
    public static NDArray covariance(NDArray x) {
        long n = x.getShape().get(0);
        if (n < 2) {
            throw new IllegalArgumentException("a covariance needs at least two samples, got " + n);
        }
        NDArray colSum = x.sum(new int[] {0}, true);
        return Scalars.div(x.transpose().matMul(x).sub(Scalars.div(colSum.transpose().matMul(colSum), n)), n - 1);
    }

    /** {@code ||C_s - C_t||_F^2 / (4 d^2)}. */
    public static NDArray coral(NDArray s, NDArray t) {
        long d = s.getShape().get(1);
        return Scalars.div(covariance(s).sub(covariance(t)).square().sum(), 4.0 * d * d);
    }
}
