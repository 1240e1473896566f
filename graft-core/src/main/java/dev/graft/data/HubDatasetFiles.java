package dev.graft.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.data.HubDatasetLayout.Format;
import dev.graft.data.HubDatasetLayout.Split;
import dev.graft.data.HubDatasetLayout.SplitFiles;
import dev.graft.data.io.ImageFolder;
import dev.graft.data.io.ParquetTables;
import dev.graft.hub.protocol.DataFiles;
import dev.graft.hub.protocol.HubProtocolException;
import dev.graft.hub.protocol.ModelCardData;
import dev.graft.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Which files of a Hugging Face data set repository hold which split, and what its card declares:
 * the card's {@code configs: data_files}, else the data-files naming conventions ({@code train*},
 * {@code data/<split>-NNNNN-of-NNNNN.*}); the class names and dtypes of {@code dataset_info.features},
 * or of the features Hugging Face stores in a Parquet file. {@link HubDatasetLayout} reads the rows.
 */
final class HubDatasetFiles {
    private HubDatasetFiles() {}

    static Map<String, Object> card(Path root) {
        Path readme = root.resolve("README.md");
        if (!Files.isRegularFile(readme)) {
            return Map.of();
        }
        try {
            return ModelCardData.read(Files.readString(readme, StandardCharsets.UTF_8)).data();
        } catch (HubProtocolException e) {
            throw new GraftException(e.getMessage(), e.fix());
        } catch (IOException e) {
            throw new GraftException("cannot read " + readme + ": " + e.getMessage(), "pull the data set again");
        }
    }

    /** {@code dataset_info.features}: the class names of each class_label column, and each column's dtype. */
    @SuppressWarnings("unchecked")
    static void features(Map<String, Object> card, Map<String, List<String>> classLabels, Map<String, String> dtypes) {
        Object info = card.get("dataset_info");
        if (info instanceof List<?> l) {
            info = l.stream().<Object>map(o -> o).filter(o -> o instanceof Map<?, ?> m && "default".equals(m.get("config_name")))
                    .findFirst().orElse(l.isEmpty() ? null : l.get(0));
        }
        if (!(info instanceof Map<?, ?> m) || !(m.get("features") instanceof List<?> features)) {
            return;
        }
        for (Object f : features) {
            if (!(f instanceof Map<?, ?> feature) || feature.get("name") == null) {
                continue;
            }
            String col = feature.get("name").toString();
            Object dtype = feature.get("dtype");
            Object cl = dtype instanceof Map<?, ?> d ? d.get("class_label") : feature.get("class_label");
            if (cl instanceof Map<?, ?> c && c.get("names") != null) {
                Object names = c.get("names");
                List<String> out = new ArrayList<>();
                if (names instanceof Map<?, ?> byIndex) {
                    for (int i = 0; i < byIndex.size(); i++) {
                        Object n = byIndex.containsKey(Integer.toString(i)) ? byIndex.get(Integer.toString(i)) : byIndex.get(i);
                        if (n == null) {
                            throw new GraftException("README.md dataset_info: class_label of '" + col + "' has no name for " + i,
                                    "number the names 0..N-1");
                        }
                        out.add(n.toString());
                    }
                } else if (names instanceof List<?> list) {
                    list.forEach(n -> out.add(String.valueOf(n)));
                }
                classLabels.put(col, out);
                dtypes.put(col, "label");
            } else if ("image".equals(dtype)) {
                dtypes.put(col, "image");
            } else if ("string".equals(dtype)) {
                dtypes.put(col, "text");
            }
        }
    }

    /**
     * The features {@code datasets} writes into a Parquet file's {@code huggingface} metadata
     * ({@code info.features}: {@code ClassLabel} names, {@code Image}, string {@code Value}), for the
     * columns the card does not describe.
     */
    static void parquetFeatures(Path file, Map<String, List<String>> classLabels, Map<String, String> dtypes) {
        String json = ParquetTables.metadata(file, "huggingface");
        if (json == null) {
            return;
        }
        JsonNode features;
        try {
            features = Json.MAPPER.readTree(json).path("info").path("features");
        } catch (IOException e) {
            return; // unreadable metadata describes nothing; the columns are found by name and type
        }
        features.fields().forEachRemaining(f -> {
            String col = f.getKey();
            String type = f.getValue().path("_type").asText();
            if (dtypes.containsKey(col)) {
                return;
            }
            if (type.equals("ClassLabel") && f.getValue().path("names").isArray()) {
                List<String> names = new ArrayList<>();
                f.getValue().path("names").forEach(n -> names.add(n.asText()));
                classLabels.put(col, names);
                dtypes.put(col, "label");
            } else if (type.equals("Image")) {
                dtypes.put(col, "image");
            } else if (type.equals("Value") && f.getValue().path("dtype").asText().equals("string")) {
                dtypes.put(col, "text");
            }
        });
    }

    /** The data files of the repository, relative, sorted ({@code README.md}, dot files and {@code .gitattributes} left out). */
    static List<String> files(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(r -> !r.equals("README.md") && Stream.of(r.split("/")).noneMatch(c -> c.startsWith(".")))
                    .sorted().toList();
        } catch (IOException e) {
            throw new GraftException("cannot list " + root + ": " + e.getMessage(), "pull the data set again");
        }
    }

    /**
     * The files of each split of the config a reader trains on ({@link DataFiles#defaultConfig}): the card's
     * {@code configs: data_files}, else the naming conventions; splits other than train, validation and test are left out.
     */
    static Map<Split, List<String>> splits(Map<String, Object> card, List<String> files) {
        Map<String, List<String>> byName;
        try {
            byName = DataFiles.defaultConfig(card, files);
        } catch (HubProtocolException e) {
            throw new GraftException(e.getMessage(), e.fix());
        }
        Map<Split, List<String>> out = new EnumMap<>(Split.class);
        byName.forEach((name, list) -> {
            Split s = Split.of(name);
            if (s != null) {
                out.merge(s, list, (a, b) -> Stream.concat(a.stream(), b.stream()).distinct().toList());
            }
        });
        return out;
    }

    static SplitFiles splitFiles(Path root, Split split, List<String> files, String name) {
        List<Path> parquet = files.stream().filter(f -> f.endsWith(".parquet")).map(root::resolve).toList();
        if (!parquet.isEmpty()) {
            return new SplitFiles(split, Format.PARQUET, parquet);
        }
        List<String> images = files.stream().filter(f -> f.contains("/") && ImageFolder.EXTENSIONS.contains(ext(f))).toList();
        if (!images.isEmpty()) {
            String first = images.get(0);
            String[] c = first.split("/");
            Path dir = root.resolve(c[0].equals("data") && c.length > 2 && DataFiles.splitWord(c[0]) == null ? c[0] + "/" + c[1] : c[0]);
            return new SplitFiles(split, Format.IMAGE_FOLDER, List.of(dir));
        }
        List<Path> jsonl = files.stream().filter(f -> ext(f).equals("jsonl") || ext(f).equals("json")).map(root::resolve).toList();
        if (!jsonl.isEmpty()) {
            return new SplitFiles(split, Format.JSONL, jsonl);
        }
        List<Path> csv = files.stream().filter(f -> ext(f).equals("csv")).map(root::resolve).toList();
        if (!csv.isEmpty()) {
            return new SplitFiles(split, Format.CSV, csv);
        }
        throw new GraftException("data set " + name + ": the " + split.id() + " split has no file Graft reads (" + String.join(", ",
                files.size() > 5 ? files.subList(0, 5) : files) + ")", "publish it as .parquet, .csv, .jsonl or image folders");
    }

    static String ext(String f) {
        int dot = f.lastIndexOf('.');
        return dot < 0 ? "" : f.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
