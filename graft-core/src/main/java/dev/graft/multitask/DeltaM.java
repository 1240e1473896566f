package dev.graft.multitask;

import dev.graft.GraftException;
import dev.graft.SettingException;
import java.util.List;
import java.util.Map;

/**
 * The average relative improvement of a multi-task model over single-task baselines, as LibMTL reports it:
 *
 * <pre>
 *   Delta_m = 100% * (1/T) * sum_t (-1)^{s_t} (M_t - B_t) / B_t
 * </pre>
 *
 * with {@code M_t} the multi-task model's metric on task {@code t}, {@code B_t} the single-task baseline's,
 * and {@code s_t = 1} when lower is better (MSE), 0 when higher is better (accuracy). Positive means better.
 *
 * <pre>{@code
 * double d = DeltaM.percent(tasks, Map.of("left", 0.91, "right", 0.88), Map.of("left", 0.90, "right", 0.87));
 * }</pre>
 */
public final class DeltaM {
    private DeltaM() {}

    /** Delta_m in percent; every task needs a baseline that is not zero. */
    public static double percent(List<TaskSpec> tasks, Map<String, Double> metrics, Map<String, Double> baselines) {
        double sum = 0;
        for (TaskSpec task : tasks) {
            Double m = metrics.get(task.name());
            Double b = baselines.get(task.name());
            if (m == null || b == null) {
                throw new SettingException(SettingException.Reason.NO_BASELINES, null, "no " + (m == null ? "metric" : "single-task baseline")
                        + " for task '" + task.name() + "'", "give baselines for every task (train each task alone)");
            }
            if (b == 0) {
                throw new GraftException("the single-task baseline of task '" + task.name() + "' is 0", "Delta_m divides by it; retrain the baseline");
            }
            double rel = (m - b) / b;
            sum += task.kind().higherIsBetter() ? rel : -rel;
        }
        return 100.0 * sum / tasks.size();
    }
}
