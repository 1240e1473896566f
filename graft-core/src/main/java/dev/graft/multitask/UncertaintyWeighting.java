package dev.graft.multitask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Uncertainty weighting (UW, Kendall, Gal and Cipolla 2018) with learned log-variances
 * {@code s_t = log sigma_t^2}, one per task, initialised to 0 and trained by the model's optimizer:
 *
 * <pre>
 *   L = sum_t ( exp(-s_t) * L_t + s_t )
 * </pre>
 *
 * This is the form used for classification in the paper and by most implementations for every task
 * (the regression form's factor 1/2 only rescales the learning rate of {@code s_t}); its gradient on
 * {@code s_t} is {@code 1 - exp(-s_t) L_t}, so {@code s_t} settles at {@code log L_t} and each task's
 * effective weight {@code exp(-s_t)} at {@code 1 / L_t}.
 *
 * <pre>{@code
 * Weighting uw = new UncertaintyWeighting();
 * }</pre>
 */
public final class UncertaintyWeighting implements Weighting {
    private NDArray logVariances;
    private List<TaskSpec> tasks;

    @Override
    public String name() {
        return "uw";
    }

    @Override
    public void init(List<TaskSpec> taskList, NDManager manager) {
        tasks = taskList;
        logVariances = manager.zeros(new ai.djl.ndarray.types.Shape(taskList.size()));
        logVariances.setRequiresGradient(true);
    }

    @Override
    public Map<String, NDArray> parameters() {
        return Map.of("uw.log_variances", logVariances);
    }

    /** The current {@code s_t = log sigma_t^2}. */
    public float[] logVariances() {
        return logVariances.toFloatArray();
    }

    @Override
    public double[] backward(NDArray[] losses, TaskGradients grads) {
        grads.backward(loss(losses));
        float[] s = logVariances();
        double[] w = new double[s.length];
        for (int t = 0; t < s.length; t++) {
            w[t] = Math.exp(-s[t]);
        }
        return w;
    }

    /** The weighted loss {@code sum_t exp(-s_t) L_t + s_t}, differentiable in the losses and in {@code s}. */
    public NDArray loss(NDArray[] losses) {
        // Work on a view owned by the batch's manager so per-batch arrays are freed with the batch.
        NDArray s = logVariances.add(0f);
        s.attach(losses[0].getManager());
        NDArray total = null;
        for (int t = 0; t < losses.length; t++) {
            NDArray st = s.get(t);
            NDArray term = losses[t].mul(st.neg().exp()).add(st);
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        float[] s = logVariances();
        for (int t = 0; t < s.length; t++) {
            m.put("log_variance." + tasks.get(t).name(), s[t]);
        }
        return m;
    }
}
