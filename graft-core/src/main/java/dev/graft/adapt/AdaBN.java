package dev.graft.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.engine.Scalars;
import dev.graft.train.ModelInput;
import dev.graft.zoo.GraftModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * AdaBN (Li et al., 2016): adapt a trained model to a new domain by replacing every BatchNorm layer's
 * running mean and variance with statistics of the target images; no weights are trained and no
 * labels are read.
 *
 * <p>The new statistics are the size-weighted average of per-batch means and unbiased variances over
 * the target set (PyTorch's {@code momentum=None} cumulative average). It works for any
 * {@link GraftModel} whose BatchNorm buffers appear in {@code stateDict()} as {@code *.running_mean}
 * and {@code *.running_var}: a training-mode forward pass updates a buffer as
 * {@code r <- (1 - c) r + c b} with the batch statistic b and the layer's momentum c, so starting from
 * {@code r = 0} reads {@code c b}, and a second pass from {@code r = 1} on the first batch reads c.
 *
 * <pre>{@code
 * AdaBN.adapt(model, targetTrain, 256);
 * }</pre>
 */
public final class AdaBN {
    private AdaBN() {}

    /**
     * Re-estimates every BatchNorm layer's statistics on the target images (brought to the model's input
     * by {@link dev.graft.train.ModelInput}); returns how many buffers changed.
     */
    public static int adapt(GraftModel model, ImageData targetImages, int batchSize) {
        ImageData target = dev.graft.train.ModelInput.shape(targetImages, model.cfg());
        List<Parameter> buffers = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : model.stateDict().entrySet()) {
            if (e.getKey().endsWith("running_mean") || e.getKey().endsWith("running_var")) {
                buffers.add(e.getValue());
            }
        }
        if (buffers.isEmpty()) {
            throw new GraftException("model '" + model.name() + "' has no BatchNorm layers, so AdaBN has nothing to re-estimate",
                    "use a model with BatchNorm (e.g. lenet, small_cnn, resnet18) or another method");
        }
        if (target.size() < 2) {
            throw new GraftException("AdaBN needs at least two target images, got " + target.size(), "give it more target data");
        }
        int bs = Math.max(2, Math.min(batchSize, target.size()));
        try (NDManager acc = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(acc, false);
            NDArray[] sums = new NDArray[buffers.size()];
            double[] momentum = new double[buffers.size()];
            int seen = 0;
            for (int start = 0; start < target.size(); start += bs) {
                int n = Math.min(bs, target.size() - start);
                if (n < 2) {
                    break; // a single image has no variance; the last lone image is skipped
                }
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = start + i;
                }
                try (NDManager step = acc.newSubManager()) {
                    NDArray x = ModelInput.normalize(target.images(step, idx), model.cfg());
                    if (start == 0) {
                        fill(buffers, 1f);
                        model.forward(ps, x, true);
                        NDArray[] fromOne = snapshot(buffers, step);
                        fill(buffers, 0f);
                        model.forward(ps, x, true);
                        for (int b = 0; b < buffers.size(); b++) {
                            // r1 = (1 - c) + c b and r0 = c b, so c = 1 - (r1 - r0).
                            momentum[b] = 1.0 - fromOne[b].sub(buffers.get(b).getArray()).mean().getFloat();
                        }
                    } else {
                        fill(buffers, 0f);
                        model.forward(ps, x, true);
                    }
                    for (int b = 0; b < buffers.size(); b++) {
                        NDArray batchStat = Scalars.mul(Scalars.div(buffers.get(b).getArray(), momentum[b]), n);
                        if (sums[b] == null) {
                            sums[b] = batchStat;
                            sums[b].attach(acc);
                        } else {
                            sums[b].addi(batchStat);
                        }
                    }
                }
                seen += n;
            }
            for (int b = 0; b < buffers.size(); b++) {
                NDArray r = buffers.get(b).getArray();
                Scalars.muli(r, 0).addi(Scalars.div(sums[b], seen));
            }
        }
        return buffers.size();
    }

    private static void fill(List<Parameter> buffers, float value) {
        for (Parameter p : buffers) {
            Scalars.muli(p.getArray(), 0).addi(value);
        }
    }

    private static NDArray[] snapshot(List<Parameter> buffers, NDManager into) {
        NDArray[] out = new NDArray[buffers.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = buffers.get(i).getArray().duplicate();
            out[i].attach(into);
        }
        return out;
    }
}
