package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.multitask.MultiTask;
import dev.graft.multitask.MultiTaskReport;
import dev.graft.multitask.MultiTaskResult;
import dev.graft.multitask.TaskSpec;
import dev.graft.multitask.Weightings;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft multitask}: one shared backbone, one head per task, a weighting strategy. */
@Command(name = "multitask",
        description = "Train one shared backbone with a head per task (multimnist, mnist-tasks) and a weighting strategy.",
        footer = {"", "Delta_m needs single-task baselines trained with the same budget:",
            "  graft multitask --data multimnist --single-task --out runs/single",
            "  graft multitask --weighting pcgrad --baseline runs/single --out runs/pcgrad",
            "Details: docs/multitask.md"})
public final class MultitaskCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "small_cnn", description = "Backbone from the zoo, arch or arch.tag (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--pretrained", description = "Load the backbone's pretrained weights (for arch.tag names).")
    boolean pretrained;

    @Option(names = "--data", defaultValue = "multimnist", description = "Multi-task data set: multimnist, mnist-tasks, or hf-hub:datasets/owner/name (one task per ClassLabel or float column) (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--weighting", defaultValue = MultiTask.DEFAULT_WEIGHTING, description = "ew, uw, dwa, gradnorm or pcgrad (default: ${DEFAULT-VALUE}).")
    String weighting;

    @Option(names = "--single-task", description = "Train one single-task model per task instead (the baselines of Delta_m).")
    boolean singleTask;

    @Option(names = "--baseline", paramLabel = "PATH", description = "results.json (or run folder) of a --single-task run, for Delta_m.")
    Path baseline;

    @Option(names = "--epochs", defaultValue = "" + MultiTask.DEFAULT_EPOCHS, description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "" + MultiTask.DEFAULT_BATCH_SIZE, description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "" + MultiTask.DEFAULT_LEARNING_RATE, description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--train-limit", defaultValue = "0", description = "Use only the first N training images (0 = all).")
    int trainLimit;

    @Option(names = "--test-limit", defaultValue = "0", description = "Evaluate on the first N test images only (0 = all).")
    int testLimit;

    @Option(names = "--val-limit", defaultValue = "" + MultiTask.DEFAULT_VALIDATION_LIMIT, description = "Validation images evaluated each epoch (default: ${DEFAULT-VALUE}).")
    int valLimit;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK", description = "Train only these tasks (label columns of a hub data set), e.g. digit,parity.")
    List<String> tasks;

    @Option(names = "--label-fraction", paramLabel = "TASK=F", description = "TASK=F keeps task TASK's labels on a fraction F of the training images.")
    Map<String, Double> labelFractions = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (metrics, report, curves, exported model).")
    Path out;

    @picocli.CommandLine.Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        if (!Weightings.names().contains(weighting.toLowerCase(Locale.ROOT))) {
            throw new GraftException("unknown weighting '" + weighting + "'", "use one of " + String.join(", ", Weightings.names()));
        }
        if (out != null) {
            overwrite.claim(out, null);
        }
        long seed = Globals.seed;
        String name = model;
        boolean usePretrained = pretrained;
        MultiTask run = MultiTask.of(model, () -> Zoo.create(name, CreateOptions.defaults().withPretrained(usePretrained).withSeed(seed)), data)
                .withWeighting(weighting)
                .withEpochs(epochs).withBatchSize(batchSize).withLearningRate(lr).withSeed(seed)
                .withTrainLimit(trainLimit).withTestLimit(testLimit).withValidationLimit(valLimit)
                .withSingleTask(singleTask)
                .withOutDir(out);
        if (tasks != null) {
            run = run.withTasks(tasks);
        }
        for (Map.Entry<String, Double> f : labelFractions.entrySet()) {
            run = run.withLabelFraction(f.getKey(), f.getValue());
        }
        if (baseline != null) {
            run = run.withBaselines(MultiTaskReport.readMetrics(baseline));
        }
        MultiTaskResult r = run.run();
        if (Output.json()) {
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("weighting", r.weighting());
            res.put("metrics", r.testMetrics());
            if (r.deltaM() != null) {
                res.put("delta_m_percent", r.deltaM());
            }
            res.put("out", r.outDir() == null ? null : r.outDir().toString());
            System.out.println(Json.MAPPER.writeValueAsString(res).replace("\r", ""));
            return 0;
        }
        System.out.println("weighting " + r.weighting() + " on " + data + " with " + model);
        for (TaskSpec t : r.tasks()) {
            System.out.printf(Locale.ROOT, "  %-16s %-8s %.4f%n", t.name(), t.kind().metricName(), r.testMetrics().get(t.name()));
        }
        if (r.deltaM() != null) {
            System.out.printf(Locale.ROOT, "  Delta_m %+.2f%% against the single-task baselines%n", r.deltaM());
        }
        if (r.outDir() != null) {
            System.out.println("  run directory " + r.outDir());
        }
        return 0;
    }
}
