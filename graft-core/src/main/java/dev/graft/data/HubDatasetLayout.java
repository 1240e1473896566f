package dev.graft.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.graft.GraftException;
import dev.graft.data.io.CsvImages;
import dev.graft.data.io.ParquetTables;
import dev.graft.hub.protocol.DataFiles;
import dev.graft.text.TextData;
import dev.graft.text.TextFiles;
import dev.graft.text.TextSource;
import dev.graft.text.TextSplits;
import dev.graft.util.Json;
import dev.graft.util.Permutations;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a data set repository is laid out, by Hugging Face's data-files conventions, and its splits read
 * as images or texts. The splits are, in this order of precedence:
 * <ol>
 *   <li>the {@code configs:} {@code data_files} of the README card's YAML (the {@code default} config, else the first);
 *   <li>files or folders named after a split at the top or under {@code data/}: {@code train*}, {@code test*}
 *       ({@code testing}, {@code eval}), {@code validation*} ({@code valid}, {@code val}, {@code dev}), e.g.
 *       {@code data/train-00000-of-00001.parquet}, {@code train.csv}, {@code test/cat/1.png}.
 * </ol>
 * A split is Parquet (an image column of {@code {bytes, path}} structs, or a text column, and a label
 * column), CSV or JSON Lines (text and label columns), or an image folder: one folder per class, or
 * images with a {@code metadata.csv} / {@code metadata.jsonl} giving each {@code file_name} its label.
 * Columns are found by name and type unless the spec names them ({@code ?image=}, {@code ?text=},
 * {@code ?label=}); class names are those the card's {@code dataset_info.features} declare for the label
 * column ({@code class_label.names}), else the labels found (numbers in order, else sorted).
 *
 * <pre>{@code
 * HubDatasetLayout l = HubDatasetLayout.detect(snapshotDir, "digits");
 * l.splits().keySet();                                        // [TRAIN, TEST]
 * DataSplits s = l.images(DataSpec.parse("hf-hub:datasets/alice/digits"), 42, 0.1);
 * }</pre>
 */
public final class HubDatasetLayout {
    /** The splits a repository may hold (named in file and folder names as {@link DataFiles} reads them). */
    public enum Split {
        TRAIN, VALIDATION, TEST;

        /** The split's name in a card and a file name, e.g. {@code train}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Split of(String name) {
            String id = DataFiles.split(name);
            return id == null ? null : valueOf(id.toUpperCase(Locale.ROOT));
        }
    }

    /** How a split's rows are stored. */
    public enum Format { PARQUET, CSV, JSONL, IMAGE_FOLDER }

    /**
     * One split's files.
     *
     * @param files the data files in order, or for {@link Format#IMAGE_FOLDER} the one split folder
     */
    public record SplitFiles(Split split, Format format, List<Path> files) {}

    /** Names that mark a column by what it holds. */
    static final List<String> LABEL_NAMES = List.of("label", "labels", "class", "category", "intent", "target");
    private static final List<String> TEXT_NAMES = List.of("text", "sentence", "content", "review", "document", "utterance", "question");
    static final List<String> IMAGE_NAMES = List.of("image", "img", "picture", "photo");
    private static final String EXPECTED = "expected train*/test*/validation* files or folders (e.g. data/train-00000-of-00001.parquet,"
            + " train.csv, train.jsonl, train/<class>/*.png) or configs: data_files in README.md";
    private static final CsvMapper CSV = new CsvMapper();

    private final Path root;
    private final String name;
    private final Map<Split, SplitFiles> splits;
    private final Map<String, List<String>> classLabels;
    private final Map<String, String> dtypes;

    private HubDatasetLayout(Path root, String name, Map<Split, SplitFiles> splits, Map<String, List<String>> classLabels,
            Map<String, String> dtypes) {
        this.root = root;
        this.name = name;
        this.splits = splits;
        this.classLabels = classLabels;
        this.dtypes = dtypes;
    }

    /** Pulls the repository a {@code hf-hub:datasets/...} spec names (through {@link DatasetRepoResolver}) and reads its layout. */
    public static HubDatasetLayout pull(DataSpec spec) {
        String repo = spec.repo();
        int at = repo.indexOf('@');
        String rev = at < 0 ? null : repo.substring(at + 1);
        String id = at < 0 ? repo : repo.substring(0, at);
        if (rev != null && rev.isEmpty()) {
            throw new GraftException("empty revision in '" + spec.text() + "'", "write hf-hub:datasets/owner/name or ...@revision");
        }
        Path dir = DatasetRepoResolver.find().snapshot(id, rev);
        return detect(dir, id.substring(id.indexOf('/') + 1));
    }

    /** Reads the layout of a repository's files in {@code root}; {@code name} names the splits ({@code NAME/train}). */
    public static HubDatasetLayout detect(Path root, String name) {
        if (!Files.isDirectory(root)) {
            throw new GraftException("data set folder " + root + " does not exist", "pull the data set again");
        }
        Map<String, Object> card = HubDatasetFiles.card(root);
        List<String> files = HubDatasetFiles.files(root);
        Map<Split, List<String>> bySplit = HubDatasetFiles.splits(card, files);
        if (bySplit.isEmpty()) {
            List<String> shown = files.size() > 8 ? files.subList(0, 8) : files;
            throw new GraftException("data set " + name + " has no split files: it holds " + (files.isEmpty() ? "no data files"
                    : String.join(", ", shown) + (files.size() > shown.size() ? ", ... (" + files.size() + " files)" : "")) + "; " + EXPECTED,
                    "rename the files after their split, or list them under configs: data_files in README.md");
        }
        if (!bySplit.containsKey(Split.TRAIN)) {
            throw new GraftException("data set " + name + " has " + bySplit.keySet().stream().map(Split::id).toList() + " but no train split; "
                    + EXPECTED, "add the training files (train*)");
        }
        Map<Split, SplitFiles> splits = new EnumMap<>(Split.class);
        bySplit.forEach((s, list) -> splits.put(s, HubDatasetFiles.splitFiles(root, s, list, name)));
        Map<String, List<String>> classLabels = new HashMap<>();
        Map<String, String> dtypes = new HashMap<>();
        HubDatasetFiles.features(card, classLabels, dtypes);
        SplitFiles train = splits.get(Split.TRAIN);
        if (train.format() == Format.PARQUET) {
            HubDatasetFiles.parquetFeatures(train.files().get(0), classLabels, dtypes);
        }
        return new HubDatasetLayout(root, name, splits, classLabels, dtypes);
    }

    /** The repository's name, which names its splits ({@code NAME/train}). */
    String name() {
        return name;
    }

    /** The splits found, train first. */
    public Map<Split, SplitFiles> splits() {
        return splits;
    }

    /** The class names the card declares for {@code column}, or null. */
    public List<String> declaredClassNames(String column) {
        return classLabels.get(column);
    }

    // ------------------------------------------------------------------ images

    /**
     * The splits as images; validation comes from the repository or is carved from train with {@code seed}.
     * The rows stream from the files ({@link HubDatasetImages}): memory holds the decoded pixels only.
     */
    public DataSplits images(DataSpec spec, long seed, double validationFraction) {
        Map<Split, ImageData> data = new HubDatasetImages(this, spec).read();
        ImageData train = data.get(Split.TRAIN);
        ImageData test = data.get(Split.TEST);
        ImageData val = data.get(Split.VALIDATION);
        if (test == null && val == null) {
            return Splits.fromUnsplit(name, train, spec.testFraction(), validationFraction, seed);
        }
        if (test == null) {
            Splits.Part t = Splits.stratified(train, spec.testFraction(), Splits.FIXED_TEST_SEED, name + "/train", name + "/test");
            return new DataSplits(t.kept(), val, t.heldOut());
        }
        if (val == null) {
            return Splits.withValidation(name, train, test, validationFraction, seed);
        }
        return new DataSplits(train, val, test);
    }

    /**
     * A split's images with the values of its label columns, row for row.
     *
     * @param images the decoded images (their single class label means nothing)
     * @param columns the label columns: ClassLabel ({@link #declaredClassNames} not null) or floating point
     * @param values {@code values[c][i]}: column {@code c}'s cell of image {@code i} (a number, a string, or null where missing)
     */
    public record ColumnImages(ImageData images, List<ParquetTables.Column> columns, Object[][] values) {}

    /**
     * The repository's splits (nothing carved) as images with the values of every label column, for
     * multi-task training: streamed in the same two passes as {@link #images}, with the same bad-row
     * messages and {@code skip-bad}.
     */
    public Map<Split, ColumnImages> imagesWithColumns(DataSpec spec) {
        return new HubDatasetImages(this, spec).readColumns();
    }

    // ------------------------------------------------------------------ texts

    /** A text source over a {@code hf-hub:datasets/...} spec: the repository is pulled when it is loaded. */
    public static TextSource textSource(DataSpec spec) {
        return new TextSource() {
            @Override
            public String name() {
                return spec.text();
            }

            @Override
            public String description() {
                return describe(spec);
            }

            @Override
            public TextSplits load(long seed) {
                return pull(spec).texts(spec, seed);
            }
        };
    }

    /** One line naming the repository a {@code hf-hub:datasets/...} spec names. */
    static String describe(DataSpec spec) {
        return "data set repository " + spec.repo() + " on the hub";
    }

    /** The splits as labelled texts; validation and test come from the repository or are carved from train with {@code seed}. */
    public TextSplits texts(DataSpec spec, long seed) {
        BadRows bad = BadRows.of(spec);
        Map<Split, List<String>> texts = new EnumMap<>(Split.class);
        Map<Split, List<String>> labels = new EnumMap<>(Split.class);
        Map<Split, List<String>> where = new EnumMap<>(Split.class);
        String labelColumn = null;
        for (SplitFiles sf : splits.values()) {
            if (sf.format() == Format.IMAGE_FOLDER) {
                throw new GraftException("data set " + name + " holds images (" + rel(sf.files().get(0)) + "), not texts",
                        "train an image model on it: finetune --data " + spec.text());
            }
            List<String> tx = new ArrayList<>();
            List<String> lb = new ArrayList<>();
            List<String> wh = new ArrayList<>();
            for (Path file : sf.files()) {
                List<Row> rows;
                List<ParquetTables.Column> cols;
                if (sf.format() == Format.PARQUET) {
                    cols = ParquetTables.columns(file);
                    rows = null;
                } else {
                    rows = rows(file, sf.format());
                    if (rows.isEmpty()) {
                        throw new GraftException(rel(file) + " holds no rows", "give one row per labelled text");
                    }
                    cols = rows.get(0).values().entrySet().stream()
                            .map(e -> new ParquetTables.Column(e.getKey(), e.getValue() instanceof Number ? "BIGINT" : "VARCHAR")).toList();
                }
                ParquetTables.Column label = labelColumn(cols, spec, file, null);
                ParquetTables.Column text = column(cols.stream().filter(c -> !c.name().equals(label.name())).toList(), cols, spec.textColumn(),
                        "text", file, ParquetTables.Column::isText, TEXT_NAMES, "(a string column)");
                labelColumn = label.name();
                java.util.function.BiConsumer<Long, Object[]> add = (row, v) -> {
                    String at = rel(file) + " row " + row;
                    try {
                        if (v[0] == null || v[0].toString().isBlank()) {
                            throw new GraftException(at + " has an empty text in column '" + text.name() + "'", "give every row a text or remove it");
                        }
                        String l = labelText(v[1], at, label.name());
                        tx.add(v[0].toString().strip());
                        lb.add(l);
                        wh.add(at);
                    } catch (GraftException e) {
                        bad.skip(e);
                    }
                };
                if (rows == null) {
                    // only the two columns are read, a chunk of rows at a time
                    ParquetTables.read(file, List.of(quote(text.name()), quote(label.name())),
                            (row, rs) -> add.accept(row, new Object[] {rs.getObject(1), rs.getObject(2)}));
                } else {
                    rows.forEach(r -> add.accept(r.row(), new Object[] {r.values().get(text.name()), r.values().get(label.name())}));
                }
            }
            texts.put(sf.split(), tx);
            labels.put(sf.split(), lb);
            where.put(sf.split(), wh);
        }
        if (texts.get(Split.TRAIN).isEmpty()) {
            bad.report();
            throw new GraftException("data set " + name + " has no usable train rows", "check the data set (bad rows are listed above)");
        }
        List<String> names = classNames(labelColumn, labels, root.resolve(where.get(Split.TRAIN).get(0).split(" row ")[0]));
        Map<Split, TextData> data = new EnumMap<>(Split.class);
        for (Split s : texts.keySet()) {
            List<String> wh = where.get(s);
            int[] index = indices(labelColumn, names, labels.get(s), wh::get, bad);
            List<String> kept = new ArrayList<>();
            List<Integer> keptLabels = new ArrayList<>();
            for (int i = 0; i < index.length; i++) {
                if (index[i] >= 0) {
                    kept.add(texts.get(s).get(i));
                    keptLabels.add(index[i]);
                }
            }
            data.put(s, new TextData(name + "/" + s.id(), names, kept, keptLabels.stream().mapToInt(Integer::intValue).toArray()));
        }
        bad.report();
        TextData train = data.get(Split.TRAIN);
        TextData val = data.get(Split.VALIDATION);
        TextData test = data.get(Split.TEST);
        double valFraction = spec.validationFraction();
        if (test == null && val == null) {
            return TextFiles.stratifiedSplit(renamed(train, name), seed, spec.testFraction(), valFraction);
        }
        if (val == null || test == null) {
            TextSplits carved = TextFiles.stratifiedSplit(renamed(train, name), seed, test == null ? spec.testFraction() : 0,
                    val == null ? valFraction : 0);
            return new TextSplits(carved.train(), val == null ? carved.validation() : val, test == null ? carved.test() : test);
        }
        return new TextSplits(train, val, test);
    }

    private static TextData renamed(TextData d, String name) {
        return d.subset(name, Permutations.identity(d.size()));
    }

    // ------------------------------------------------------------------ columns and labels

    /** A labelled row of CSV, JSON Lines or Parquet, numbered from 1. */
    record Row(Map<String, Object> values, long row) {}

    ParquetTables.Column labelColumn(List<ParquetTables.Column> cols, DataSpec spec, Path file, String not) {
        List<ParquetTables.Column> rest = cols.stream().filter(c -> !c.name().equals(not)).toList();
        if (spec.label() == null) {
            for (ParquetTables.Column c : rest) {
                if (classLabels.containsKey(c.name())) {
                    return c;
                }
            }
        }
        return column(rest, cols, spec.label(), "label", file, ParquetTables.Column::isInteger, LABEL_NAMES, "(class ids or names)");
    }

    /** The column {@code given}, else one with a telling name, else the first of the right type; else an error listing the columns. */
    ParquetTables.Column column(List<ParquetTables.Column> cols, List<ParquetTables.Column> all, String given, String what,
            Path file, java.util.function.Predicate<ParquetTables.Column> type, List<String> names, String shape) {
        if (given != null) {
            return cols.stream().filter(c -> c.name().equals(given)).findFirst().orElseThrow(() -> new GraftException(
                    rel(file) + " has no column '" + given + "'; its columns: " + all, "name one of its columns with ?" + what + "=COLUMN"));
        }
        for (ParquetTables.Column c : cols) {
            if (what.equals(dtypes.get(c.name())) && type.test(c)) {
                return c;
            }
        }
        for (ParquetTables.Column c : cols) {
            if (names.contains(c.name().toLowerCase(Locale.ROOT)) && (type.test(c) || !what.equals("image"))) {
                return c;
            }
        }
        return cols.stream().filter(type).findFirst().orElseThrow(() -> new GraftException(rel(file) + " has no " + what + " column "
                + shape + "; its columns: " + (all.isEmpty() ? "none" : all.toString()), "name it with ?" + what + "=COLUMN"));
    }

    static String labelText(Object v, String at, String column) {
        if (v == null || v.toString().isBlank()) {
            throw new GraftException(at + " has no label in column '" + column + "'", "give every row a label");
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return Long.toString(n.longValue());
        }
        return v.toString().strip();
    }

    /** The declared class names of the label column, else those of the labels found (numbers in order, else sorted). */
    List<String> classNames(String column, Map<Split, List<String>> labels, Path firstFile) {
        List<String> declared = classLabels.get(column);
        if (declared != null) {
            return declared;
        }
        List<String> all = new ArrayList<>();
        labels.values().forEach(all::addAll);
        return CsvImages.classNames(all, firstFile, CsvImages.DEFAULT_MAX_CLASSES);
    }

    /** The error of a label outside the class names ({@code declared}: those the card declares for {@code column}). */
    static GraftException outsideClassNames(String at, Object label, String column, List<String> names, boolean declared) {
        return new GraftException(at + ": label " + label + " is outside the " + names.size() + " class names"
                + (declared ? " README.md declares for '" + column + "'" : "") + " (" + shortList(names) + ")",
                declared ? "fix the label, or add its class to dataset_info.features in README.md" : "fix the label");
    }

    /** Whether {@code label} is one of the declared {@code names}: by index (a whole number), else by name. */
    static boolean isDeclared(Object label, List<String> names) {
        String l = label.toString();
        if (label instanceof Number || isWholeNumber(l)) {
            double v = label instanceof Number n ? n.doubleValue() : Long.parseLong(l);
            return v == Math.rint(v) && v >= 0 && v < names.size();
        }
        return names.contains(l);
    }

    /** Each label's class index; a label outside the class names is a bad row ({@code -1} when {@code bad} skips it). */
    int[] indices(String column, List<String> names, List<String> labels, java.util.function.IntFunction<String> where, BadRows bad) {
        boolean declared = classLabels.containsKey(column);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        int[] out = new int[labels.size()];
        for (int i = 0; i < out.length; i++) {
            String l = labels.get(i);
            Integer k;
            if (declared && isWholeNumber(l)) {
                long v = Long.parseLong(l);
                k = v >= 0 && v < names.size() ? (int) v : null;
            } else {
                k = index.get(l);
            }
            if (k == null) {
                out[i] = -1;
                bad.skip(outsideClassNames(where.apply(i), l, column, names, declared));
            } else {
                out[i] = k;
            }
        }
        return out;
    }

    /** Rows of a CSV (with a header) or JSON Lines file. */
    static List<Row> rows(Path file, Format format) {
        List<Row> rows = new ArrayList<>();
        if (format == Format.CSV) {
            try (MappingIterator<Map<String, String>> it = CSV.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader())
                    .readValues(file.toFile())) {
                long row = 0;
                while (it.hasNextValue()) {
                    rows.add(new Row(new LinkedHashMap<>(it.nextValue()), ++row));
                }
            } catch (IOException | RuntimeException e) {
                throw new GraftException("cannot read CSV " + file.getFileName() + ": " + e.getMessage().lines().findFirst().orElse(""),
                        "give it a header row and quote fields with commas");
            }
            return rows;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long row = 0;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                row++;
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    node = null;
                }
                if (node == null || !node.isObject()) {
                    throw new GraftException(file.getFileName() + " row " + row + " is not a JSON object",
                            "write one object per line, e.g. {\"text\": \"a cat\", \"label\": \"animal\"}");
                }
                Map<String, Object> v = new LinkedHashMap<>();
                node.fields().forEachRemaining(e -> v.put(e.getKey(), e.getValue().isNull() ? null
                        : e.getValue().isIntegralNumber() ? (Object) e.getValue().longValue() : e.getValue().asText()));
                rows.add(new Row(v, row));
            }
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "pull the data set again");
        }
        return rows;
    }

    String rel(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    static String quote(String column) {
        return "\"" + column.replace("\"", "\"\"") + "\"";
    }

    private static boolean isWholeNumber(String s) {
        return !s.isEmpty() && s.length() < 18 && (s.chars().allMatch(Character::isDigit) || s.startsWith("-") && s.length() > 1
                && s.substring(1).chars().allMatch(Character::isDigit));
    }

    private static String shortList(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + ", ..., " + String.join(", ", names.subList(names.size() - 2, names.size()));
    }
}
