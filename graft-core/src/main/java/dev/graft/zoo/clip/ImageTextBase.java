package dev.graft.zoo.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.nn.Classifier;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.Linear;

/**
 * What CLIP and the vision-text dual encoder share around their towers: {@code logit_scale} (their
 * own parameter, so first in the state dict), {@code visual_projection} and {@code text_projection}
 * (no bias) on the towers' pooled outputs, and an optional {@code classifier} on the image embedding.
 * A subclass registers its towers, then calls {@link #projections}, as transformers' classes order them.
 */
abstract class ImageTextBase extends ModelBase implements ImageTextModel {
    private final Parameter logitScale;
    private Linear visualProjection;
    private Linear textProjection;
    private Classifier classifier;

    ImageTextBase(PretrainedCfg cfg, double logitScaleInit) {
        super(cfg);
        logitScale = param("logit_scale", Parameter.Type.OTHER, new Shape(), new ConstantInitializer((float) logitScaleInit));
    }

    /** Registers the projections of {@code visionWidth} and {@code textWidth} to {@code projectionDim}, then the classifier. */
    protected final void projections(int visionWidth, int textWidth, int projectionDim, int numClasses) {
        visualProjection = module("visual_projection", new Linear(visionWidth, projectionDim, Init.normal(0.02), null));
        textProjection = module("text_projection", new Linear(textWidth, projectionDim, Init.normal(0.02), null));
        classifier = module("classifier", new Classifier(projectionDim, numClasses, Init.normal(0.02), true));
    }

    /** The vision tower's pooled output (B, vision width) of {@link #forwardFeatures}' result. */
    protected abstract NDArray pooledImage(ParameterStore ps, NDArray features, boolean training);

    /** The text tower's pooled output (B, text width) of token ids and their mask (null: no padding). */
    protected abstract NDArray pooledText(ParameterStore ps, NDArray inputIds, NDArray attentionMask, boolean training);

    @Override
    protected Classifier classifier() {
        return classifier;
    }

    @Override
    public NDArray logitScale() {
        return logitScale.getArray();
    }

    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
        NDArray embeds = visualProjection.forward(ps, pooledImage(ps, features, training), training);
        return preLogits ? embeds : classifier.forward(ps, embeds, training);
    }

    @Override
    public NDArray imageFeatures(ParameterStore ps, NDArray pixelValues, boolean training) {
        return forwardHead(ps, forwardFeatures(ps, pixelValues, training), training, true);
    }

    @Override
    public NDArray textFeatures(ParameterStore ps, NDArray inputIds, NDArray attentionMask, boolean training) {
        return projectText(ps, pooledText(ps, inputIds, attentionMask, training), training);
    }

    /** {@code text_projection} of the text tower's pooled output (B, text width): what a locked tower's cached outputs are trained through. */
    public NDArray projectText(ParameterStore ps, NDArray pooled, boolean training) {
        return textProjection.forward(ps, pooled, training);
    }
}
