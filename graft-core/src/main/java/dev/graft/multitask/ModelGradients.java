package dev.graft.multitask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.engine.Scalars;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link TaskGradients} over a {@link MultiTaskModel} for one batch: one forward pass, then either one
 * backward of a combined loss or one backward per task over the retained graph, reading and replacing
 * the shared parameters' gradients.
 */
final class ModelGradients implements TaskGradients {
    private final List<String> sharedKeys;
    private final List<Parameter> sharedParams;
    private final NDManager batch;
    private final int[] lastLayer;
    private final Map<String, NDArray> overrides = new HashMap<>();

    ModelGradients(MultiTaskModel model, NDManager batch) {
        this.sharedKeys = new ArrayList<>(model.sharedParameters().keySet());
        this.sharedParams = new ArrayList<>(model.sharedParameters().values());
        this.batch = batch;
        String last = model.lastSharedLayer();
        long offset = 0;
        int[] found = null;
        for (int i = 0; i < sharedKeys.size(); i++) {
            long size = sharedParams.get(i).getArray().getShape().size();
            if (sharedKeys.get(i).equals(last)) {
                found = new int[] {(int) offset, (int) size};
            }
            offset += size;
        }
        this.lastLayer = found;
    }

    @Override
    public void backward(NDArray loss) {
        Autograd.backward(loss, false);
    }

    @Override
    public NDArray[] sharedGradients(NDArray[] losses, float[] scales) {
        NDArray[] flats = new NDArray[losses.length];
        for (int t = 0; t < losses.length; t++) {
            NDArray scaled = Scalars.mul(losses[t], scales[t]);
            Autograd.backward(scaled, t < losses.length - 1);
            NDList parts = new NDList();
            for (Parameter p : sharedParams) {
                NDArray w = p.getArray();
                NDArray g = Autograd.gradient(w);
                if (g == null) {
                    parts.add(batch.zeros(w.getShape()).reshape(-1));
                } else {
                    g.attach(batch);
                    // A copy: the gradient tensor itself is zeroed below and reused by the next task.
                    parts.add(g.reshape(-1).duplicate());
                }
                Autograd.zeroGradient(w);
            }
            flats[t] = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
        }
        return flats;
    }

    @Override
    public void setSharedGradient(NDArray flat) {
        long offset = 0;
        for (int i = 0; i < sharedParams.size(); i++) {
            NDArray w = sharedParams.get(i).getArray();
            long size = w.getShape().size();
            overrides.put(sharedKeys.get(i), flat.get(offset + ":" + (offset + size)).reshape(w.getShape()));
            offset += size;
        }
    }

    @Override
    public int[] lastSharedLayer() {
        return lastLayer.clone();
    }

    /**
     * Writes the shared gradient set by the weighting (PCGrad, GradNorm) into the shared parameters'
     * gradients, where the optimizer reads them; {@link #sharedGradients} left those at zero.
     */
    void applySharedGradient() {
        for (int i = 0; i < sharedParams.size(); i++) {
            NDArray o = overrides.get(sharedKeys.get(i));
            NDArray g = o == null ? null : Autograd.gradient(sharedParams.get(i).getArray());
            if (g != null) {
                g.attach(batch);
                g.addi(o);
            }
        }
    }
}
