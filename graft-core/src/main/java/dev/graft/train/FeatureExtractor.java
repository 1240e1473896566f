package dev.graft.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import dev.graft.progress.Progress;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.NoGrad;

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

    private static TensorSet run(GraftModel model, TensorSet data, int batchSize, boolean preLogits, String label) {
        int n = data.size();
        int width = -1;
        float[] out = null;
        int batches = (n + batchSize - 1) / batchSize;
        try (NDManager base = NDManager.newBaseManager(); Progress bar = Progress.start(label, batches, "batch")) {
            ParameterStore ps = new ParameterStore(base, false);
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                int[] idx = new int[to - from];
                for (int k = 0; k < idx.length; k++) {
                    idx[k] = from + k;
                }
                try (NDManager nd = base.newSubManager(); NDScope scope = new NDScope(); NoGrad g = NoGrad.enter()) {
                    NDArray x = data.batch(nd, idx);
                    NDArray y = model.forwardHead(ps, model.forwardFeatures(ps, x, false), false, preLogits);
                    float[] v = y.toFloatArray();
                    if (out == null) {
                        width = (int) (v.length / idx.length);
                        out = new float[n * width];
                    }
                    System.arraycopy(v, 0, out, from * width, v.length);
                }
                bar.step(1);
            }
        }
        if (out == null) {
            out = new float[0];
            width = preLogits ? model.numFeatures() : model.numClasses();
        }
        return new TensorSet(out, new long[] {width}, data.labels(), data.classNames());
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
