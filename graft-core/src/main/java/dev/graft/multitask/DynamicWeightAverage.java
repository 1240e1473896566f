package dev.graft.multitask;

import ai.djl.ndarray.NDArray;
import dev.graft.engine.Scalars;
import dev.graft.util.Softmax;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamic weight average (DWA, Liu, Johns and Davison 2019): each epoch's task weights come from how
 * fast each loss fell over the last two epochs,
 *
 * <pre>
 *   r_t = L_t(e-1) / L_t(e-2),   w_t(e) = T * exp(r_t / temperature) / sum_k exp(r_k / temperature)
 * </pre>
 *
 * with {@code L_t} the mean training loss of an epoch, {@code T} the number of tasks and temperature 2;
 * the first two epochs use {@code w_t = 1}.
 *
 * <pre>{@code
 * double[] w = DynamicWeightAverage.weights(List.of(new double[] {1, 2}, new double[] {0.5, 2}), 2.0);
 * }</pre>
 */
public final class DynamicWeightAverage implements Weighting {
    private final double temperature;
    private double[] weights;

    public DynamicWeightAverage() {
        this(2.0);
    }

    public DynamicWeightAverage(double temperature) {
        if (!(temperature > 0)) {
            throw new dev.graft.GraftException("DWA temperature " + temperature, "give a temperature > 0 (the paper uses 2)");
        }
        this.temperature = temperature;
    }

    @Override
    public String name() {
        return "dwa";
    }

    @Override
    public void init(List<TaskSpec> tasks, ai.djl.ndarray.NDManager manager) {
        weights = new double[tasks.size()];
        Arrays.fill(weights, 1.0);
    }

    @Override
    public void startEpoch(int epoch, List<double[]> epochLosses) {
        weights = weights(epochLosses, temperature, weights.length);
    }

    /** DWA's weights for the next epoch from the mean task losses of the finished epochs (oldest first). */
    public static double[] weights(List<double[]> epochLosses, double temperature) {
        return weights(epochLosses, temperature, epochLosses.isEmpty() ? 0 : epochLosses.get(0).length);
    }

    private static double[] weights(List<double[]> epochLosses, double temperature, int numTasks) {
        double[] w = new double[numTasks];
        if (epochLosses.size() < 2) {
            Arrays.fill(w, 1.0);
            return w;
        }
        double[] last = epochLosses.get(epochLosses.size() - 1);
        double[] before = epochLosses.get(epochLosses.size() - 2);
        double[] ratio = new double[numTasks];
        for (int t = 0; t < numTasks; t++) {
            ratio[t] = last[t] / before[t] / temperature;
        }
        double[] p = Softmax.of(ratio);
        for (int t = 0; t < numTasks; t++) {
            w[t] = numTasks * p[t];
        }
        return w;
    }

    @Override
    public double[] backward(NDArray[] losses, TaskGradients grads) {
        NDArray total = null;
        for (int t = 0; t < losses.length; t++) {
            NDArray term = Scalars.mul(losses[t], weights[t]);
            total = total == null ? term : total.add(term);
        }
        grads.backward(total);
        return weights.clone();
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("temperature", temperature);
        m.put("weights", weights.clone());
        return m;
    }
}
