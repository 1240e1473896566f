package dev.graft.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The contract every Graft model honours (timm's model contract over a DJL {@link Block}).
 * Freezing, layer-wise learning-rate decay, feature caching and export are written once against it.
 *
 * <pre>{@code
 * GraftModel m = Zoo.create("resnet18", CreateOptions.defaults().withNumClasses(10));
 * NDArray feats = m.forwardFeatures(ps, images, false);         // N x C x h x w
 * NDArray logits = m.forwardHead(ps, feats, false, false);       // N x 10
 * NDArray pooled = m.forwardHead(ps, feats, false, true);        // N x numFeatures
 * }</pre>
 */
public interface GraftModel {

    /** Name as created, {@code arch} or {@code arch.tag}. */
    String name();

    /** The configuration that travels with the weights. */
    PretrainedCfg cfg();

    /**
     * The folder its weights were loaded from (the catalogue folder, a hub snapshot, a local folder),
     * where the files that travel with them are, such as the feature statistics the advisor reads;
     * {@code null} for random weights.
     */
    default java.nio.file.Path weightsDir() {
        return null;
    }

    /** The whole model as one DJL block: images (N,C,H,W) in, logits out. */
    Block block();

    /** Backbone output before pooling (for ViT: the normed token sequence). */
    NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training);

    /** Pooling, dropout and classifier; with {@code preLogits} stops before the classifier. */
    NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits);

    /** Images to logits: {@code forwardHead(forwardFeatures(x), preLogits=false)}. */
    default NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return forwardHead(ps, forwardFeatures(ps, x, training), training, false);
    }

    /** Outputs of the modules named by {@link #featureInfo()} at the given indices (features_only). */
    NDList forwardIntermediates(ParameterStore ps, NDArray x, int[] indices, boolean training);

    /** Replaces the classifier by a freshly initialised one with {@code numClasses} outputs (0 = identity). */
    void resetClassifier(int numClasses);

    /** Number of classifier outputs (0 when the head is removed). */
    int numClasses();

    /** Width of the pre-logits features. */
    int numFeatures();

    /** Ordered parameter groups: stem, stage 1..n, head. */
    List<ParamGroup> groupMatcher();

    /** The intermediate feature maps {@link #forwardIntermediates} can return. */
    List<FeatureInfo> featureInfo();

    /**
     * Every parameter and buffer under its exact PyTorch state-dict key ({@code layer1.0.conv1.weight},
     * {@code bn1.running_mean}, ...), in PyTorch's order. BatchNorm's {@code num_batches_tracked} is not a
     * parameter here; loaders accept and ignore it.
     */
    Map<String, Parameter> stateDict();

    /**
     * BatchNorm layers whose module name matches run in inference mode (running statistics used and
     * not updated) even in a training forward pass, as timm's FrozenBatchNorm2d.
     */
    void freezeBatchNorm(Predicate<String> moduleName);

    /**
     * Writes the configuration files of this model's own format into {@code dir}: {@code config.json}
     * in timm's layout by default; a transformers-layout model writes transformers' {@code config.json}
     * (and {@code preprocessor_config.json}), so the library it comes from loads the export as is.
     */
    default void writeConfig(PretrainedCfg cfg, java.nio.file.Path dir) {
        cfg.write(dir.resolve(ResolvedWeights.CONFIG_FILE));
    }

    /** Total number of trainable parameter elements (buffers excluded). */
    /**
     * transformers' {@code base_model_prefix} of a model with a head ({@code vit.}, {@code bert.}):
     * a checkpoint of the bare base model ({@code ViTModel}, {@code BertModel}) loads into it under
     * this prefix, its head starting fresh, as {@code from_pretrained} does. Null for other models.
     */
    default String baseModelPrefix() {
        return null;
    }

    default long numParams() {
        long n = 0;
        for (Map.Entry<String, Parameter> e : stateDict().entrySet()) {
            if (e.getKey().endsWith("running_mean") || e.getKey().endsWith("running_var")) {
                continue;
            }
            n += e.getValue().getArray().getShape().size();
        }
        return n;
    }
}
