package dev.graft.cli.train;

import dev.graft.GraftException;
import dev.graft.cli.Globals;
import dev.graft.cli.hub.ModelPublisher;
import dev.graft.data.Datasets;
import dev.graft.peft.LoraAdapter;
import dev.graft.peft.LoraConfig;
import dev.graft.progress.Output;
import dev.graft.train.FineTune;
import dev.graft.train.FineTuneResult;
import dev.graft.train.StopSignal;
import dev.graft.train.Strategy;
import dev.graft.train.ZooModels;
import dev.graft.util.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft finetune}: one of the transfer strategies, or the advisor's pick, on a data set. */
@Command(name = "finetune", description = "Fine-tune a model on a data set (strategy auto|scratch|partial|head|full|lora); writes a run folder.")
public final class FinetuneCommand extends TrainingVerb {
    @Option(names = "--model", description = "Model: arch.tag (pretrained weights), arch, local-dir:FOLDER or hf-hub:owner/name[@rev].")
    String model;

    @Option(names = "--data", description = "Data set name (see `graft data list`).")
    String data;

    @Option(names = "--strategy", description = "auto, scratch, partial, head, full or lora (default: ${DEFAULT-VALUE}).", defaultValue = "auto")
    String strategy;

    @Mixin
    LoraOptions lora;

    @Option(names = "--freeze-stages", description = "For partial: groups frozen, stem first (default: stem + half of the stages).", defaultValue = "-1")
    int freezeStages;

    @Option(names = "--labels-per-class", description = "Use only N labelled training samples per class (seeded), 0 = all.", defaultValue = "0")
    int labelsPerClass;

    @Option(names = "--eval-limit", description = "Evaluate on at most N validation and test samples (seeded, class-balanced), 0 = all.", defaultValue = "0")
    int evalLimit;

    @Option(names = "--fit", defaultValue = "0", description = "Resize images into an N x N box centred on the model's input (MNIST-style framing, e.g. 20), 0 = plain resize.")
    int fit;

    @Option(names = "--drop-rate", description = "Dropout before the classifier (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    double dropRate;

    @Option(names = "--drop-path", description = "Stochastic depth, timm's drop_path_rate: residual blocks dropped per sample in training,"
            + " rising to this rate at the last block (ViT, ConvNeXt, EfficientNet, MobileNetV3; default: ${DEFAULT-VALUE}).", defaultValue = "0")
    double dropPathRate;

    @Option(names = "--probe-folds", defaultValue = "3", description = "With auto on small data: cross-validate every strategy in"
            + " K folds of the training labels and take the best (default: ${DEFAULT-VALUE}); 0 = the advisor's rules only.")
    int probeFolds;

    @Option(names = "--no-cache", description = "For head: run the frozen backbone every epoch instead of caching its features.")
    boolean noCache;

    @Option(names = "--out", description = "Run folder (default: runs/<data>-<model>-<strategy>).")
    Path out;

    @Option(names = "--resume", description = "Continue the interrupted run in this folder (its settings are reused).")
    Path resume;

    @Override
    public Integer call() {
        push.check();
        StopSignal stop = StopSignal.onShutdown();
        try {
            return run(stop);
        } finally {
            stop.markFinished();
        }
    }

    private Integer run(StopSignal stop) {
        FineTune ft;
        if (resume != null) {
            FineTune.RunSpec spec = FineTune.RunSpec.read(resume);
            ft = FineTune.resume(resume, spec, ZooModels.factory(spec.model(), dropRate, dropPathRate), Datasets.load(spec.data(), spec.config().seed()));
        } else {
            if (model == null || data == null) {
                throw new GraftException("--model and --data are needed", "e.g. graft finetune --model small_cnn.graft_mnist --data digits");
            }
            Path outDir = out != null ? out : FineTune.defaultOutDir(data, model, Strategy.parse(strategy));
            Path dir = overwrite.claim(outDir, "--resume " + outDir);
            ft = FineTune.of(model, ZooModels.factory(model, dropRate, dropPathRate), data, Datasets.load(data, Globals.seed))
                    .withStrategy(Strategy.parse(strategy)).withFreezeStages(freezeStages).withProbeFolds(probeFolds)
                    .withLabelsPerClass(labelsPerClass).withEvalLimit(evalLimit).withFit(fit).withConfig(train.toConfig())
                    .withCacheFeatures(!noCache).withOutDir(dir)
                    .withLora(Strategy.parse(strategy) == Strategy.LORA ? lora.apply(LoraConfig.defaults()) : null)
                    .withReproduce(String.format(Locale.ROOT, "graft finetune --model %s --data %s --strategy %s --epochs %d"
                            + " --batch-size %d --seed %d%s%s%s", model, data, strategy, train.epochs, train.batchSize, Globals.seed,
                            labelsPerClass > 0 ? " --labels-per-class " + labelsPerClass : "",
                            (evalLimit > 0 ? " --eval-limit " + evalLimit : "") + (fit > 0 ? " --fit " + fit : ""),
                            freezeStages >= 0 ? " --freeze-stages " + freezeStages : ""));
        }
        String modelName = ft.modelName();
        String dataName = ft.dataName();
        FineTuneResult r = ft.withStopSignal(stop).run();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("run_dir", r.runDir().toString());
        summary.put("strategy", r.strategy().id());
        summary.put("freeze_stages", r.freezeStages());
        summary.put("epochs", r.history().size());
        summary.put("best_epoch", r.bestEpoch());
        summary.put("interrupted", r.interrupted());
        if (r.test() != null) {
            summary.put("test_top1", r.test().top1());
            summary.put("test_top5", r.test().top5());
            summary.put("test_loss", r.test().loss());
        }
        summary.put("train_seconds", r.trainSeconds());
        summary.put("images_per_s", r.imagesPerSecond());
        if (r.advice() != null) {
            summary.put("advice", r.advice());
        }
        if (r.probe() != null) {
            Map<String, Object> probe = new LinkedHashMap<>();
            probe.put("l2", r.probe().l2());
            probe.put("l2_chosen_on", r.probe().heldOut());
            if (r.probe().solution() != null) {
                probe.put("iterations", r.probe().solution().iterations());
                probe.put("converged", r.probe().solution().converged());
            }
            probe.put("path", r.probe().path());
            summary.put("head_fit", probe);
        }
        ModelPublisher.Published pushed = null;
        if (push.requested() && !r.interrupted() && r.test() != null) {
            // a lora run publishes its small adapter, which names its base model
            boolean adapter = r.strategy() == Strategy.LORA;
            pushed = push.publish(adapter ? r.runDir().resolve("adapter") : r.runDir(), adapter ? LoraAdapter.FILES : ModelPublisher.RUN_FILES,
                    String.format(Locale.ROOT,
                    "graft finetune: %s on %s, strategy %s, test top-1 %.2f%%", modelName, dataName, r.strategy().id(), 100 * r.test().top1()));
            summary.put("hub", pushed.toMap());
        }
        if (Output.json()) {
            System.out.println(Json.MAPPER.valueToTree(summary).toPrettyString());
        } else if (r.test() != null && r.probe() != null) {
            System.out.printf(Locale.ROOT, "%s: test top-1 %.2f%%, top-5 %.2f%% (strategy head: classifier fitted to convergence, L2 %.0e"
                    + " chosen on %s, %.1f s)%n", r.runDir(), 100 * r.test().top1(), 100 * r.test().top5(), r.probe().l2(),
                    r.probe().heldOut(), r.trainSeconds());
        } else if (r.test() != null) {
            System.out.printf(Locale.ROOT, "%s: test top-1 %.2f%%, top-5 %.2f%% (strategy %s, %d epochs, %.0f images/s)%n", r.runDir(),
                    100 * r.test().top1(), 100 * r.test().top5(), r.strategy().id(), r.history().size(), r.imagesPerSecond());
        } else {
            System.out.println(r.runDir() + ": interrupted; continue with graft finetune --resume " + r.runDir()
                    + (push.requested() ? " --push-to " + push.repo : ""));
        }
        if (pushed != null && !Output.json()) {
            System.out.println(pushed.describe());
        }
        return r.interrupted() ? 130 : 0;
    }
}
