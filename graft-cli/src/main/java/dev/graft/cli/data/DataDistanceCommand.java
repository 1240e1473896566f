package dev.graft.cli.data;

import ai.djl.ndarray.NDManager;
import dev.graft.adapt.AdaptModels;
import dev.graft.adapt.DomainPair;
import dev.graft.adapt.ProxyADistance;
import dev.graft.cli.Globals;
import dev.graft.engine.Engines;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import dev.graft.zoo.GraftModel;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft data distance A B --model M}: proxy A-distance between two data sets in a model's features. */
@Command(name = "distance", description = "Proxy A-distance between two data sets' features (0 = indistinguishable, 2 = separable).")
public final class DataDistanceCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "First data set.")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "Second data set.")
    String b;

    @Option(names = "--model", defaultValue = "lenet", description = "Feature extractor (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--limit", defaultValue = "2000", description = "Test images used from each data set (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws Exception {
        Engines.pytorch();
        DomainPair pair = DomainPair.load(a, b, Globals.seed, 1, 1, 0);
        try (NDManager nd = NDManager.newBaseManager()) {
            dev.graft.adapt.DomainAdaptation.seed(Globals.seed);
            GraftModel m = AdaptModels.create(model, nd, pair.sourceEval().channels(), pair.sourceEval().numClasses());
            ProxyADistance.Result r = ProxyADistance.measure(m, pair.sourceEval(), pair.targetEval(), limit, Globals.seed);
            if (Output.json()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("a", a);
                o.put("b", b);
                o.put("model", model);
                o.put("proxy_a_distance", r.distance());
                o.put("domain_classifier_error", r.error());
                o.put("samples_per_data_set", r.perDomain());
                System.out.println(Json.MAPPER.writeValueAsString(o));
            } else {
                System.out.printf(Locale.ROOT, "proxy A-distance %s vs %s (%s features, %d test images each): %.3f (domain classifier error %.3f)%n",
                        a, b, model, r.perDomain(), r.distance(), r.error());
            }
        }
        return 0;
    }
}
