package dev.graft.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.nn.AdaptableLinear;
import dev.graft.zoo.nn.LinearDelta;

/** One of BERT's {@code nn.Linear} layers (its weight and bias under their full keys), open to an adapter's {@link LinearDelta}. */
final class BertLinear implements AdaptableLinear {
    final String path;
    private final Parameter weight;
    private final Parameter bias;
    private LinearDelta delta;

    BertLinear(String path, Parameter weight, Parameter bias) {
        this.path = path;
        this.weight = weight;
        this.bias = bias;
    }

    NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray y = Linear.linear(x, BertModule.value(ps, weight, x, training), BertModule.value(ps, bias, x, training)).singletonOrThrow();
        return delta == null ? y : y.add(delta.apply(ps, x, training));
    }

    @Override
    public Parameter weight() {
        return weight;
    }

    @Override
    public Parameter bias() {
        return bias;
    }

    @Override
    public void setDelta(LinearDelta d) {
        this.delta = d;
    }

    @Override
    public LinearDelta delta() {
        return delta;
    }
}
