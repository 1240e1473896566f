package dev.graft.multitask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.train.ModelInput;
import dev.graft.util.FlatRows;
import dev.graft.zoo.PretrainedCfg;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Images with one label vector per task, held in memory as float32 NCHW in [0, 1]. A task may lack
 * labels for some samples: {@link #hasLabel} is false there and the sample is masked out of that
 * task's loss and metric.
 *
 * <pre>{@code
 * MultiTaskData train = MultiTaskDatasets.load("multimnist", 42).train();
 * NDArray x = train.images(nd, idx);           // N x 1 x 36 x 36
 * NDArray left = train.targets(nd, 0, idx);    // N, int32 class indices
 * NDArray known = train.mask(nd, 0, idx);      // N, float32 1 = labelled, 0 = missing
 * }</pre>
 */
public final class MultiTaskData {
    private final String name;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] pixels;
    private final List<TaskSpec> tasks;
    private final float[][] targets;
    private final boolean[][] present;

    /**
     * @param pixels N x C x H x W values in [0, 1], row-major
     * @param tasks the tasks, in head order
     * @param targets per task N values: class index (as a float) or regression target
     * @param present per task N flags, false where the label is missing (null = all present)
     */
    public MultiTaskData(String name, int channels, int height, int width, float[] pixels,
            List<TaskSpec> tasks, float[][] targets, boolean[][] present) {
        this.name = name;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.tasks = List.copyOf(tasks);
        if (this.tasks.isEmpty()) {
            throw new GraftException("multi-task data set '" + name + "' has no tasks", "give at least one task");
        }
        if (targets.length != this.tasks.size()) {
            throw new GraftException("multi-task data set '" + name + "' has " + targets.length + " label vectors for "
                    + this.tasks.size() + " tasks", "give one label vector per task");
        }
        int n = targets[0].length;
        long per = (long) channels * height * width;
        if (per <= 0 || pixels.length != per * n) {
            throw new GraftException("multi-task data set '" + name + "': " + pixels.length + " pixel values do not make "
                    + n + " images of " + channels + "x" + height + "x" + width, "check the loader's shape");
        }
        this.targets = targets;
        this.present = new boolean[targets.length][];
        for (int t = 0; t < targets.length; t++) {
            TaskSpec task = this.tasks.get(t);
            if (targets[t].length != n) {
                throw new GraftException("task '" + task.name() + "' has " + targets[t].length + " labels for " + n + " images",
                        "give one label per image (mark missing ones in the mask)");
            }
            boolean[] p = present == null || present[t] == null ? filled(n) : present[t];
            if (p.length != n) {
                throw new GraftException("task '" + task.name() + "' has a mask of " + p.length + " for " + n + " images",
                        "give one mask flag per image");
            }
            for (int i = 0; i < n; i++) {
                if (p[i] && task.kind() == TaskKind.CLASSIFICATION) {
                    float v = targets[t][i];
                    if (v != Math.rint(v) || v < 0 || v >= task.numOutputs()) {
                        throw new GraftException("task '" + task.name() + "': sample " + i + " has label " + v + " but there are "
                                + task.numOutputs() + " classes", "check the labels and class names");
                    }
                }
                if (p[i] && !Float.isFinite(targets[t][i])) {
                    throw new GraftException("task '" + task.name() + "': sample " + i + " has a non-finite target",
                            "mark it as missing instead");
                }
            }
            this.present[t] = p;
        }
    }

    private static boolean[] filled(int n) {
        boolean[] p = new boolean[n];
        Arrays.fill(p, true);
        return p;
    }

    public String name() { return name; }
    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }
    public int size() { return targets[0].length; }
    public List<TaskSpec> tasks() { return tasks; }
    public int numTasks() { return tasks.size(); }
    public int imageSize() { return channels * height * width; }

    /** The backing pixel array (not copied; do not modify). */
    public float[] pixels() { return pixels; }

    /** One image as a fresh C*H*W array. */
    public float[] image(int i) {
        float[] out = new float[imageSize()];
        System.arraycopy(pixels, i * imageSize(), out, 0, imageSize());
        return out;
    }

    /** Task {@code t}'s target of sample {@code i} (meaningless where {@link #hasLabel} is false). */
    public float target(int t, int i) { return targets[t][i]; }

    public boolean hasLabel(int t, int i) { return present[t][i]; }

    /** Index of the task called {@code taskName}; an error listing the tasks if there is none. */
    public int taskIndex(String taskName) {
        for (int t = 0; t < tasks.size(); t++) {
            if (tasks.get(t).name().equals(taskName)) {
                return t;
            }
        }
        List<String> names = new ArrayList<>();
        tasks.forEach(s -> names.add(s.name()));
        throw new GraftException("data set '" + name + "' has no task '" + taskName + "'", "its tasks are " + String.join(", ", names));
    }

    /** How many samples carry a label for task {@code t}. */
    public int labelledCount(int t) {
        int c = 0;
        for (boolean b : present[t]) {
            c += b ? 1 : 0;
        }
        return c;
    }

    /** Images at {@code indices} as an N x C x H x W float32 array. */
    public NDArray images(NDManager nd, int[] indices) {
        return nd.create(FlatRows.gather(pixels, imageSize(), indices), new Shape(indices.length, channels, height, width));
    }

    /** Task {@code t}'s targets at {@code indices}: int32 class indices, or float32 values for regression; 0 where missing. */
    public NDArray targets(NDManager nd, int t, int[] indices) {
        if (tasks.get(t).kind() == TaskKind.CLASSIFICATION) {
            int[] y = new int[indices.length];
            for (int k = 0; k < indices.length; k++) {
                y[k] = present[t][indices[k]] ? (int) targets[t][indices[k]] : 0;
            }
            return nd.create(y);
        }
        float[] y = new float[indices.length];
        for (int k = 0; k < indices.length; k++) {
            y[k] = present[t][indices[k]] ? targets[t][indices[k]] : 0f;
        }
        return nd.create(y);
    }

    /** Task {@code t}'s label mask at {@code indices}: float32, 1 where labelled, 0 where missing. */
    public NDArray mask(NDManager nd, int t, int[] indices) {
        float[] m = new float[indices.length];
        for (int k = 0; k < indices.length; k++) {
            m[k] = present[t][indices[k]] ? 1f : 0f;
        }
        return nd.create(m);
    }

    /** The samples at {@code indices}, as a new data set with the same tasks. */
    public MultiTaskData subset(String subsetName, int[] indices) {
        float[] px = FlatRows.gather(pixels, imageSize(), indices);
        float[][] y = new float[tasks.size()][indices.length];
        boolean[][] p = new boolean[tasks.size()][indices.length];
        for (int k = 0; k < indices.length; k++) {
            for (int t = 0; t < tasks.size(); t++) {
                y[t][k] = targets[t][indices[k]];
                p[t][k] = present[t][indices[k]];
            }
        }
        return new MultiTaskData(subsetName, channels, height, width, px, tasks, y, p);
    }

    /**
     * {kept, held out} sample indices (each ascending), holding out a {@code fraction} of each class of
     * the first classification task (samples without its label as one more group) with {@code seed},
     * as {@link dev.graft.data.Splits#stratifiedIndices} carves single-label data.
     */
    public int[][] stratifiedIndices(double fraction, long seed) {
        int t = 0;
        while (t < numTasks() && tasks.get(t).kind() != TaskKind.CLASSIFICATION) {
            t++;
        }
        int[] groups = new int[size()];
        int n = 1;
        if (t < numTasks()) {
            n = tasks.get(t).numOutputs() + 1;
            for (int i = 0; i < groups.length; i++) {
                groups[i] = present[t][i] ? (int) targets[t][i] : n - 1;
            }
        }
        return dev.graft.data.Splits.stratifiedIndices(groups, n, fraction, seed);
    }

    /** The first {@code n} samples (all of them when {@code n <= 0} or larger than the set). */
    public MultiTaskData head(int n) {
        if (n <= 0 || n >= size()) {
            return this;
        }
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        return subset(name, idx);
    }

    /** The same images with only the named tasks, in the given order (single-task baselines use one). */
    public MultiTaskData selectTasks(List<String> taskNames) {
        List<TaskSpec> sel = new ArrayList<>();
        float[][] y = new float[taskNames.size()][];
        boolean[][] p = new boolean[taskNames.size()][];
        for (int k = 0; k < taskNames.size(); k++) {
            int t = taskIndex(taskNames.get(k));
            sel.add(tasks.get(t));
            y[k] = targets[t];
            p[k] = present[t];
        }
        return new MultiTaskData(name, channels, height, width, pixels, sel, y, p);
    }

    /**
     * A copy where task {@code taskName} keeps its label on only a {@code keepFraction} of the samples,
     * chosen with {@code seed} (the others become missing), e.g. to study a sparsely labelled auxiliary task.
     */
    public MultiTaskData withMissingLabels(String taskName, double keepFraction, long seed) {
        if (!(keepFraction >= 0 && keepFraction <= 1)) {
            throw new GraftException("label fraction " + keepFraction + " for task '" + taskName + "'", "give a fraction in [0, 1]");
        }
        int t = taskIndex(taskName);
        boolean[][] p = present.clone();
        p[t] = present[t].clone();
        Random rnd = new Random(seed);
        for (int i = 0; i < size(); i++) {
            if (rnd.nextDouble() >= keepFraction) {
                p[t][i] = false;
            }
        }
        return new MultiTaskData(name, channels, height, width, pixels, tasks, targets, p);
    }

    /**
     * The images at the input size and channel count of a model with configuration {@code cfg}, made by
     * {@link ModelInput} as for every other verb (pixels stay in [0, 1]); targets unchanged.
     */
    public MultiTaskData fittedTo(PretrainedCfg cfg) {
        int[] o = ModelInput.outputShape(name, channels, height, width, cfg);
        if (o[0] == channels && o[1] == height && o[2] == width) {
            return this;
        }
        float[] out = ModelInput.shape(name, pixels, size(), channels, height, width, cfg);
        return new MultiTaskData(name, o[0], o[1], o[2], out, tasks, targets, present);
    }
}
