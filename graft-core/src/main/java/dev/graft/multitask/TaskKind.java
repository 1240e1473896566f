package dev.graft.multitask;

/** What a task predicts, which decides its head, loss and metric. */
public enum TaskKind {
    /** One of {@code n} classes: linear head with {@code n} outputs, cross-entropy, accuracy (higher is better). */
    CLASSIFICATION,
    /** One real value: linear head with one output, mean squared error, MSE (lower is better). */
    REGRESSION;

    /** Whether a larger value of this kind's metric is better (LibMTL's metric direction for Delta_m). */
    public boolean higherIsBetter() {
        return this == CLASSIFICATION;
    }

    /** The metric name reported for this kind. */
    public String metricName() {
        return this == CLASSIFICATION ? "accuracy" : "mse";
    }
}
