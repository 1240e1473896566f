package dev.graft.multitask;

import dev.graft.data.DataSplits;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import java.util.List;

/**
 * MNIST with three tasks on the same 28 x 28 images: {@code digit} (10 classes), {@code parity}
 * (even, odd) and {@code greater_than_4} (no, yes) — the last two are auxiliary tasks derived from
 * the digit, the usual toy for showing whether auxiliary supervision helps the main task.
 *
 * <p>Nothing is generated: the labels are derived from the cached {@code mnist} data set on load.
 *
 * <pre>{@code
 * MultiTaskSplits s = MultiTaskDatasets.load("mnist-tasks", 42);
 * MultiTaskData sparse = s.train().withMissingLabels("digit", 0.1, 42);   // digit labels on 10% only
 * }</pre>
 */
public final class MnistTasks implements MultiTaskSource {
    @Override
    public String name() {
        return "mnist-tasks";
    }

    @Override
    public String description() {
        return "MNIST with tasks digit, parity and greater_than_4 (auxiliary tasks), derived from mnist";
    }

    @Override
    public boolean isCached() {
        return Datasets.source("mnist").isCached();
    }

    @Override
    public void fetch() {
        Datasets.source("mnist").fetch();
    }

    @Override
    public MultiTaskSplits load(long seed) {
        return load(seed, dev.graft.data.Splits.DEFAULT_VALIDATION_FRACTION);
    }

    @Override
    public MultiTaskSplits load(long seed, double validationFraction) {
        Datasets.source("mnist").fetch();
        DataSplits s = Datasets.source("mnist").load(seed, validationFraction);
        return new MultiTaskSplits(fromDigits(s.train()), fromDigits(s.validation()), fromDigits(s.test()));
    }

    /** The three tasks over any digit data set whose class {@code k} is the digit {@code k}. */
    public static MultiTaskData fromDigits(ImageData digits) {
        int n = digits.size();
        float[][] y = new float[3][n];
        for (int i = 0; i < n; i++) {
            int d = digits.label(i);
            y[0][i] = d;
            y[1][i] = d % 2;
            y[2][i] = d > 4 ? 1 : 0;
        }
        return new MultiTaskData(digits.name(), digits.channels(), digits.height(), digits.width(), digits.pixels(),
                List.of(TaskSpec.classification("digit", MultiTaskFiles.digitNames()),
                        TaskSpec.classification("parity", List.of("even", "odd")),
                        TaskSpec.classification("greater_than_4", List.of("no", "yes"))),
                y, null);
    }
}
