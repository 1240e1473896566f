package dev.graft.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.nn.AdaptableLinear;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * PEFT's {@code ia3.Linear} on one layer: a feed-forward layer computes {@code base(x * l)} with
 * {@code ia3_l} of shape (1, in), any other {@code base(x) * l} with shape (out, 1), bias included.
 * Merging multiplies the weight (and, scaling outputs, the bias) by {@code l}; unmerging divides by
 * {@code l + 1e-8}, as PEFT does.
 */
final class Ia3Layer implements AdapterLayer {
    private final String path;
    private final AdaptableLinear target;
    private final Parameter l;
    private final boolean feedforward;

    Ia3Layer(String path, AdaptableLinear target, Parameter l, boolean feedforward) {
        this.path = path;
        this.target = target;
        this.l = l;
        this.feedforward = feedforward;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public AdaptableLinear target() {
        return target;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(l);
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training, UnaryOperator<NDArray> base) {
        NDArray scale = AdapterLayer.value(ps, l, x, training).flatten();
        return feedforward ? base.apply(x.mul(scale)) : base.apply(x).mul(scale);
    }

    /** The same change as a term added to the layer's output: {@code base(x * l) - base(x)} or {@code base(x) * (l - 1)}. */
    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray minusOne = AdapterLayer.value(ps, l, x, training).flatten().sub(1f);
        NDArray w = AdapterLayer.value(ps, target.weight(), x, training);
        if (feedforward) {
            return project(x.mul(minusOne), w, null);
        }
        NDArray b = target.bias() == null ? null : AdapterLayer.value(ps, target.bias(), x, training);
        return project(x, w, b).mul(minusOne);
    }

    private NDArray project(NDArray x, NDArray w, NDArray b) {
        NDArray y = target.fanInFanOut() ? x.matMul(w) : x.matMul(w.transpose());
        return b == null ? y : y.add(b);
    }

    @Override
    public void fold(int sign) {
        NDArray v = l.getArray();
        // ia3_l in the weight's layout: (1, in) or (out, 1) against (out, in); transposed for Conv1D's (in, out)
        NDArray s = target.fanInFanOut() ? v.transpose() : v;
        NDArray w = target.weight().getArray();
        AdapterLayer.setValues(target.weight(), sign > 0 ? w.mul(s) : w.div(s.add(1e-8f)));
        if (!feedforward && target.bias() != null) {
            NDArray b = target.bias().getArray();
            NDArray f = v.reshape(b.getShape());
            AdapterLayer.setValues(target.bias(), sign > 0 ? b.mul(f) : b.div(f.add(1e-8f)));
        }
    }
}
