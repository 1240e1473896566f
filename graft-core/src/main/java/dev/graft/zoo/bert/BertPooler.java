package dev.graft.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/** {@code pooler}: tanh(dense(hidden of the first token)), as HF's BertPooler. */
final class BertPooler extends BertModule {
    private final dev.graft.zoo.nn.Linear dense;

    BertPooler(BertConfig cfg, Map<String, Parameter> stateDict) {
        super(stateDict);
        dense = linear("pooler.dense", cfg.hiddenSize(), cfg.hiddenSize());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray first = inputs.get(0).get(new NDIndex(":, 0, :"));
        return new NDList(dense.forward(ps, first, training).tanh());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(2))};
    }
}
