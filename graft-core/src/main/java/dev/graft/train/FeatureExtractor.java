package dev.graft.train;

import ai.djl.ndarray.NDArray;
import dev.graft.progress.Progress;
import dev.graft.train.loop.Loop;
import dev.graft.zoo.GraftModel;

/**
 * Runs a model's frozen backbone once over a data set in inference mode and keeps the pooled
 * pre-logits features (DL4J's {@code featurize}): the {@code head} strategy then trains on these, and
 * the advisor measures them.
 *
 * <pre>{@code
 * TensorSet feats = FeatureExtractor.features(model, ModelInput.prepare(train, model.cfg()), 256);  // n x D
 * }</pre>
 */
public final class FeatureExtractor {
    private FeatureExtractor() {}

    /** Pooled pre-logits features (n x numFeatures) with the same labels. */
    public static TensorSet features(GraftModel model, TensorSet data, int batchSize) {
        return run(model, data, batchSize, true, "features");
    }

    /** Classifier outputs (n x numClasses) of the model as it is. */
    public static TensorSet logits(GraftModel model, TensorSet data, int batchSize) {
        return run(model, data, batchSize, false, "predict");
    }

    /**
     * As {@link #features} or ({@code preLogits} false) {@link #logits}, without a progress line: for callers
     * that run many small batches and report progress their own way (Spark executors).
     */
    public static TensorSet quietly(GraftModel model, TensorSet data, int batchSize, boolean preLogits) {
        return run(model, data, batchSize, preLogits, null);
    }

    private static TensorSet run(GraftModel model, TensorSet data, int batchSize, boolean preLogits, String label) {
        int n = data.size();
        float[][] out = {null};
        int[] width = {preLogits ? model.numFeatures() : model.numClasses()};
        long batches = (n + batchSize - 1) / batchSize;
        try (Progress bar = label == null ? Progress.start("", batches, "batch", Progress.Mode.OFF, System.err)
                : Progress.start(label, batches, "batch")) {
            Loop.inBatches(n, batchSize, (nd, ps, idx) -> {
                NDArray y = model.forwardHead(ps, model.forwardFeatures(ps, data.batch(nd, idx), false), false, preLogits);
                float[] v = y.toFloatArray();
                if (out[0] == null) {
                    width[0] = v.length / idx.length;
                    out[0] = new float[n * width[0]];
                }
                System.arraycopy(v, 0, out[0], idx[0] * width[0], v.length);
                bar.step(1);
            });
        }
        float[] values = out[0] == null ? new float[0] : out[0];
        return new TensorSet(values, new long[] {width[0]}, data.labels(), data.classNames());
    }

    /**
     * The embeddings of images: each image prepared for the model ({@link ModelInput#prepare}), then
     * its pooled pre-logits features, one row per image (for CLIP, the projected image embedding).
     */
    public static float[][] embed(GraftModel model, dev.graft.data.ImageData images, int batchSize) {
        return rows(features(model, ModelInput.prepare(images, model.cfg()), batchSize));
    }

    /** Rows of a 1-D-sample set as a matrix (n x D). */
    public static float[][] rows(TensorSet set) {
        int d = set.sampleSize();
        float[][] m = new float[set.size()][d];
        for (int i = 0; i < set.size(); i++) {
            System.arraycopy(set.values(), i * d, m[i], 0, d);
        }
        return m;
    }
}
