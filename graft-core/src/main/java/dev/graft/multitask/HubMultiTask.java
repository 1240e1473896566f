package dev.graft.multitask;

import dev.graft.GraftException;
import dev.graft.data.DataSpec;
import dev.graft.data.HubDatasetLayout;
import dev.graft.data.HubDatasetLayout.ColumnImages;
import dev.graft.data.HubDatasetLayout.Split;
import dev.graft.data.ImageData;
import dev.graft.data.Splits;
import dev.graft.data.io.ParquetTables;
import dev.graft.data.HubDatasetWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hub image data set repository ({@code hf-hub:datasets/owner/name}) as a multi-task data set: one
 * task per label column, read by {@link HubDatasetLayout} like every hub data set. A {@code ClassLabel}
 * column (class names from the card's {@code dataset_info.features}) is a classification task, a float
 * {@code Value} column a regression task, and a null cell a missing label (masked out of that task).
 * Missing validation and test splits are carved from train as for the built-in sets: stratified by the
 * first classification task, test with {@link Splits#FIXED_TEST_SEED}, validation with the seed.
 *
 * <pre>{@code
 * MultiTaskSplits s = MultiTaskDatasets.load("hf-hub:datasets/alice/mnist-tasks", 42);
 * s.train().tasks();   // digit, parity, greater_than_4
 * }</pre>
 */
public final class HubMultiTask implements MultiTaskSource {
    private final DataSpec spec;
    private HubDatasetLayout layout;

    HubMultiTask(DataSpec spec) {
        this.spec = spec;
    }

    @Override
    public String name() {
        return spec.text();
    }

    @Override
    public String description() {
        return "data set repository " + spec.repo() + " on the hub, one task per label column";
    }

    @Override
    public boolean isCached() {
        return layout != null;
    }

    @Override
    public void fetch() {
        if (layout == null) {
            layout = HubDatasetLayout.pull(spec);
        }
    }

    @Override
    public MultiTaskSplits load(long seed) {
        return load(seed, spec.validationFraction());
    }

    @Override
    public MultiTaskSplits load(long seed, double validationFraction) {
        fetch();
        Map<Split, ColumnImages> read = layout.imagesWithColumns(spec);
        List<TaskSpec> tasks = new ArrayList<>();
        for (ParquetTables.Column c : read.get(Split.TRAIN).columns()) {
            List<String> names = layout.declaredClassNames(c.name());
            tasks.add(names != null ? TaskSpec.classification(c.name(), names) : TaskSpec.regression(c.name()));
        }
        String name = spec.text();
        MultiTaskData train = data(name + "/train", read.get(Split.TRAIN), tasks);
        MultiTaskData test = read.containsKey(Split.TEST) ? data(name + "/test", read.get(Split.TEST), tasks) : null;
        MultiTaskData val = read.containsKey(Split.VALIDATION) ? data(name + "/validation", read.get(Split.VALIDATION), tasks) : null;
        if (test == null) {
            int[][] p = train.stratifiedIndices(spec.testFraction(), Splits.FIXED_TEST_SEED);
            test = train.subset(name + "/test", p[1]);
            train = train.subset(name + "/train", p[0]);
        }
        if (val == null) {
            int[][] p = train.stratifiedIndices(validationFraction, seed);
            val = train.subset(name + "/validation", p[1]);
            train = train.subset(name + "/train", p[0]);
        }
        return new MultiTaskSplits(train, val, test);
    }

    /**
     * Writes multi-task splits (e.g. train and test) as a hub data set repository in {@code dir}: one
     * ClassLabel column per classification task, one float column per regression task, missing labels
     * as nulls; what {@link #load} reads back.
     */
    public static void write(Map<String, MultiTaskData> splits, Path dir, HubDatasetWriter.Info info) {
        Map<String, ColumnImages> out = new LinkedHashMap<>();
        Map<String, List<String>> classNames = new HashMap<>();
        for (Map.Entry<String, MultiTaskData> e : splits.entrySet()) {
            MultiTaskData d = e.getValue();
            if (d == null || d.size() == 0) {
                continue;
            }
            List<ParquetTables.Column> cols = new ArrayList<>();
            Object[][] values = new Object[d.numTasks()][d.size()];
            for (int t = 0; t < d.numTasks(); t++) {
                TaskSpec task = d.tasks().get(t);
                boolean cls = task.kind() == TaskKind.CLASSIFICATION;
                cols.add(new ParquetTables.Column(task.name(), cls ? "BIGINT" : "DOUBLE"));
                if (cls) {
                    classNames.put(task.name(), task.classNames());
                }
                for (int i = 0; i < d.size(); i++) {
                    values[t][i] = !d.hasLabel(t, i) ? null : cls ? (Object) (long) d.target(t, i) : (Object) (double) d.target(t, i);
                }
            }
            int[] none = new int[d.size()];
            out.put(e.getKey(), new ColumnImages(new ImageData(d.name(), List.of("row"), d.channels(), d.height(), d.width(), d.pixels(), none),
                    cols, values));
        }
        HubDatasetWriter.writeImageColumns(out, classNames, dir, info);
    }

    private static MultiTaskData data(String name, ColumnImages c, List<TaskSpec> tasks) {
        ImageData im = c.images();
        int n = im.size();
        float[][] y = new float[tasks.size()][n];
        boolean[][] present = new boolean[tasks.size()][n];
        for (int t = 0; t < tasks.size(); t++) {
            TaskSpec task = tasks.get(t);
            Map<String, Integer> index = new HashMap<>();
            for (int k = 0; k < task.classNames().size(); k++) {
                index.put(task.classNames().get(k), k);
            }
            for (int i = 0; i < n; i++) {
                Object v = c.values()[t][i];
                if (v == null) {
                    continue;
                }
                present[t][i] = true;
                if (task.kind() == TaskKind.REGRESSION) {
                    y[t][i] = ((Number) v).floatValue();
                    continue;
                }
                Integer k = v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())
                        && num.longValue() >= 0 && num.longValue() < task.numOutputs() ? Integer.valueOf(num.intValue()) : index.get(v.toString());
                if (k == null) {
                    throw new GraftException(name + " sample " + i + ": label " + v + " in column '" + task.name() + "' is outside its "
                            + task.numOutputs() + " class names", "fix the label, or add its class to dataset_info.features in README.md");
                }
                y[t][i] = k;
            }
        }
        return new MultiTaskData(name, im.channels(), im.height(), im.width(), im.pixels(), tasks, y, present);
    }
}
