package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * {@code torch.nn.Conv2d} with square kernels: {@code weight} (out, in/groups, k, k) and optional {@code bias}.
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(3, 64, 7, 2, 3, false, Init.kaimingNormalFanOut());
 * }</pre>
 */
public final class Conv2d extends Module {
    public final int inChannels;
    public final int outChannels;
    public final int kernel;
    public final int stride;
    public final int padding;
    public final int groups;
    public final Parameter weight;
    public final Parameter bias;
    private final Shape strideShape;
    private final Shape paddingShape;
    private final Shape dilationShape;

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, Initializer weightInit) {
        this(in, out, kernel, stride, padding, 1, bias, weightInit);
    }

    public Conv2d(int in, int out, int kernel, int stride, int padding, int groups, boolean bias, Initializer weightInit) {
        this.inChannels = in;
        this.outChannels = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in / groups, kernel, kernel), weightInit);
        this.bias = bias
                ? param("bias", Parameter.Type.BIAS, new Shape(out), Init.uniformFanIn((long) in / groups * kernel * kernel))
                : null;
        this.strideShape = new Shape(stride, stride);
        this.paddingShape = new Shape(padding, padding);
        this.dilationShape = new Shape(1, 1);
    }

    /**
     * This convolution followed by {@code bn}. In inference the BatchNorm is folded into the
     * convolution's weight and bias (w * gamma / sqrt(var + eps), beta - mean * gamma / sqrt(var + eps)),
     * saving a full pass over the activations; in training the two run as PyTorch runs them.
     */
    public NDArray forwardWithBn(ParameterStore ps, BatchNorm2d bn, NDArray x, boolean training) {
        if (training) {
            NDArray c = forward(ps, x, true);
            NDArray y = bn.forward(ps, c, true);
            c.close();
            return y;
        }
        NDArray w = value(ps, weight, x, false);
        NDArray gamma = value(ps, bn.weight, x, false);
        NDArray beta = value(ps, bn.bias, x, false);
        NDArray mean = value(ps, bn.runningMean, x, false);
        NDArray var = value(ps, bn.runningVar, x, false);
        NDArray scale = gamma.div(var.add(bn.eps).sqrt());
        NDArray wf = w.mul(scale.reshape(outChannels, 1, 1, 1));
        NDArray bf = beta.sub(mean.mul(scale));
        if (bias != null) {
            bf = bf.add(value(ps, bias, x, false).mul(scale));
        }
        NDArray y = x.getNDArrayInternal()
                .convolution(x, wf, bf, strideShape, paddingShape, dilationShape, groups)
                .singletonOrThrow();
        scale.close();
        wf.close();
        bf.close();
        return y;
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = value(ps, weight, x, training);
        NDArray b = bias == null ? null : value(ps, bias, x, training);
        return x.getNDArrayInternal()
                .convolution(x, w, b, strideShape, paddingShape, dilationShape, groups)
                .singletonOrThrow();
    }
}
