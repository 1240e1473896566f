package dev.graft.cli.data;

import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import dev.graft.data.ImageData;
import dev.graft.data.Splits;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code graft data info NAME}: counts per split and per class, image shape, class names. */
@Command(name = "info", description = "Show a data set's counts per split and per class, image shape and class names.",
        footer = {"", "NAME is a built-in data set (graft data list) or your own data:",
            "  folder:DIR   DIR/<class>/*.png|jpg, optionally under DIR/train and DIR/test",
            "  idx:DIR      MNIST-style IDX files (train-*, t10k-* or test-*; raw or .gz)",
            "  csv:FILE     a label column and pixel columns, or path,label rows",
            "Options follow '?', joined by '&', e.g. 'folder:photos?size=64x64&test=0.2'",
            "or 'csv:d.csv?label=last&shape=1x8x8&max=16'. See docs/data.md."})
public final class DataInfoCommand implements Callable<Integer> {
    @Mixin
    DataSetArgument data;

    @Override
    public Integer call() throws Exception {
        DatasetSource source = data.source();
        DataSplits s = DataSetArgument.officialSplits(source);
        ImageData train = s.train();
        ImageData test = s.test();
        int validation = (int) Math.round(train.size() * Splits.DEFAULT_VALIDATION_FRACTION);
        if (Output.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", source.name());
            out.put("description", source.description());
            out.put("image_shape", List.of(train.channels(), train.height(), train.width()));
            out.put("num_classes", train.numClasses());
            out.put("class_names", train.classNames());
            Map<String, Object> splits = new LinkedHashMap<>();
            splits.put("train", split(train));
            splits.put("test", split(test));
            out.put("splits", splits);
            out.put("samples", train.size() + test.size());
            out.put("default_validation_fraction", Splits.DEFAULT_VALIDATION_FRACTION);
            if (!source.notes().isEmpty()) {
                out.put("notes", source.notes());
            }
            System.out.println(Json.MAPPER.writeValueAsString(out));
            return 0;
        }
        System.out.println(source.name() + ": " + source.description());
        System.out.printf("image     %dx%dx%d (channels x height x width)%n", train.channels(), train.height(), train.width());
        System.out.printf("classes   %d%n", train.numClasses());
        System.out.printf("train     %d%n", train.size());
        System.out.printf("test      %d%n", test.size());
        System.out.printf("samples   %d%n", train.size() + test.size());
        source.notes().forEach(System.out::println);
        System.out.println();
        int width = Math.max(5, train.classNames().stream().mapToInt(String::length).max().orElse(5));
        System.out.printf("%-" + width + "s  %8s  %8s%n", "class", "train", "test");
        int[] tr = train.countsPerClass();
        int[] te = test.countsPerClass();
        for (int c = 0; c < train.numClasses(); c++) {
            System.out.printf("%-" + width + "s  %8d  %8d%n", train.classNames().get(c), tr[c], te[c]);
        }
        System.out.printf("%-" + width + "s  %8d  %8d%n", "total", train.size(), test.size());
        System.out.println();
        System.out.printf("training carves %.0f%% of train (%d) out as validation, per class, with --seed%n",
                Splits.DEFAULT_VALIDATION_FRACTION * 100, validation);
        return 0;
    }

    private static Map<String, Object> split(ImageData d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", d.size());
        Map<String, Integer> per = new LinkedHashMap<>();
        int[] counts = d.countsPerClass();
        for (int c = 0; c < counts.length; c++) {
            per.put(d.classNames().get(c), counts[c]);
        }
        m.put("per_class", per);
        return m;
    }
}
