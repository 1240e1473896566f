package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * {@code torch.nn.BatchNorm2d} ({@code weight}, {@code bias}, {@code running_mean}, {@code running_var};
 * eps 1e-5, momentum 0.1 in PyTorch's sense). A training pass updates the running statistics in
 * place unless the layer is {@linkplain #setFrozen frozen}: then it normalises with the running
 * statistics and leaves them untouched, as timm's {@code FrozenBatchNorm2d}.
 *
 * <pre>{@code
 * BatchNorm2d bn = new BatchNorm2d(64);
 * bn.setFrozen(true);   // inference-mode statistics even while training
 * }</pre>
 */
public final class BatchNorm2d extends Module {
    public final int channels;
    public final float eps;
    public final Parameter weight;
    public final Parameter bias;
    public final Parameter runningMean;
    public final Parameter runningVar;
    private volatile boolean frozen;

    public BatchNorm2d(int channels) {
        this(channels, 1e-5f);
    }

    public BatchNorm2d(int channels, float eps) {
        this.channels = channels;
        this.eps = eps;
        Shape s = new Shape(channels);
        weight = param("weight", Parameter.Type.GAMMA, s, Init.ONES);
        bias = param("bias", Parameter.Type.BETA, s, Init.ZEROS);
        runningMean = buffer("running_mean", Parameter.Type.RUNNING_MEAN, s, Init.ZEROS);
        runningVar = buffer("running_var", Parameter.Type.RUNNING_VAR, s, Init.ONES);
    }

    /** Whether a training pass uses (and keeps) the running statistics. */
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    public boolean isFrozen() {
        return frozen;
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        boolean batchStats = training && !frozen;
        NDArray mean = value(ps, runningMean, x, training);
        NDArray var = value(ps, runningVar, x, training);
        NDArray gamma = value(ps, weight, x, training);
        NDArray beta = value(ps, bias, x, training);
        // DJL's momentum is the share kept (0.9) = PyTorch's 1 - momentum (0.1).
        return x.getNDArrayInternal()
                .batchNorm(x, mean, var, gamma, beta, 1, 0.9f, eps, batchStats)
                .singletonOrThrow();
    }
}
