package dev.graft.cli.train;

import dev.graft.GraftException;
import dev.graft.cli.Globals;
import dev.graft.data.DataSplits;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.progress.Output;
import dev.graft.train.EvalResult;
import dev.graft.train.RunDirectory;
import dev.graft.train.TrainLoop;
import dev.graft.util.Json;
import dev.graft.zoo.GraftModel;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft eval}: accuracy and per-class metrics of an exported model on a data set. */
@Command(name = "eval", description = "Evaluate an exported model (a run folder) on a data set: top-1/top-5, per-class metrics.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    ExportedModelOption model;

    @Option(names = "--data", required = true, description = "Data set name.")
    String data;

    @Option(names = "--split", description = "test, validation or train (default: ${DEFAULT-VALUE}).", defaultValue = "test")
    String split;

    @Option(names = "--batch-size", defaultValue = "256", description = "Evaluation batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    FitOption fit;

    @Override
    public Integer call() {
        GraftModel m = model.load();
        DataSplits s = Datasets.load(data, Globals.seed);
        ImageData d = switch (split) {
            case "test" -> s.test();
            case "validation" -> s.validation();
            case "train" -> s.train();
            default -> throw new GraftException("unknown split '" + split + "'", "use test, validation or train");
        };
        if (m.numClasses() != d.numClasses()) {
            throw new GraftException("the model has " + m.numClasses() + " classes, " + data + " has " + d.numClasses(),
                    "evaluate on the data set the model was fine-tuned for");
        }
        EvalResult r = TrainLoop.evaluate(m::forward, fit.prepare(d, m.cfg()), batchSize, 0.0);
        if (Output.json()) {
            System.out.println(Json.MAPPER.valueToTree(RunDirectory.record(split, r)).toPrettyString());
        } else {
            System.out.printf(Locale.ROOT, "%s on %s/%s: top-1 %.2f%%, top-5 %.2f%%, loss %.4f, %d samples%n%n", model.name(), data, split,
                    100 * r.top1(), 100 * r.top5(), r.loss(), r.count());
            System.out.print(RunDirectory.perClassTable(r));
        }
        return 0;
    }
}
