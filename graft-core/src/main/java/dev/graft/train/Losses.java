package dev.graft.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.graft.engine.Scalars;

/** Loss functions of the training loop. */
public final class Losses {
    private Losses() {}

    /**
     * Mean cross-entropy of {@code logits} (N x K) against integer {@code labels} (N) with label
     * smoothing {@code eps}: the target puts {@code 1 - eps + eps/K} on the true class and {@code eps/K}
     * elsewhere, as PyTorch's {@code cross_entropy(label_smoothing=eps)}.
     *
     * <pre>{@code
     * NDArray loss = Losses.crossEntropy(logits, labels, 0.1);
     * }</pre>
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, double eps) {
        long k = logits.getShape().get(1);
        NDArray logp = logits.logSoftmax(1);
        NDArray idx = labels.toType(DataType.INT64, false).reshape(-1, 1);
        NDArray picked = logp.gather(idx, 1).reshape(-1);
        if (eps == 0) {
            return picked.neg().mean();
        }
        // (1 - eps) * one-hot + eps / K, written as a mix of the picked and the summed log-probabilities
        NDArray all = logp.sum(new int[] {1});
        return Scalars.mul(picked, 1 - eps).add(Scalars.mul(all, eps / k)).neg().mean();
    }
}
