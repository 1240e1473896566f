package dev.graft.cli;

import ai.djl.ndarray.NDManager;
import dev.graft.adapt.AdaptModels;
import dev.graft.adapt.AdaptOptions;
import dev.graft.adapt.AdaptationReport;
import dev.graft.adapt.AdaptationResult;
import dev.graft.adapt.DomainAdaptation;
import dev.graft.adapt.DomainPair;
import dev.graft.engine.Engines;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import dev.graft.zoo.GraftModel;
import dev.graft.train.RunDirectory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft adapt}: unsupervised domain adaptation from a labelled source to an unlabelled target. */
@Command(name = "adapt", description = "Adapt a classifier from a labelled source data set to an unlabelled target (DANN, CDAN, DAN, CORAL, AdaBN).",
        footer = {"", "Target labels are used only to report accuracy; the model after the last epoch is kept.",
            "Example: graft adapt --method dann --source mnist --target mnist-m-style --epochs 10 --out runs/dann"})
public final class AdaptCommand implements Callable<Integer> {
    @Option(names = "--method", required = true, description = "source-only, dann, cdan, cdan-e, dan, coral or adabn.")
    String method;

    @Option(names = "--source", required = true, description = "Labelled source data set, e.g. mnist.")
    String source;

    @Option(names = "--target", required = true, description = "Target data set (its labels are only used for evaluation), e.g. digits-28.")
    String target;

    @Option(names = "--model", defaultValue = "lenet", description = "Model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", defaultValue = "" + AdaptOptions.DEFAULT_EPOCHS, description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--iterations", defaultValue = "" + AdaptOptions.DEFAULT_ITERATIONS_PER_EPOCH, description = "Steps per epoch, one source and one target batch each (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--batch-size", defaultValue = "" + AdaptOptions.DEFAULT_BATCH_SIZE, description = "Images per domain per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "" + AdaptOptions.DEFAULT_LEARNING_RATE, description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--tradeoff", description = "Weight of the transfer loss (default: 1).")
    Double tradeoff;

    @Option(names = "--clip-grad", defaultValue = "" + AdaptOptions.DEFAULT_CLIP_GRADIENT, description = "Clip gradient elements to [-C, C] (default: ${DEFAULT-VALUE}; 0 = off).")
    double clipGrad;

    @Option(names = "--source-limit", defaultValue = "0", description = "Use at most N source training images (0 = all).")
    int sourceLimit;

    @Option(names = "--target-limit", defaultValue = "0", description = "Use at most N unlabelled target images (0 = all).")
    int targetLimit;

    @Option(names = "--eval-limit", defaultValue = "0", description = "Evaluate on at most N images of each test split (0 = all).")
    int evalLimit;

    @Option(names = "--out", description = "Run directory (default: runs/adapt-METHOD-SOURCE-TARGET-sSEED).")
    Path out;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() {
        long seed = Globals.seed;
        Path dir = overwrite.claim(out != null ? out
                : RunDirectory.defaultDir(String.format(Locale.ROOT, "adapt-%s-%s-%s-s%d", method, source, target, seed)), null);
        AdaptOptions options = AdaptOptions.defaults().withEpochs(epochs).withIterationsPerEpoch(iterations).withBatchSize(batchSize)
                .withLearningRate(lr).withClipGradient(clipGrad).withSeed(seed);
        if (tradeoff != null) {
            options = options.withTradeoff(tradeoff);
        }
        DomainAdaptation da = DomainAdaptation.method(method, options);
        Engines.pytorch();
        DomainPair pair = DomainPair.load(source, target, seed, sourceLimit, targetLimit, evalLimit);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("method", method);
        config.put("source", source + " (" + pair.source().size() + " train, " + pair.sourceEval().size() + " test)");
        config.put("target", target + " (" + pair.target().size() + " unlabelled, " + pair.targetEval().size() + " test)");
        config.put("model", model);
        config.put("epochs", epochs);
        config.put("iterations_per_epoch", iterations);
        config.put("batch_size", batchSize);
        config.put("lr", lr);
        config.put("tradeoff", options.tradeoff());
        config.put("clip_grad", clipGrad);
        config.put("seed", seed);
        config.put("threads", Engines.threads());
        AdaptationReport report = new AdaptationReport(dir, config);
        DomainAdaptation.seed(seed);
        // the training loop draws a progress bar per epoch; each finished epoch adds a line
        try (NDManager nd = NDManager.newBaseManager()) {
            GraftModel m = AdaptModels.create(model, nd, pair.source().channels(), pair.source().numClasses());
            AdaptationResult r = da.withModel(m)
                    .withSource(pair.source(), pair.sourceEval())
                    .withTarget(pair.target(), pair.targetEval())
                    .withOnEpoch(e -> {
                        report.epoch(e);
                        Output.note(String.format(Locale.ROOT, "%s %s -> %s epoch %d: source %.1f%%, target %.1f%%", method, source,
                                target, e.epoch(), 100 * e.sourceAccuracy(), 100 * e.targetAccuracy()));
                    })
                    .run();
            report.finish(r);
            print(r, dir);
        }
        return 0;
    }

    private void print(AdaptationResult r, Path dir) {
        if (Output.json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("method", r.method());
            o.put("source", source);
            o.put("target", target);
            o.put("seed", Globals.seed);
            o.put("target_accuracy", r.targetAccuracy());
            o.put("source_accuracy", r.sourceAccuracy());
            if (!Double.isNaN(r.targetAccuracyBeforeAdaBN())) {
                o.put("target_accuracy_before_adabn", r.targetAccuracyBeforeAdaBN());
            }
            o.put("seconds", r.seconds());
            o.put("run_dir", dir.toString());
            try {
                System.out.println(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        System.out.printf(Locale.ROOT, "%s %s -> %s: target accuracy %.2f%%, source accuracy %.2f%%%s (%.0f s)%n", r.method(), source, target,
                100 * r.targetAccuracy(), 100 * r.sourceAccuracy(),
                Double.isNaN(r.targetAccuracyBeforeAdaBN()) ? "" : String.format(Locale.ROOT, ", before AdaBN %.2f%%", 100 * r.targetAccuracyBeforeAdaBN()),
                r.seconds());
        System.out.println("run directory: " + dir);
    }
}
