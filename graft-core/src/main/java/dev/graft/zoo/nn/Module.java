package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A DJL block that knows its PyTorch names, like {@code torch.nn.Module}: parameters, buffers and
 * children are registered under their PyTorch attribute names so {@link #stateDict(String, Map)}
 * yields exact state-dict keys ({@code layer1.0.conv1.weight}), whatever DJL calls them internally.
 *
 * <p>Shapes are fixed at construction (as in PyTorch), so a module can be initialised without a
 * sample input and forward passes skip DJL's shape inference.
 *
 * <pre>{@code
 * class Scale extends Module {
 *     final Parameter gamma = param("gamma", Parameter.Type.GAMMA, new Shape(8), Init.ONES);
 *     public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
 *         return x.mul(value(ps, gamma, x, training));
 *     }
 * }
 * }</pre>
 */
public abstract class Module extends AbstractBlock {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Parameter> buffers = new LinkedHashMap<>();
    private final Map<String, Module> modules = new LinkedHashMap<>();

    /** The module's computation on one input. */
    public abstract NDArray forward(ParameterStore ps, NDArray x, boolean training);

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training));
    }

    /** Registers a trainable parameter under its PyTorch attribute name. */
    protected final Parameter param(String name, Parameter.Type type, Shape shape, Initializer init) {
        Parameter p = Parameter.builder().setName(name).setType(type).optShape(shape).optInitializer(init).build();
        params.put(name, addParameter(p));
        return p;
    }

    /** Registers a non-trainable buffer (e.g. BatchNorm running statistics). */
    protected final Parameter buffer(String name, Parameter.Type type, Shape shape, Initializer init) {
        Parameter p = Parameter.builder().setName(name).setType(type).optShape(shape).optInitializer(init)
                .optRequiresGrad(false).build();
        buffers.put(name, addParameter(p));
        return p;
    }

    /** Removes a parameter (e.g. a classifier being replaced); no-op if absent. */
    protected final void dropParam(String name) {
        if (params.remove(name) != null) {
            parameters.remove(name);
        }
    }

    /** Registers a child module under its PyTorch attribute name ({@code "0"}, {@code "layer1"}, ...). */
    protected final <M extends Module> M module(String name, M child) {
        modules.put(name, child);
        addChildBlock(name, child);
        return child;
    }

    /** Children by PyTorch name, in registration order. */
    public Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(modules);
    }

    /** Adds this module's parameters, buffers, then children's, under {@code prefix}, in PyTorch's order. */
    public void stateDict(String prefix, Map<String, Parameter> out) {
        params.forEach((k, v) -> out.put(prefix + k, v));
        buffers.forEach((k, v) -> out.put(prefix + k, v));
        modules.forEach((k, m) -> m.stateDict(prefix + k + ".", out));
    }

    /** Visits this module and every descendant with its dotted PyTorch name ("" for the root). */
    public void visit(String name, BiConsumer<String, Module> visitor) {
        visitor.accept(name, this);
        modules.forEach((k, m) -> m.visit(name.isEmpty() ? k : name + "." + k, visitor));
    }

    /** The parameter's value for this pass (the training copy when a trainer holds the parameters). */
    protected static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        if (ps == null) {
            return p.getArray();
        }
        return ps.getValue(p, like.getDevice(), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // Shapes are fixed at construction, so every child initialises from its own shapes.
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        // Computed by running the module once on zeros: exact for every architecture and only used
        // by DJL tooling (summaries), never on the hot path.
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray out = forward(null, nd.zeros(inputShapes[0]), false);
            return new Shape[] {out.getShape()};
        }
    }
}
