package dev.graft.examples;

import dev.graft.data.ImageData;
import dev.graft.multitask.MultiTask;
import dev.graft.multitask.MultiTaskData;
import dev.graft.multitask.MultiTaskReport;
import dev.graft.multitask.MultiTaskResult;
import dev.graft.multitask.MultiTaskSplits;
import dev.graft.multitask.TaskSpec;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;

/**
 * Multi-task learning: one shared {@code small_cnn} backbone, one head per task, and a weighting that
 * balances the tasks' losses. Without arguments it learns two tasks on generated textures (which
 * texture, a classification, and how bright, a regression) in seconds; with {@code multimnist} it runs
 * the experiment of {@code docs/multitask.md} (needs {@code graft data get mnist}).
 * Usage: {@code MultiTaskExample [multimnist] [OUT_DIR]}.
 */
public final class MultiTaskExample {
    private MultiTaskExample() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("multimnist")) {
            multiMnist(Examples.outDir(java.util.Arrays.copyOfRange(args, 1, args.length), "multitask"));
            return;
        }
        MultiTaskResult r = MultiTask.of("small_cnn", () -> Zoo.create("small_cnn", CreateOptions.defaults().withSeed(42)), 
                        "textures", new MultiTaskSplits(twoTasks(16, 1), twoTasks(4, 2), twoTasks(8, 3)))
                .withWeighting("uw")                           // uncertainty weighting: learns each task's weight
                .withEpochs(2).withBatchSize(16).withSeed(42)
                .withOutDir(Examples.outDir(args, "multitask"))
                .run();
        System.out.println(r.testMetrics());               // accuracy of "texture", error of "brightness"
    }

    static void multiMnist(Path runs) {
        MultiTask.of("small_cnn", () -> Zoo.create("small_cnn", CreateOptions.defaults().withSeed(42)), "multimnist")
                .withSingleTask(true)                          // single-task baselines for Delta_m
                .withEpochs(3).withTrainLimit(10_000).withTestLimit(2_000).withSeed(42)
                .withOutDir(runs.resolve("mm-single"))
                .run();
        // example:begin multimnist
        MultiTaskResult r = MultiTask.of("small_cnn", () -> Zoo.create("small_cnn", CreateOptions.defaults().withSeed(42)), "multimnist")
                .withWeighting("gradnorm")                     // or .withWeighting(new GradNorm(0.5, 0.025))
                .withEpochs(3).withTrainLimit(10_000).withTestLimit(2_000).withSeed(42)
                .withBaselines(MultiTaskReport.readMetrics(runs.resolve("mm-single")))
                .withOutDir(runs.resolve("mm-gradnorm"))
                .run();
        r.testMetrics();   // {left=..., right=...}
        r.deltaM();        // Delta_m in percent against the baselines
        // example:end multimnist
        System.out.println(r.testMetrics() + ", Delta_m " + r.deltaM() + "%");
    }

    /** Textures with two targets each: the texture class and the mean brightness. */
    static MultiTaskData twoTasks(int perClass, long seed) {
        ImageData images = ToyImages.textures("textures", perClass, seed, false);
        float[][] targets = new float[2][images.size()];
        for (int i = 0; i < images.size(); i++) {
            targets[0][i] = images.label(i);
            double sum = 0;
            for (float v : images.image(i)) {
                sum += v;
            }
            targets[1][i] = (float) (sum / images.imageSize());
        }
        return new MultiTaskData("textures", 1, 28, 28, images.pixels(),
                List.of(TaskSpec.classification("texture", ToyImages.CLASSES), TaskSpec.regression("brightness")), targets, null);
    }
}
