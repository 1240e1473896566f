package dev.graft.cli.train;

import dev.graft.GraftException;
import dev.graft.cli.Globals;
import dev.graft.cli.hub.ModelPublisher;
import dev.graft.data.Datasets;
import dev.graft.progress.Output;
import dev.graft.train.Pretrain;
import dev.graft.train.StopSignal;
import dev.graft.util.Json;
import dev.graft.zoo.Weights;
import dev.graft.train.RunDirectory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft pretrain}: Graft's own pretrained weights for the small models, with feature statistics. */
@Command(name = "pretrain", description = "Train a model from scratch on a data set and store it as tagged weights (arch.graft_<data>) with feature statistics.")
public final class PretrainCommand extends TrainingVerb {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "arch.graft_<data>, e.g. small_cnn.graft_mnist (or use --model and --data).")
    String name;

    @Option(names = "--model", description = "Architecture, e.g. small_cnn.")
    String model;

    @Option(names = "--data", description = "Data set, e.g. mnist or fashion-mnist.")
    String data;

    @Option(names = "--out", description = "Run folder of the training (default: runs/pretrain-<arch>-<data>).")
    Path out;

    @Option(names = "--labels-per-class", defaultValue = "0", description = "Train on N samples per class (seeded subset), 0 = all.")
    int labelsPerClass;

    @Override
    public Integer call() {
        String arch = model;
        String dataName = data;
        if (name != null) {
            int dot = name.indexOf('.');
            if (dot < 0 || !name.substring(dot + 1).startsWith("graft_")) {
                throw new GraftException("'" + name + "' is not arch.graft_<data>", "e.g. small_cnn.graft_mnist, or use --model and --data");
            }
            arch = name.substring(0, dot);
            dataName = name.substring(dot + "graft_".length() + 1).replace('_', '-');
        }
        if (arch == null || dataName == null) {
            throw new GraftException("say what to pretrain", "graft pretrain --model small_cnn --data mnist");
        }
        push.check();
        Path runDir = out != null ? out : RunDirectory.defaultDir("pretrain-" + arch + "-" + dataName);
        overwrite.claim(runDir, "graft finetune --resume " + runDir);
        // the weights folder is written too: replacing weights other runs start from needs the same consent
        overwrite.claim(Weights.catalogueDir(arch + "." + Pretrain.tagFor(dataName)), null);
        StopSignal stop = StopSignal.onShutdown();
        Pretrain.Result r;
        try {
            r = Pretrain.run(arch, dataName, Datasets.load(dataName, Globals.seed), labelsPerClass, train.toConfig(), runDir, stop);
        } finally {
            stop.markFinished();
        }
        if (r.weightsDir() == null) {
            System.out.println(runDir + ": interrupted; continue with graft finetune --resume " + runDir + ", then run pretrain again");
            return 130;
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("weights", r.weightsDir().toString());
        s.put("name", arch + "." + Pretrain.tagFor(dataName));
        s.put("test_top1", r.run().test().top1());
        s.put("epochs", r.run().history().size());
        s.put("train_seconds", r.run().trainSeconds());
        ModelPublisher.Published pushed = null;
        if (push.requested()) {
            pushed = push.publish(r.weightsDir(), null, String.format(Locale.ROOT, "graft pretrain: %s on %s, test top-1 %.2f%%",
                    arch, dataName, 100 * r.run().test().top1()));
            s.put("hub", pushed.toMap());
        }
        if (Output.json()) {
            System.out.println(Json.MAPPER.valueToTree(s).toPrettyString());
        } else {
            System.out.printf(Locale.ROOT, "%s: test top-1 %.2f%% after %d epochs (%.0f s); weights in %s%n", s.get("name"),
                    100 * r.run().test().top1(), r.run().history().size(), r.run().trainSeconds(), r.weightsDir());
            if (pushed != null) {
                System.out.println(pushed.describe());
            }
        }
        return 0;
    }
}
