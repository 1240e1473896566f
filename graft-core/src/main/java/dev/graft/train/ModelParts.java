package dev.graft.train;

import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ParamGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Freezing and optimizer parameter groups, written once against {@link GraftModel#groupMatcher()}.
 *
 * <pre>{@code
 * ModelParts.freezeGroups(model, 2);                     // stem + stage1 frozen, their BatchNorm in inference mode
 * List<TrainableParam> ps = ModelParts.trainable(model, Strategy.PARTIAL, config);
 * }</pre>
 */
public final class ModelParts {
    private ModelParts() {}

    /** Whether a key is a buffer rather than a learned parameter (BatchNorm running statistics). */
    public static boolean isBuffer(String key) {
        return key.endsWith("running_mean") || key.endsWith("running_var") || key.endsWith("num_batches_tracked");
    }

    /**
     * Whether weight decay is skipped: biases and every parameter of one dimension or less
     * (normalisation gamma/beta, tokens' scalars), timm's rule.
     */
    public static boolean isNoDecay(String key, Parameter p) {
        return key.endsWith(".bias") || p.getArray().getShape().dimension() <= 1
                || p.getType() == Parameter.Type.GAMMA || p.getType() == Parameter.Type.BETA;
    }

    /** Index of the model group a key belongs to; keys no group claims count as group 0 (stem). */
    public static int groupIndex(List<ParamGroup> groups, String key) {
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).matches(key)) {
                return i;
            }
        }
        return 0;
    }

    /** Whether a key belongs to the classifier named in the model's config. */
    public static boolean isClassifier(GraftModel model, String key) {
        String cls = model.cfg().classifier();
        if (cls == null || cls.isBlank()) {
            List<ParamGroup> groups = model.groupMatcher();
            return !groups.isEmpty() && groups.get(groups.size() - 1).matches(key);
        }
        return key.equals(cls) || key.startsWith(cls + ".");
    }

    /** Groups {@code partial} freezes unless told otherwise: the stem and half of the {@code stages}. */
    public static int defaultPartialFreeze(int stages) {
        return Math.min(stages, 1 + stages / 2);
    }

    /**
     * Freezes the first {@code count} groups (stem = group 0, then stages): their parameters get no
     * gradient and their BatchNorm layers run in inference mode, so running statistics stay as loaded.
     */
    public static void freezeGroups(GraftModel model, int count) {
        List<ParamGroup> groups = model.groupMatcher();
        int bodyGroups = groups.size() - 1;
        if (count < 0 || count > bodyGroups) {
            throw new GraftException("cannot freeze " + count + " groups of " + model.name() + ", which has " + bodyGroups
                    + " before its head", "use a number from 0 to " + bodyGroups);
        }
        List<ParamGroup> frozen = groups.subList(0, count);
        for (Map.Entry<String, Parameter> e : model.stateDict().entrySet()) {
            if (groupIndex(groups, e.getKey()) < count) {
                e.getValue().freeze(true);
            }
        }
        model.freezeBatchNorm(module -> frozen.stream().anyMatch(g -> g.matches(module)));
    }

    /** Freezes everything but the classifier, with every BatchNorm in inference mode (the {@code head} strategy). */
    public static void freezeAllButClassifier(GraftModel model) {
        for (Map.Entry<String, Parameter> e : model.stateDict().entrySet()) {
            if (!isClassifier(model, e.getKey())) {
                e.getValue().freeze(true);
            }
        }
        model.freezeBatchNorm(module -> !isClassifier(model, module));
    }

    /**
     * The parameters a strategy trains, with their LR scales and weight decay. The head gets the full
     * learning rate; pretrained backbone groups get {@code backboneLrScale}, further multiplied by
     * {@code layerDecay^(distance from the head)} when layer-wise decay is on. {@code scratch} trains
     * everything at the full rate.
     */
    public static List<TrainableParam> trainable(GraftModel model, Strategy strategy, TrainConfig cfg) {
        List<ParamGroup> groups = model.groupMatcher();
        int head = Math.max(0, groups.size() - 1);
        List<TrainableParam> out = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : model.stateDict().entrySet()) {
            String key = e.getKey();
            Parameter p = e.getValue();
            if (isBuffer(key) || !p.requiresGradient()) {
                continue;
            }
            int g = groupIndex(groups, key);
            boolean classifier = isClassifier(model, key);
            double scale = 1.0;
            if (strategy != Strategy.SCRATCH && !classifier && g < head) {
                scale = cfg.backboneLrScale() * Math.pow(cfg.layerDecay(), head - 1 - g);
            }
            double wd = isNoDecay(key, p) ? 0.0 : cfg.weightDecay();
            String groupName = groups.isEmpty() ? "all" : groups.get(g).name();
            out.add(new TrainableParam(key, p, scale, wd, groupName));
        }
        if (out.isEmpty()) {
            throw new SettingException(SettingException.Reason.ALL_FROZEN, null, "nothing to train: every parameter of " + model.name() + " is frozen",
                    "freeze fewer stages (FineTune.freezeStages) or use strategy head");
        }
        return out;
    }
}
