package dev.graft.data;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.graft.GraftException;
import dev.graft.data.io.ImageFiles;
import dev.graft.data.io.ParquetTables;
import dev.graft.text.TextData;
import dev.graft.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Writes a data set as a Hugging Face data set repository, what {@link HubDatasetLayout} reads back:
 * one Parquet file per split ({@code data/train-00000-of-00001.parquet}, images as PNG bytes in an
 * {@code image} struct of {@code bytes} and {@code path}, a ClassLabel {@code label} as int64) and a
 * README.md card whose YAML holds {@code dataset_info} (features with the class_label names, splits
 * with num_examples), {@code configs} (data_files per split), the licence and the source.
 *
 * <pre>{@code
 * DataSplits s = Datasets.source("digits").load(42, 0.0);
 * HubDatasetWriter.writeImages(Map.of("train", s.train(), "test", s.test()), Path.of("digits-repo"),
 *         new HubDatasetWriter.Info("digits", "cc-by-4.0", "UCI optdigits"));
 * }</pre>
 */
public final class HubDatasetWriter {
    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private HubDatasetWriter() {}

    /**
     * What the card says about the data set.
     *
     * @param name its name (the card's title)
     * @param license a Hugging Face licence id ({@code mit}, {@code cc-by-4.0}, {@code other}, {@code unknown})
     * @param source one line: where it comes from
     */
    public record Info(String name, String license, String source) {}

    /** The Parquet file of a split: {@code data/SPLIT-00000-of-00001.parquet}. */
    public static String parquetFile(String split) {
        return "data/" + split + "-00000-of-00001.parquet";
    }

    /** Writes image splits (in order, e.g. train then test; empty ones left out) into {@code dir}. */
    public static void writeImages(Map<String, ImageData> splits, Path dir, Info info) {
        List<String> classes = null;
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, ImageData> e : splits.entrySet()) {
            ImageData d = e.getValue();
            if (d == null || d.size() == 0) {
                continue;
            }
            classes = d.classNames();
            String split = e.getKey();
            ParquetTables.write(dir.resolve(parquetFile(split)), List.of("image STRUCT(bytes BLOB, path VARCHAR)", "label BIGINT"),
                    "{'bytes': ?::BLOB, 'path': ?}, ?", rows(d.size(), i -> new Object[] {
                        ImageFiles.png(new Pixels(d.channels(), d.height(), d.width(), d.image(i))),
                        String.format(Locale.ROOT, "%s-%06d.png", split, i), (long) d.label(i)}),
                    hfFeatures("image", Map.of("_type", "Image"), d.classNames()));
            counts.put(split, d.size());
        }
        writeCard(dir, info, classes, counts, "image", "image", "image-classification");
    }

    /**
     * Writes image splits with several label columns (a multi-task set) into {@code dir}: a column with
     * class names in {@code classNames} is a ClassLabel (int64), any other a float64 {@code Value}; null
     * cells stay null (missing labels). The card's features list every column.
     */
    public static void writeImageColumns(Map<String, HubDatasetLayout.ColumnImages> splits, Map<String, List<String>> classNames,
            Path dir, Info info) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<ParquetTables.Column> columns = null;
        for (Map.Entry<String, HubDatasetLayout.ColumnImages> e : splits.entrySet()) {
            HubDatasetLayout.ColumnImages c = e.getValue();
            ImageData d = c == null ? null : c.images();
            if (d == null || d.size() == 0) {
                continue;
            }
            columns = c.columns();
            List<String> sql = new ArrayList<>(List.of("image STRUCT(bytes BLOB, path VARCHAR)"));
            StringBuilder values = new StringBuilder("{'bytes': ?::BLOB, 'path': ?}");
            Map<String, Object> features = new LinkedHashMap<>();
            features.put("image", Map.of("_type", "Image"));
            for (ParquetTables.Column col : columns) {
                List<String> names = classNames.get(col.name());
                sql.add(quote(col.name()) + (names != null ? " BIGINT" : " DOUBLE"));
                values.append(", ?");
                features.put(col.name(), names != null ? Map.of("names", names, "_type", "ClassLabel") : Map.of("dtype", "float64", "_type", "Value"));
            }
            String split = e.getKey();
            int k = columns.size();
            ParquetTables.write(dir.resolve(parquetFile(split)), sql, values.toString(), rows(d.size(), i -> {
                Object[] row = new Object[2 + k];
                row[0] = ImageFiles.png(new Pixels(d.channels(), d.height(), d.width(), d.image(i)));
                row[1] = String.format(Locale.ROOT, "%s-%06d.png", split, i);
                for (int t = 0; t < k; t++) {
                    Object v = c.values()[t][i];
                    row[2 + t] = v == null ? null : classNames.containsKey(c.columns().get(t).name()) ? (Object) ((Number) v).longValue()
                            : (Object) ((Number) v).doubleValue();
                }
                return row;
            }), json(Map.of("info", Map.of("features", features))));
            counts.put(split, d.size());
        }
        if (columns == null) {
            throw new GraftException("data set " + info.name() + " has no samples to publish", "give it a train split");
        }
        List<Object> features = new ArrayList<>();
        features.add(Map.of("name", "image", "dtype", "image"));
        for (ParquetTables.Column col : columns) {
            List<String> names = classNames.get(col.name());
            features.add(names != null ? Map.of("name", col.name(), "dtype", Map.of("class_label", Map.of("names", numbered(names))))
                    : Map.of("name", col.name(), "dtype", "float64"));
        }
        StringBuilder body = new StringBuilder("\nTasks, one label column each: ");
        body.append(String.join(", ", columns.stream().map(col -> col.name() + (classNames.containsKey(col.name())
                ? " (" + classNames.get(col.name()).size() + " classes)" : " (regression)")).toList())).append(".\n");
        writeCard(dir, info, features, counts, "image-classification", body.toString());
    }

    private static String quote(String column) {
        return "\"" + column.replace("\"", "\"\"") + "\"";
    }

    private static Map<String, Object> numbered(List<String> classes) {
        Map<String, Object> names = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            names.put(Integer.toString(i), classes.get(i));
        }
        return names;
    }

    private static String json(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes text splits (in order; empty ones left out) into {@code dir}. */
    public static void writeTexts(Map<String, TextData> splits, Path dir, Info info) {
        List<String> classes = null;
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, TextData> e : splits.entrySet()) {
            TextData d = e.getValue();
            if (d == null || d.size() == 0) {
                continue;
            }
            classes = d.classNames();
            ParquetTables.write(dir.resolve(parquetFile(e.getKey())), List.of("text VARCHAR", "label BIGINT"), "?, ?",
                    rows(d.size(), i -> new Object[] {d.text(i), (long) d.label(i)}),
                    hfFeatures("text", Map.of("dtype", "string", "_type", "Value"), d.classNames()));
            counts.put(e.getKey(), d.size());
        }
        writeCard(dir, info, classes, counts, "text", "string", "text-classification");
    }

    private static Iterable<Object[]> rows(int n, IntFunction<Object[]> row) {
        return () -> new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public Object[] next() {
                return row.apply(i++);
            }
        };
    }

    /** The {@code huggingface} metadata of a Parquet file, as {@code datasets} writes it. */
    private static String hfFeatures(String column, Map<String, Object> feature, List<String> classes) {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put(column, feature);
        features.put("label", Map.of("names", classes, "_type", "ClassLabel"));
        return json(Map.of("info", Map.of("features", features)));
    }

    private static void writeCard(Path dir, Info info, List<String> classes, Map<String, Integer> counts, String column, String dtype,
            String task) {
        if (classes == null) {
            throw new GraftException("data set " + info.name() + " has no samples to publish", "give it a train split");
        }
        List<Object> features = List.of(Map.of("name", column, "dtype", dtype),
                Map.of("name", "label", "dtype", Map.of("class_label", Map.of("names", numbered(classes)))));
        writeCard(dir, info, features, counts, task, "\n" + classes.size() + " classes: " + String.join(", ", classes.size() > 20
                ? classes.subList(0, 20) : classes) + (classes.size() > 20 ? ", ..." : "") + ".\n");
    }

    private static void writeCard(Path dir, Info info, List<Object> features, Map<String, Integer> counts, String task, String tail) {
        List<Object> splits = new ArrayList<>();
        List<Object> dataFiles = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            long size = size(dir.resolve(parquetFile(e.getKey())));
            bytes += size;
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", e.getKey());
            s.put("num_bytes", size);
            s.put("num_examples", e.getValue());
            splits.add(s);
            dataFiles.add(Map.of("split", e.getKey(), "path", "data/" + e.getKey() + "-*"));
        }
        Map<String, Object> datasetInfo = new LinkedHashMap<>();
        datasetInfo.put("features", features);
        datasetInfo.put("splits", splits);
        datasetInfo.put("download_size", bytes);
        datasetInfo.put("dataset_size", bytes);
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("license", info.license());
        card.put("pretty_name", info.name());
        card.put("task_categories", List.of(task));
        card.put("tags", List.of("graft"));
        card.put("dataset_info", datasetInfo);
        card.put("configs", List.of(Map.of("config_name", "default", "data_files", dataFiles)));
        StringBuilder body = new StringBuilder("# ").append(info.name()).append("\n\n").append("Source: ").append(info.source())
                .append("\n\n| split | examples |\n|---|---|\n");
        counts.forEach((k, v) -> body.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        body.append(tail);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("README.md"), "---\n" + YAML.writeValueAsString(card) + "---\n" + body, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GraftException("cannot write " + dir.resolve("README.md") + ": " + e.getMessage(), "check the folder is writable");
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new GraftException("cannot read " + p + ": " + e.getMessage(), "check the folder");
        }
    }
}
