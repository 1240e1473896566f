package dev.graft.cli.train;

import dev.graft.advise.Advisor;
import dev.graft.advise.LogME;
import dev.graft.cli.CliErrors;
import dev.graft.cli.Globals;
import dev.graft.data.ImageData;
import dev.graft.progress.Output;
import dev.graft.train.FeatureExtractor;
import dev.graft.train.ModelInput;
import dev.graft.train.TensorSet;
import dev.graft.util.Json;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft models rank}: pretrained models ordered by how well their features transfer to a data set (LogME). */
@Command(name = "rank", description = "Rank pretrained models for a data set by transferability (LogME of their features).")
public final class ModelsRankCommand implements Callable<Integer> {
    @Mixin
    TargetDataOption data;

    @Parameters(arity = "0..*", paramLabel = "PATTERN", description = "Wildcard patterns of candidates (default: every pretrained model).")
    List<String> patterns = new ArrayList<>();

    @Option(names = "--labels-per-class", defaultValue = "0", description = "Measure on only N labels per class.")
    int labelsPerClass;

    @Option(names = "--max-samples", defaultValue = "2000", description = "Samples measured per model (default: ${DEFAULT-VALUE}).")
    int maxSamples;

    @Override
    public Integer call() {
        ImageData train = data.train(labelsPerClass);
        List<String> names = Zoo.list(patterns.isEmpty() ? List.of("*") : patterns, List.of(), true);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : names) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", name);
            try {
                GraftModel m = Zoo.create(name, CreateOptions.defaults().withPretrained(true));
                TensorSet x = Advisor.subset(ModelInput.prepare(train, m.cfg()), maxSamples, Globals.seed);
                TensorSet f = FeatureExtractor.features(m, x, 128);
                row.put("logme", LogME.score(FeatureExtractor.rows(f), f.labels(), train.numClasses()));
                row.put("features", m.numFeatures());
            } catch (dev.graft.GraftException e) {
                row.put("logme", null);
                row.put("error", CliErrors.oneLine(e));
            }
            rows.add(row);
        }
        rows.sort(Comparator.comparingDouble(r -> r.get("logme") == null ? Double.POSITIVE_INFINITY : -(double) r.get("logme")));
        if (Output.json()) {
            System.out.println(Json.MAPPER.valueToTree(rows).toPrettyString());
        } else {
            System.out.printf(Locale.ROOT, "%-4s %-36s %10s%n", "rank", "model", "LogME");
            int i = 1;
            for (Map<String, Object> r : rows) {
                System.out.printf(Locale.ROOT, "%-4d %-36s %10s%s%n", i++, r.get("model"),
                        r.get("logme") == null ? "-" : String.format(Locale.ROOT, "%.4f", (double) r.get("logme")),
                        r.containsKey("error") ? "  (" + r.get("error") + ")" : "");
            }
        }
        return 0;
    }
}
