package dev.graft.cli.train;

import dev.graft.data.ImageData;
import dev.graft.data.Pixels;
import dev.graft.data.io.ImageFiles;
import dev.graft.progress.Output;
import dev.graft.train.FeatureExtractor;
import dev.graft.train.TensorSet;
import dev.graft.util.Json;
import dev.graft.util.Softmax;
import dev.graft.zoo.GraftModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft predict}: the top-k labels of images with their probabilities. */
@Command(name = "predict", description = "Classify image files with an exported model: top-k labels with probabilities.")
public final class PredictCommand implements Callable<Integer> {
    @Mixin
    ExportedModelOption model;

    @Option(names = "--top-k", defaultValue = "5", description = "Labels per image (default: ${DEFAULT-VALUE}).")
    int topK;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG, JPEG, BMP or GIF files.")
    List<Path> images;

    @Mixin
    FitOption fit;

    @Override
    public Integer call() {
        GraftModel m = model.load();
        List<String> labels = m.cfg().labelNames();
        List<Map<String, Object>> out = new ArrayList<>();
        List<Integer> in = m.cfg().inputSize();
        for (Path file : images) {
            // decoded no larger than the model needs: a huge photo costs neither the memory nor the time of a full decode
            Pixels p = in == null || in.size() != 3 ? ImageFiles.read(file) : ImageFiles.read(file, in.get(1), in.get(2));
            ImageData one = new ImageData(file.getFileName().toString(), List.of("?"), p.channels(), p.height(), p.width(), p.values(), new int[] {0});
            TensorSet x = fit.prepare(one, m.cfg());
            float[] logits = FeatureExtractor.logits(m, x, 1).values();
            double[] prob = Softmax.of(logits);
            Integer[] order = new Integer[logits.length];
            for (int k = 0; k < order.length; k++) {
                order[k] = k;
            }
            java.util.Arrays.sort(order, (a, b) -> Double.compare(prob[b], prob[a]));
            List<Map<String, Object>> top = new ArrayList<>();
            for (int k = 0; k < Math.min(topK, order.length); k++) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("label", labels != null ? labels.get(order[k]) : String.valueOf(order[k]));
                e.put("index", order[k]);
                e.put("probability", prob[order[k]]);
                top.add(e);
            }
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("image", file.toString());
            rec.put("top", top);
            out.add(rec);
        }
        if (Output.json()) {
            System.out.println(Json.MAPPER.valueToTree(out).toPrettyString());
        } else {
            for (Map<String, Object> rec : out) {
                System.out.println(rec.get("image"));
                for (Object o : (List<?>) rec.get("top")) {
                    Map<?, ?> e = (Map<?, ?>) o;
                    System.out.printf(Locale.ROOT, "  %-20s %6.2f%%%n", e.get("label"), 100 * (double) e.get("probability"));
                }
            }
        }
        return 0;
    }
}
