package dev.graft.train;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Accumulates loss, top-1/top-5 accuracy and a confusion matrix batch by batch.
 *
 * <pre>{@code
 * ClassificationMetrics m = new ClassificationMetrics(classNames);
 * m.add(logits, labels, loss.getFloat());
 * EvalResult r = m.result();
 * }</pre>
 */
public final class ClassificationMetrics {
    private final List<String> classNames;
    private final long[][] confusion;
    private long top5Hits;
    private long count;
    private double lossSum;

    public ClassificationMetrics(List<String> classNames) {
        this.classNames = List.copyOf(classNames);
        this.confusion = new long[classNames.size()][classNames.size()];
    }

    /** Adds a batch: logits N x K, labels N (any integer type), and the batch's mean loss. */
    public void add(NDArray logits, NDArray labels, double meanLoss) {
        float[] scores = logits.toFloatArray();
        int[] y = labels.toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
        add(scores, y, meanLoss);
    }

    /** Adds a batch given as row-major scores (N x K) and labels. */
    public void add(float[] scores, int[] labels, double meanLoss) {
        int k = classNames.size();
        int n = labels.length;
        int topk = Math.min(5, k);
        for (int i = 0; i < n; i++) {
            int best = 0;
            float bestScore = scores[i * k];
            for (int c = 1; c < k; c++) {
                if (scores[i * k + c] > bestScore) {
                    bestScore = scores[i * k + c];
                    best = c;
                }
            }
            confusion[labels[i]][best]++;
            // rank of the true class: number of classes scoring strictly higher (ties favour the label, as topk does for the first)
            float own = scores[i * k + labels[i]];
            int higher = 0;
            for (int c = 0; c < k; c++) {
                if (scores[i * k + c] > own) {
                    higher++;
                }
            }
            if (higher < topk) {
                top5Hits++;
            }
        }
        lossSum += meanLoss * n;
        count += n;
    }

    /** The accumulated counts, for a checkpoint. */
    public java.util.Map<String, Object> state() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("confusion", confusion);
        m.put("top5_hits", top5Hits);
        m.put("count", count);
        m.put("loss_sum", lossSum);
        return m;
    }

    /** Metrics continuing from {@link #state()} (null or empty: fresh). */
    public static ClassificationMetrics fromState(List<String> classNames, java.util.Map<String, Object> state) {
        ClassificationMetrics m = new ClassificationMetrics(classNames);
        if (state == null || state.isEmpty()) {
            return m;
        }
        List<?> rows = (List<?>) state.get("confusion");
        for (int r = 0; r < rows.size(); r++) {
            List<?> row = (List<?>) rows.get(r);
            for (int c = 0; c < row.size(); c++) {
                m.confusion[r][c] = ((Number) row.get(c)).longValue();
            }
        }
        m.top5Hits = ((Number) state.get("top5_hits")).longValue();
        m.count = ((Number) state.get("count")).longValue();
        m.lossSum = ((Number) state.get("loss_sum")).doubleValue();
        return m;
    }

    public long count() {
        return count;
    }

    public EvalResult result() {
        int k = classNames.size();
        long correct = 0;
        double[] precision = new double[k];
        double[] recall = new double[k];
        for (int c = 0; c < k; c++) {
            correct += confusion[c][c];
            long predicted = 0;
            long actual = 0;
            for (int o = 0; o < k; o++) {
                predicted += confusion[o][c];
                actual += confusion[c][o];
            }
            precision[c] = predicted == 0 ? Double.NaN : confusion[c][c] / (double) predicted;
            recall[c] = actual == 0 ? Double.NaN : confusion[c][c] / (double) actual;
        }
        long[][] copy = new long[k][];
        for (int c = 0; c < k; c++) {
            copy[c] = confusion[c].clone();
        }
        double n = Math.max(1, count);
        return new EvalResult(lossSum / n, correct / n, top5Hits / n, precision, recall, copy, classNames, count);
    }
}
