package dev.graft.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.engine.Engines;
import dev.graft.engine.Scalars;
import dev.graft.train.ModelInput;
import dev.graft.util.Permutations;
import dev.graft.zoo.GraftModel;
import java.util.SplittableRandom;

/**
 * The proxy A-distance (Ben-David et al., 2007) between two data sets in a model's feature space:
 * a linear domain classifier (L2-regularised logistic regression on standardised pre-logits
 * features) is trained on half of the samples of both sets and tested on the other half; with test
 * error {@code e}, {@code PAD = 2 (1 - 2 e)}, clamped to [0, 2]. 0 means the features cannot tell the
 * domains apart; 2 means they separate them perfectly.
 *
 * <pre>{@code
 * ProxyADistance.Result r = ProxyADistance.measure(model, mnist.test(), digits.test(), 2000, 42);
 * System.out.println(r.distance());
 * }</pre>
 */
public final class ProxyADistance {
    private static final int STEPS = 300;
    private static final float LEARNING_RATE = 0.5f;
    private static final float L2 = 1e-3f;

    private ProxyADistance() {}

    /**
     * @param distance the proxy A-distance in [0, 2]
     * @param error the domain classifier's held-out error
     * @param perDomain samples used from each data set
     */
    public record Result(double distance, double error, int perDomain) {}

    /** Measures the distance with at most {@code limit} images of each set (a seeded random subset). */
    public static Result measure(GraftModel model, ImageData imagesA, ImageData imagesB, int limit, long seed) {
        // both sets take the model's input size and channels, so data sets of different sizes compare
        ImageData a = dev.graft.train.ModelInput.shape(imagesA, model.cfg());
        ImageData b = dev.graft.train.ModelInput.shape(imagesB, model.cfg());
        int n = Math.min(limit, Math.min(a.size(), b.size()));
        if (n < 4) {
            throw new GraftException("the proxy A-distance needs at least 4 images per data set, got " + n, "use larger data sets");
        }
        Engines.pytorch();
        SplittableRandom rng = new SplittableRandom(seed);
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray fa = features(model, a, pick(a.size(), n, rng), nd);
            NDArray fb = features(model, b, pick(b.size(), n, rng), nd);
            int half = n / 2;
            NDArray trainX = NDArrays.concat(new NDList(fa.get("0:" + half), fb.get("0:" + half)), 0);
            NDArray testX = NDArrays.concat(new NDList(fa.get(half + ":"), fb.get(half + ":")), 0);
            NDArray trainY = labels(nd, half, half);
            NDArray testY = labels(nd, n - half, n - half);
            NDArray mean = trainX.mean(new int[] {0}, true);
            NDArray std = trainX.sub(mean).square().mean(new int[] {0}, true).sqrt().add(1e-6f);
            trainX = trainX.sub(mean).div(std);
            testX = testX.sub(mean).div(std);
            long d = trainX.getShape().get(1);
            NDArray w = nd.zeros(new Shape(d, 1));
            NDArray bias = nd.zeros(new Shape(1));
            float count = trainX.getShape().get(0);
            for (int step = 0; step < STEPS; step++) {
                try (NDManager sm = nd.newSubManager()) {
                    NDArray p = trainX.matMul(w).add(bias).getNDArrayInternal().sigmoid();
                    p.attach(sm);
                    NDArray diff = p.sub(trainY);
                    NDArray gw = Scalars.div(trainX.transpose().matMul(diff), count).add(Scalars.mul(w, L2));
                    NDArray gb = diff.mean();
                    w.subi(Scalars.mul(gw, LEARNING_RATE));
                    bias.subi(Scalars.mul(gb, LEARNING_RATE));
                }
            }
            NDArray predicted = testX.matMul(w).add(bias).gt(0f);
            double error = 1.0 - predicted.eq(testY.gt(0.5f)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean().getFloat();
            double pad = Math.max(0.0, Math.min(2.0, 2.0 * (1.0 - 2.0 * error)));
            return new Result(pad, error, n);
        }
    }

    private static int[] pick(int size, int n, SplittableRandom rng) {
        return java.util.Arrays.copyOf(Permutations.shuffled(size, rng), n);
    }

    private static NDArray labels(NDManager nd, int ones, int zeros) {
        return NDArrays.concat(new NDList(nd.ones(new Shape(ones, 1)), nd.zeros(new Shape(zeros, 1))), 0);
    }

    /** Pre-logits features of the images at {@code idx}, in inference mode. */
    static NDArray features(GraftModel model, ImageData data, int[] idx, NDManager into) {
        ParameterStore ps = new ParameterStore(into, false);
        NDList parts = new NDList();
        for (int start = 0; start < idx.length; start += 500) {
            int[] chunk = java.util.Arrays.copyOfRange(idx, start, Math.min(idx.length, start + 500));
            try (NDManager sm = into.newSubManager()) {
                NDArray x = ModelInput.normalize(data.images(sm, chunk), model.cfg());
                NDArray f = model.forwardHead(ps, model.forwardFeatures(ps, x, false), false, true);
                NDArray flat = f.reshape(f.getShape().get(0), -1);
                flat.attach(into);
                parts.add(flat);
            }
        }
        return NDArrays.concat(parts, 0);
    }
}
