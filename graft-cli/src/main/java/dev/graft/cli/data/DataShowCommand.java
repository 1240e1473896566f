package dev.graft.cli.data;

import dev.graft.GraftException;
import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import dev.graft.data.ImageData;
import dev.graft.data.Pixels;
import dev.graft.data.io.ImageFiles;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft data show NAME --index I --out x.png}: one sample as an enlarged PNG. */
@Command(name = "show", description = "Write one sample of a data set as a PNG, enlarged so it is visible.")
public final class DataShowCommand implements Callable<Integer> {
    /** Which official split to take the sample from. */
    public enum Split { train, test }

    @Mixin
    DataSetArgument data;

    @Option(names = "--index", required = true, paramLabel = "I", description = "Sample index within the split (from 0).")
    int index;

    @Option(names = "--split", defaultValue = "train", paramLabel = "SPLIT", description = "train or test (default: ${DEFAULT-VALUE}).")
    Split split;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "PNG file to write.")
    Path out;

    @Option(names = "--scale", paramLabel = "N", description = "Pixels per sample pixel (default: enough for about 224 pixels).")
    Integer scale;

    @Override
    public Integer call() throws Exception {
        DatasetSource source = data.source();
        DataSplits s = DataSetArgument.officialSplits(source);
        ImageData d = split == Split.train ? s.train() : s.test();
        if (index < 0 || index >= d.size()) {
            throw new GraftException("--index " + index + " is outside the " + split + " split of " + source.name(),
                    "use 0.." + (d.size() - 1));
        }
        int k = scale != null ? scale : Math.max(1, (int) Math.ceil(224.0 / Math.max(d.height(), d.width())));
        ImageFiles.writePng(new Pixels(d.channels(), d.height(), d.width(), d.image(index)), k, out);
        String label = d.classNames().get(d.label(index));
        if (Output.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", source.name());
            m.put("split", split.name());
            m.put("index", index);
            m.put("label", d.label(index));
            m.put("class_name", label);
            m.put("file", out.toString());
            m.put("size", new int[] {d.height() * k, d.width() * k});
            System.out.println(Json.MAPPER.writeValueAsString(m));
        } else {
            System.out.printf("%s %s #%d: class %d (%s), %dx%d shown at %dx%d -> %s%n", source.name(), split, index,
                    d.label(index), label, d.height(), d.width(), d.height() * k, d.width() * k, out);
        }
        return 0;
    }
}
