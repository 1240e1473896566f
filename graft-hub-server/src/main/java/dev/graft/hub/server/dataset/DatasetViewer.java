package dev.graft.hub.server.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.hub.protocol.DataFiles;
import dev.graft.hub.protocol.HubProtocolException;
import dev.graft.hub.server.HubError;
import dev.graft.hub.server.store.BlobStore;
import dev.graft.hub.server.store.Commit;
import dev.graft.hub.server.store.FileEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the hub knows about a data set repository's rows, as the Hugging Face Hub's data viewer shows
 * them: which Parquet files hold each config and split (the {@code /api/datasets/{id}/parquet} listing),
 * the split sizes, the features and the first rows. Splits are found by Hugging Face's data-files
 * conventions ({@link DataFiles}); Parquet (and CSV) rows are read with DuckDB's JDBC driver, JSON Lines
 * with Jackson, image folders by their file names. Sizes and features come from the card's
 * {@code dataset_info} when it declares them, else from the files.
 *
 * <pre>{@code
 * DatasetViewer v = new DatasetViewer(hub.store().blobs());
 * v.parquet(commit, card.data()).get("default").get("train");   // [data/train-00000-of-00001.parquet entry]
 * DatasetViewer.View view = v.view(commit, card.data());        // splits, features, first rows
 * }</pre>
 */
public final class DatasetViewer {
    /** Rows shown in a preview. */
    public static final int PREVIEW_ROWS = 10;
    /** Images larger than this are not inlined as thumbnails. */
    static final int MAX_THUMBNAIL_BYTES = 256 * 1024;
    private static final int MAX_TEXT = 300;
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp", "webp");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlobStore blobs;

    public DatasetViewer(BlobStore blobs) {
        this.blobs = blobs;
    }

    /**
     * A feature (column) and its type as the card or the file declares it, e.g. {@code label class_label (cat, dog)}.
     *
     * @param classNames a class label's names, by index (empty for other features)
     */
    public record Feature(String name, String type, List<String> classNames) {
        Feature(String name, String type) {
            this(name, type, List.of());
        }
    }

    /** A split of a config: its row count (null when unknown) and files. */
    public record SplitView(String config, String split, Long rows, List<String> files) {}

    /** One preview cell: text, or an image (its {@code src}, a data URI or a file URL relative to the repository). */
    public record Cell(String text, String image) {}

    /**
     * The viewer of one commit.
     *
     * @param split the split previewed
     * @param error why the rows could not be read, or null
     */
    public record View(List<SplitView> splits, List<Feature> features, String split, List<String> columns, List<List<Cell>> rows,
            String error) {}

    /** The data files of a commit: everything but README.md and dot files. */
    static List<String> dataFiles(Commit c) {
        return c.files().stream().map(FileEntry::path)
                .filter(p -> !p.equals("README.md") && Stream.of(p.split("/")).noneMatch(s -> s.startsWith(".")))
                .sorted().toList();
    }

    /** Every config's splits and their files; 400 for a card whose {@code data_files} is not a glob. */
    public static Map<String, Map<String, List<String>>> configs(Commit c, Map<String, Object> card) {
        try {
            return DataFiles.configs(card, dataFiles(c));
        } catch (HubProtocolException e) {
            throw HubError.of(e);
        }
    }

    /** The Parquet files of each config and split, in order (configs and splits without Parquet left out). */
    public Map<String, Map<String, List<FileEntry>>> parquet(Commit c, Map<String, Object> card) {
        Map<String, Map<String, List<FileEntry>>> out = new LinkedHashMap<>();
        configs(c, card).forEach((config, splits) -> splits.forEach((split, files) -> {
            List<FileEntry> pq = files.stream().filter(f -> f.endsWith(".parquet")).map(c::file).toList();
            if (!pq.isEmpty()) {
                out.computeIfAbsent(config, k -> new LinkedHashMap<>()).put(split, pq);
            }
        }));
        return out;
    }

    /** Split sizes, features and the first {@value #PREVIEW_ROWS} rows of the first split of the default config. */
    public View view(Commit c, Map<String, Object> card) {
        Map<String, Map<String, List<String>>> configs = configs(c, card);
        Map<String, Long> declared = declaredSizes(card);
        List<SplitView> splits = new ArrayList<>();
        List<Feature> features = declaredFeatures(card);
        String error = null;
        for (var config : configs.entrySet()) {
            for (var split : config.getValue().entrySet()) {
                Long rows = declared.get(config.getKey() + "/" + split.getKey());
                if (rows == null) {
                    try {
                        rows = count(c, split.getValue());
                    } catch (IOException | SQLException | RuntimeException e) {
                        error = split.getKey() + ": " + oneLine(e);
                    }
                }
                splits.add(new SplitView(config.getKey(), split.getKey(), rows, split.getValue()));
            }
        }
        Map<String, List<String>> first = configs.getOrDefault(DataFiles.DEFAULT_CONFIG, configs.isEmpty() ? Map.of() : configs.values().iterator().next());
        if (first.isEmpty()) {
            return new View(splits, features, null, List.of(), List.of(), error);
        }
        String split = first.keySet().iterator().next();
        List<String> columns = new ArrayList<>();
        List<List<Cell>> rows = new ArrayList<>();
        try {
            preview(c, first.get(split), columns, rows, features);
        } catch (IOException | SQLException | RuntimeException e) {
            error = split + ": " + oneLine(e);
        }
        return new View(splits, features, split, columns, rows, error);
    }

    // ------------------------------------------------------------------ the card

    /** {@code dataset_info}: one map per config (a card may hold one, or a list with {@code config_name}s). */
    private static Map<String, Map<?, ?>> infos(Map<String, Object> card) {
        Map<String, Map<?, ?>> out = new LinkedHashMap<>();
        Object info = card.get("dataset_info");
        for (Object o : info instanceof List<?> l ? l : info == null ? List.of() : List.of(info)) {
            if (o instanceof Map<?, ?> m) {
                Object name = m.get("config_name");
                out.put(name == null ? DataFiles.DEFAULT_CONFIG : name.toString(), m);
            }
        }
        return out;
    }

    private static Map<String, Long> declaredSizes(Map<String, Object> card) {
        Map<String, Long> out = new LinkedHashMap<>();
        infos(card).forEach((config, info) -> {
            if (info.get("splits") instanceof List<?> splits) {
                for (Object s : splits) {
                    if (s instanceof Map<?, ?> m && m.get("name") != null && m.get("num_examples") instanceof Number n) {
                        out.put(config + "/" + m.get("name"), n.longValue());
                    }
                }
            }
        });
        return out;
    }

    private static List<Feature> declaredFeatures(Map<String, Object> card) {
        Map<String, Map<?, ?>> infos = infos(card);
        Map<?, ?> info = infos.getOrDefault(DataFiles.DEFAULT_CONFIG, infos.isEmpty() ? Map.of() : infos.values().iterator().next());
        List<Feature> out = new ArrayList<>();
        if (info.get("features") instanceof List<?> features) {
            for (Object f : features) {
                if (f instanceof Map<?, ?> m && m.get("name") != null) {
                    Object dtype = m.get("dtype");
                    Object cl = dtype instanceof Map<?, ?> d ? d.get("class_label") : m.get("class_label");
                    List<String> names = new ArrayList<>();
                    if (cl instanceof Map<?, ?> c && c.get("names") instanceof Map<?, ?> byIndex) {
                        for (int i = 0; byIndex.containsKey(Integer.toString(i)) || byIndex.containsKey(i); i++) {
                            Object n = byIndex.containsKey(Integer.toString(i)) ? byIndex.get(Integer.toString(i)) : byIndex.get(i);
                            names.add(String.valueOf(n));
                        }
                    } else if (cl instanceof Map<?, ?> c && c.get("names") instanceof List<?> list) {
                        list.forEach(n -> names.add(String.valueOf(n)));
                    }
                    String type = cl instanceof Map<?, ?> ? "class_label (" + join(names) + ")" : dtype == null ? "?" : dtype.toString();
                    out.add(new Feature(m.get("name").toString(), type, names));
                }
            }
        }
        return out;
    }

    private static String join(java.util.Collection<?> names) {
        List<String> s = names.stream().map(String::valueOf).toList();
        return s.size() <= 8 ? String.join(", ", s) : String.join(", ", s.subList(0, 6)) + ", ... (" + s.size() + ")";
    }

    // ------------------------------------------------------------------ the files

    private enum Kind { PARQUET, CSV, JSONL, IMAGES, OTHER }

    private static Kind kind(List<String> files) {
        if (files.stream().anyMatch(f -> f.endsWith(".parquet"))) {
            return Kind.PARQUET;
        }
        if (files.stream().anyMatch(f -> IMAGE_EXTENSIONS.contains(ext(f)))) {
            return Kind.IMAGES;
        }
        if (files.stream().anyMatch(f -> ext(f).equals("jsonl") || ext(f).equals("json"))) {
            return Kind.JSONL;
        }
        return files.stream().anyMatch(f -> ext(f).equals("csv")) ? Kind.CSV : Kind.OTHER;
    }

    private Path localFile(String sha256) {
        try {
            return blobs.localFile(sha256);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<Path> paths(Commit c, List<String> files, String ext) {
        return files.stream().filter(f -> ext(f).equals(ext)).map(f -> localFile(c.file(f).sha256())).toList();
    }

    private Long count(Commit c, List<String> files) throws IOException, SQLException {
        switch (kind(files)) {
            case PARQUET -> {
                try (Connection db = open(); Statement st = db.createStatement();
                        ResultSet rs = st.executeQuery("SELECT sum(num_rows) FROM parquet_file_metadata(" + list(paths(c, files, "parquet")) + ")")) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
            case IMAGES -> {
                return files.stream().filter(f -> IMAGE_EXTENSIONS.contains(ext(f))).count();
            }
            case JSONL -> {
                long n = 0;
                for (Path p : paths(c, files, ext(files.stream().filter(f -> ext(f).startsWith("json")).findFirst().orElseThrow()))) {
                    try (Stream<String> lines = Files.lines(p, StandardCharsets.UTF_8)) {
                        n += lines.filter(l -> !l.isBlank()).count();
                    }
                }
                return n;
            }
            case CSV -> {
                try (Connection db = open(); Statement st = db.createStatement();
                        ResultSet rs = st.executeQuery("SELECT count(*) FROM read_csv(" + list(paths(c, files, "csv")) + ", header = true)")) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }
            default -> {
                return null;
            }
        }
    }

    private void preview(Commit c, List<String> files, List<String> columns, List<List<Cell>> rows, List<Feature> features)
            throws IOException, SQLException {
        switch (kind(files)) {
            case PARQUET -> sql(c, "read_parquet(" + list(paths(c, files, "parquet")) + ")", columns, rows, features);
            case CSV -> sql(c, "read_csv(" + list(paths(c, files, "csv")) + ", header = true)", columns, rows, features);
            case JSONL -> jsonl(c, files, columns, rows, features);
            case IMAGES -> images(c, files, columns, rows, features);
            default -> { }
        }
    }

    private void sql(Commit c, String from, List<String> columns, List<List<Cell>> rows, List<Feature> features) throws SQLException {
        try (Connection db = open(); Statement st = db.createStatement()) {
            List<String> types = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + from)) {
                while (rs.next()) {
                    columns.add(rs.getString("column_name"));
                    types.add(rs.getString("column_type"));
                }
            }
            if (features.isEmpty()) {
                for (int i = 0; i < columns.size(); i++) {
                    features.add(new Feature(columns.get(i), isImage(types.get(i)) ? "image" : types.get(i).toLowerCase(Locale.ROOT)));
                }
            }
            List<String> select = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                String q = "\"" + columns.get(i).replace("\"", "\"\"") + "\"";
                select.add(isImage(types.get(i)) ? q + ".bytes" : "CAST(" + q + " AS VARCHAR)");
            }
            try (ResultSet rs = st.executeQuery("SELECT " + String.join(", ", select) + " FROM " + from + " LIMIT " + PREVIEW_ROWS)) {
                while (rs.next()) {
                    List<Cell> row = new ArrayList<>();
                    for (int i = 0; i < columns.size(); i++) {
                        row.add(isImage(types.get(i)) ? image(rs.getBytes(i + 1)) : label(text(rs.getString(i + 1)), columns.get(i), features));
                    }
                    rows.add(row);
                }
            }
        }
    }

    private void jsonl(Commit c, List<String> files, List<String> columns, List<List<Cell>> rows, List<Feature> features) throws IOException {
        List<Map<String, String>> values = new ArrayList<>();
        for (String f : files) {
            if (!ext(f).startsWith("json")) {
                continue;
            }
            try (BufferedReader in = Files.newBufferedReader(blobs.localFile(c.file(f).sha256()), StandardCharsets.UTF_8)) {
                String line;
                while (values.size() < PREVIEW_ROWS && (line = in.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode n = JSON.readTree(line);
                    Map<String, String> v = new LinkedHashMap<>();
                    n.fields().forEachRemaining(e -> v.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
                    values.add(v);
                    v.keySet().stream().filter(k -> !columns.contains(k)).forEach(columns::add);
                }
            }
        }
        for (Map<String, String> v : values) {
            rows.add(columns.stream().map(k -> text(v.get(k))).toList());
        }
        if (features.isEmpty() && !values.isEmpty()) {
            columns.forEach(k -> features.add(new Feature(k, "string")));
        }
    }

    private static void images(Commit c, List<String> files, List<String> columns, List<List<Cell>> rows, List<Feature> features) {
        columns.addAll(List.of("image", "label"));
        files.stream().filter(f -> IMAGE_EXTENSIONS.contains(ext(f))).limit(PREVIEW_ROWS).forEach(f -> {
            String[] parts = f.split("/");
            rows.add(List.of(new Cell(null, "resolve/" + c.id() + "/" + f), text(parts.length > 2 ? parts[parts.length - 2] : "")));
        });
        if (features.isEmpty()) {
            features.add(new Feature("image", "image"));
            features.add(new Feature("label", "class folder"));
        }
    }

    // ------------------------------------------------------------------ values

    /** A class label's index shown with its declared name, e.g. {@code 3 (cat)}, as the Hub's viewer names labels. */
    private static Cell label(Cell value, String column, List<Feature> features) {
        for (Feature f : features) {
            if (f.name().equals(column) && !f.classNames().isEmpty()) {
                try {
                    int i = Integer.parseInt(value.text());
                    return i >= 0 && i < f.classNames().size() ? new Cell(i + " (" + f.classNames().get(i) + ")", null) : value;
                } catch (NumberFormatException e) {
                    return value;
                }
            }
        }
        return value;
    }

    private static Cell text(String s) {
        return new Cell(s == null ? "" : s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "…" : s, null);
    }

    /** An image's bytes as a data URI when they are a PNG, JPEG, GIF or WebP small enough to inline; else a note. */
    static Cell image(byte[] b) {
        if (b == null) {
            return new Cell("(no image)", null);
        }
        String mime = b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' ? "image/png"
                : b.length > 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 ? "image/jpeg"
                : b.length > 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' ? "image/gif"
                : b.length > 12 && b[0] == 'R' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P' ? "image/webp" : null;
        if (mime == null) {
            return new Cell("(image of " + b.length + " bytes in a format the page does not show)", null);
        }
        if (b.length > MAX_THUMBNAIL_BYTES) {
            return new Cell("(image of " + b.length + " bytes, too large to preview)", null);
        }
        return new Cell(null, "data:" + mime + ";base64," + Base64.getEncoder().encodeToString(b));
    }

    private static boolean isImage(String duckType) {
        String t = duckType.replace("\"", "").toUpperCase(Locale.ROOT);
        return t.startsWith("STRUCT(") && t.contains("BYTES BLOB");
    }

    private static String ext(String f) {
        int dot = f.lastIndexOf('.');
        return dot < 0 ? "" : f.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String list(List<Path> paths) {
        return "[" + String.join(", ", paths.stream().map(p -> "'" + p.toString().replace("'", "''") + "'").toList()) + "]";
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    /** An in-memory DuckDB that reads only the local files it is handed (no extension is fetched or loaded). */
    private static Connection open() throws SQLException {
        Connection db = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = db.createStatement()) {
            st.execute("SET autoinstall_known_extensions = false");
            st.execute("SET autoload_known_extensions = false");
        } catch (SQLException e) {
            db.close();
            throw e;
        }
        return db;
    }
}
