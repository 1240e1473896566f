package dev.graft.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.engine.Engines;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Zoo;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft models bench NAME}: inference throughput of one architecture on random input. */
@Command(name = "bench", description = "Measure a model's inference throughput (images/s) on random input.")
public final class ModelsBenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Architecture, e.g. resnet50.")
    String name;

    @Option(names = "--batch", defaultValue = "32", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--size", defaultValue = "224", description = "Input height and width (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed passes first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iters", defaultValue = "5", description = "Timed passes (default: ${DEFAULT-VALUE}).")
    int iters;

    @Override
    public Integer call() throws Exception {
        ModelBase model = (ModelBase) Zoo.create(name, CreateOptions.defaults().withSeed(0).withImgSize(size));
        int chans = model.cfg().inputSize().get(0);
        double[] seconds = new double[iters];
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(0f, 1f, new Shape(batch, chans, size, size));
            for (int i = 0; i < warmup + iters; i++) {
                // Each pass in its own scope so its outputs are freed before the next one.
                try (NDManager pass = nd.newSubManager()) {
                    x.tempAttach(pass);
                    long t0 = System.nanoTime();
                    model.predict(x).toFloatArray();
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (i >= warmup) {
                        seconds[i - warmup] = s;
                    }
                    Output.note(String.format("%s pass %d: %.3f s%s", name, i + 1, s, i < warmup ? " (warm-up)" : ""));
                }
            }
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", name);
        r.put("batch", batch);
        r.put("size", size);
        r.put("threads", Engines.threads());
        r.put("iters", iters);
        r.put("median_s", median);
        r.put("images_per_s", batch / median);
        if (Output.json()) {
            System.out.println(Json.MAPPER.writeValueAsString(r));
        } else {
            System.out.printf("%s: %.1f images/s (batch %d, %dx%d, %d threads, median of %d)%n", name, batch / median, batch, size,
                    size, Engines.threads(), iters);
        }
        return 0;
    }
}
