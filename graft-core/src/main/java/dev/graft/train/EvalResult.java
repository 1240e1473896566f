package dev.graft.train;

import java.util.List;

/**
 * Classification metrics of one pass over a split.
 *
 * @param loss mean loss (with the run's label smoothing)
 * @param top1 fraction of samples whose arg-max is the label
 * @param top5 fraction whose label is among the five highest scores (top-k with k = classes when fewer than 5)
 * @param precision per class: true positives / predicted positives (NaN when never predicted)
 * @param recall per class: true positives / actual positives (NaN when absent)
 * @param confusion confusion[actual][predicted] counts
 * @param classNames class names in index order
 * @param count number of samples
 */
public record EvalResult(double loss, double top1, double top5, double[] precision, double[] recall,
                         long[][] confusion, List<String> classNames, long count) {

    /** Mean recall over classes present (balanced accuracy). */
    public double balancedAccuracy() {
        double s = 0;
        int n = 0;
        for (double r : recall) {
            if (!Double.isNaN(r)) {
                s += r;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
