package dev.graft.multitask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.zoo.GraftModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hard parameter sharing: one backbone (any {@link GraftModel}, through its pre-logits features) and
 * one linear head per task. The backbone's own classifier is removed.
 *
 * <pre>{@code
 * GraftModel backbone = Zoo.create("small_cnn", CreateOptions.defaults());
 * MultiTaskModel m = MultiTaskModel.create(backbone, data.tasks(), manager);
 * NDArray[] outputs = m.forward(ps, images, false);   // one N x outputs array per task
 * }</pre>
 */
public final class MultiTaskModel {
    private final GraftModel backbone;
    private final List<TaskSpec> tasks;
    private final List<Linear> heads;
    private final Map<String, Parameter> shared;
    private final Map<String, Parameter> headParams;

    private MultiTaskModel(GraftModel backbone, List<TaskSpec> tasks, List<Linear> heads) {
        this.backbone = backbone;
        this.tasks = List.copyOf(tasks);
        this.heads = heads;
        this.shared = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : backbone.stateDict().entrySet()) {
            if (e.getValue().requiresGradient()) {
                shared.put(e.getKey(), e.getValue());
            }
        }
        if (shared.isEmpty()) {
            throw new GraftException("backbone " + backbone.name() + " has no trainable parameters", "use a backbone with weights to train");
        }
        this.headParams = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            String prefix = headPrefix(tasks.get(t));
            headParams.put(prefix + ".weight", heads.get(t).getParameters().get("weight"));
            headParams.put(prefix + ".bias", heads.get(t).getParameters().get("bias"));
        }
    }

    /**
     * Puts one freshly initialised linear head per task on {@code backbone}, whose classifier is
     * removed. Seed the engine first ({@code Engine.getInstance().setRandomSeed}) for repeatable heads.
     */
    public static MultiTaskModel create(GraftModel backbone, List<TaskSpec> tasks, NDManager manager) {
        if (tasks.isEmpty()) {
            throw new GraftException("a multi-task model needs at least one task", "give the tasks of the data set");
        }
        if (backbone.numClasses() != 0) {
            backbone.resetClassifier(0);
        }
        int width = backbone.numFeatures();
        List<Linear> heads = new ArrayList<>();
        for (TaskSpec task : tasks) {
            Linear head = Linear.builder().setUnits(task.numOutputs()).build();
            head.initialize(manager, DataType.FLOAT32, new Shape(1, width));
            heads.add(head);
        }
        return new MultiTaskModel(backbone, tasks, heads);
    }

    static String headPrefix(TaskSpec task) {
        return "heads." + task.name();
    }

    public GraftModel backbone() { return backbone; }
    public List<TaskSpec> tasks() { return tasks; }

    /** The shared representation: the backbone's pre-logits features, N x numFeatures. */
    public NDArray features(ParameterStore ps, NDArray images, boolean training) {
        NDArray f = backbone.forwardHead(ps, backbone.forwardFeatures(ps, images, training), training, true);
        return f.getShape().dimension() == 2 ? f : f.reshape(f.getShape().get(0), -1);
    }

    /** Each task head's output on the shared features. */
    public NDArray[] heads(ParameterStore ps, NDArray features, boolean training) {
        NDArray[] out = new NDArray[heads.size()];
        for (int t = 0; t < heads.size(); t++) {
            out[t] = heads.get(t).forward(ps, new NDList(features), training).singletonOrThrow();
        }
        return out;
    }

    /** Images to one output array per task. */
    public NDArray[] forward(ParameterStore ps, NDArray images, boolean training) {
        return heads(ps, features(ps, images, training), training);
    }

    /** Trainable backbone parameters by PyTorch key, in the backbone's order. */
    public Map<String, Parameter> sharedParameters() {
        return shared;
    }

    /** Head parameters by key ({@code heads.<task>.weight}, {@code heads.<task>.bias}). */
    public Map<String, Parameter> headParameters() {
        return headParams;
    }

    /** Backbone state dict (buffers included) followed by the heads, for export. */
    public Map<String, Parameter> stateDict() {
        Map<String, Parameter> all = new LinkedHashMap<>(backbone.stateDict());
        all.putAll(headParams);
        return all;
    }

    /**
     * The key of the last shared weight with two or more dimensions (a convolution or linear layer),
     * where GradNorm measures gradient norms.
     */
    public String lastSharedLayer() {
        String last = null;
        for (Map.Entry<String, Parameter> e : shared.entrySet()) {
            if (e.getValue().getArray().getShape().dimension() >= 2) {
                last = e.getKey();
            }
        }
        return last != null ? last : shared.keySet().stream().reduce((a, b) -> b).orElseThrow();
    }
}
