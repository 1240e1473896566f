package dev.graft.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import java.util.Map;

/**
 * A BERT sub-module as a DJL block whose parameters carry their full Hugging Face state-dict keys
 * (e.g. {@code encoder.layer.3.attention.self.query.weight}), registered in the owning model's
 * state dict in PyTorch's order. Initialisation follows HF: weights N(0, 0.02), biases 0, LayerNorm 1/0.
 */
abstract class BertModule extends AbstractBlock {
    private final Map<String, Parameter> stateDict;
    /** This block's linear layers by module path ({@code encoder.layer.0.attention.self.query}). */
    final Map<String, dev.graft.zoo.nn.Linear> linears = new java.util.LinkedHashMap<>();

    BertModule(Map<String, Parameter> stateDict) {
        this.stateDict = stateDict;
    }

    /** A Linear: weight [out, in] and bias [out] under {@code prefix.weight} / {@code prefix.bias}. */
    dev.graft.zoo.nn.Linear linear(String prefix, int in, int out) {
        dev.graft.zoo.nn.Linear l = dev.graft.zoo.nn.Linear.over(
                add(prefix + ".weight", Parameter.Type.WEIGHT, new Shape(out, in), new NormalInitializer(0.02f)),
                add(prefix + ".bias", Parameter.Type.BIAS, new Shape(out), new ConstantInitializer(0f)));
        linears.put(prefix, l);
        return l;
    }

    /** A LayerNorm's weight and bias, initialised to 1 and 0. */
    Parameter[] layerNorm(String prefix, int width) {
        return new Parameter[] {
            add(prefix + ".weight", Parameter.Type.GAMMA, new Shape(width), new ConstantInitializer(1f)),
            add(prefix + ".bias", Parameter.Type.BETA, new Shape(width), new ConstantInitializer(0f)),
        };
    }

    Parameter add(String key, Parameter.Type type, Shape shape, ai.djl.training.initializer.Initializer init) {
        Parameter p = addParameter(Parameter.builder().setName(key).setType(type).optShape(shape).optInitializer(init).build());
        stateDict.put(key, p);
        return p;
    }

    static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        // No store (inference through the zoo's predict): the parameter's own array.
        return ps == null ? p.getArray() : ps.getValue(p, like.getDevice(), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
