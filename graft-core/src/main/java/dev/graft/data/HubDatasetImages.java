package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.data.HubDatasetLayout.Split;
import dev.graft.data.HubDatasetLayout.SplitFiles;
import dev.graft.data.io.ImageFiles;
import dev.graft.data.io.ImageFolder;
import dev.graft.data.io.ImageStack;
import dev.graft.data.io.ParquetTables;
import dev.graft.progress.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The image splits of a hub data set, read in two streaming passes so that memory holds the decoded
 * pixels and nothing else of the data: first the labels (and which rows have an image) of every split,
 * to settle the class names; then the images, a DuckDB chunk at a time, each decoded straight into the
 * split's one pixel array ({@link ImageStack.Builder}). A bad row (no image, an image that does not
 * decode or has another size, no label, a label outside the class names) is an error naming the file
 * and row, or, when asked for, a row left out and reported ({@link BadRows}).
 */
final class HubDatasetImages {
    /** A split's rows: each row's source (a Parquet file and row, or an image file) and label, in order. */
    private static final class Rows {
        final List<Path> sources = new ArrayList<>();
        final List<String> imageColumns = new ArrayList<>();
        long[] rows = new long[64];
        int[] source = new int[64];
        final List<String> labels = new ArrayList<>();
        /** Multi-column reads: each row's values of the label columns, in {@link #labelColumns} order. */
        final List<Object[]> values = new ArrayList<>();

        void add(int src, long row, String label) {
            int n = labels.size();
            if (n == rows.length) {
                rows = Arrays.copyOf(rows, n * 2);
                source = Arrays.copyOf(source, n * 2);
            }
            rows[n] = row;
            source[n] = src;
            labels.add(label);
        }
    }

    private final HubDatasetLayout layout;
    private final DataSpec spec;
    private final BadRows bad;
    private final Map<String, String> interned = new HashMap<>();

    HubDatasetImages(HubDatasetLayout layout, DataSpec spec) {
        this.layout = layout;
        this.spec = spec;
        this.bad = BadRows.of(spec);
    }

    /** The label columns of a multi-column read, found in the first train file. */
    private List<ParquetTables.Column> labelColumns;

    /**
     * Every split's images with the values of all label columns (ClassLabel and floating point columns
     * but the image), row for row: the same two passes, bad rows and {@code --skip-bad} as {@link #read()}.
     * A null cell is kept as null (a missing label).
     */
    Map<Split, HubDatasetLayout.ColumnImages> readColumns() {
        Map<Split, HubDatasetLayout.ColumnImages> out = new EnumMap<>(Split.class);
        for (SplitFiles sf : layout.splits().values()) {
            if (sf.format() != HubDatasetLayout.Format.PARQUET) {
                throw new GraftException("data set " + layout.name() + " holds " + sf.format().name().toLowerCase(java.util.Locale.ROOT)
                        + " files (" + layout.rel(sf.files().get(0)) + "), not Parquet", "publish a multi-task set as Parquet with one column per task");
            }
            Rows r = new Rows();
            for (Path file : sf.files()) {
                List<ParquetTables.Column> cols = ParquetTables.columns(file);
                ParquetTables.Column image = layout.column(cols, cols, spec.imageColumn(), "image", file, ParquetTables.Column::isImage,
                        HubDatasetLayout.IMAGE_NAMES, "(a struct of bytes and path, as Hugging Face writes an Image feature)");
                List<ParquetTables.Column> mine = cols.stream().filter(c -> !c.name().equals(image.name())
                        && (layout.declaredClassNames(c.name()) != null || c.isFloat())).toList();
                if (labelColumns == null) {
                    if (mine.isEmpty()) {
                        throw new GraftException(layout.rel(file) + " has no label columns (ClassLabel or float) beside '" + image.name()
                                + "'; its columns: " + cols, "give each task a ClassLabel column (names in dataset_info.features) or a float column");
                    }
                    labelColumns = mine;
                } else if (!mine.stream().map(ParquetTables.Column::name).toList().equals(labelColumns.stream().map(ParquetTables.Column::name).toList())) {
                    throw new GraftException(layout.rel(file) + " has label columns " + mine + ", not " + labelColumns + " as the first file",
                            "give every file the same columns");
                }
                int src = r.sources.size();
                r.sources.add(file);
                r.imageColumns.add(image.name());
                List<String> exprs = new ArrayList<>();
                exprs.add(HubDatasetLayout.quote(image.name()) + ".bytes IS NULL");
                labelColumns.forEach(c -> exprs.add(HubDatasetLayout.quote(c.name())));
                ParquetTables.read(file, exprs, (row, rs) -> {
                    String at = layout.rel(file) + " row " + row;
                    try {
                        if (rs.getBoolean(1)) {
                            throw new GraftException(at + " has no image bytes in column '" + image.name() + "'", "give every row its image's bytes");
                        }
                        Object[] v = new Object[labelColumns.size()];
                        for (int c = 0; c < v.length; c++) {
                            v[c] = rs.getObject(c + 2);
                            String column = labelColumns.get(c).name();
                            List<String> names = layout.declaredClassNames(column);
                            if (v[c] != null && names != null && !HubDatasetLayout.isDeclared(v[c], names)) {
                                throw HubDatasetLayout.outsideClassNames(at, v[c], column, names, true);
                            }
                        }
                        r.add(src, row, "");
                        r.values.add(v);
                    } catch (GraftException e) {
                        bad.skip(e);
                    }
                });
            }
            int[] index = new int[r.labels.size()];
            int[] kept = new int[index.length];
            ImageData d = images(layout.name() + "/" + sf.split().id(), r, index, List.of("row"), sf.format(), kept);
            Object[][] values = new Object[labelColumns.size()][d.size()];
            for (int k = 0; k < d.size(); k++) {
                for (int c = 0; c < values.length; c++) {
                    values[c][k] = r.values.get(kept[k])[c];
                }
            }
            out.put(sf.split(), new HubDatasetLayout.ColumnImages(d, labelColumns, values));
        }
        bad.report();
        return out;
    }

    /** Every split as images (the repository's splits; validation and test are carved by the caller). */
    Map<Split, ImageData> read() {
        Map<Split, Rows> rows = new EnumMap<>(Split.class);
        String labelColumn = null;
        for (SplitFiles sf : layout.splits().values()) {
            Rows r = new Rows();
            switch (sf.format()) {
                case PARQUET -> labelColumn = parquetLabels(sf, r);
                case IMAGE_FOLDER -> labelColumn = folderLabels(sf, r);
                default -> throw new GraftException("data set " + layout.name() + " holds " + sf.format().name().toLowerCase(java.util.Locale.ROOT)
                        + " files (" + layout.rel(sf.files().get(0)) + "), not images", "train a text model on it (text-finetune --data "
                        + spec.text() + "), or publish images as Parquet or image folders");
            }
            rows.put(sf.split(), r);
        }
        Map<Split, List<String>> labels = new EnumMap<>(Split.class);
        rows.forEach((s, r) -> labels.put(s, r.labels));
        Rows train = rows.get(Split.TRAIN);
        if (train.labels.isEmpty()) {
            bad.report();
            throw new GraftException("data set " + layout.name() + " has no usable train rows", "check the data set (bad rows are listed above)");
        }
        List<String> names = layout.classNames(labelColumn, labels, train.sources.get(train.source[0]));
        Map<Split, ImageData> out = new EnumMap<>(Split.class);
        for (Map.Entry<Split, Rows> e : rows.entrySet()) {
            Rows r = e.getValue();
            int[] index = layout.indices(labelColumn, names, r.labels, i -> where(r, i), bad);
            out.put(e.getKey(), images(layout.name() + "/" + e.getKey().id(), r, index, names, layout.splits().get(e.getKey()).format(), null));
        }
        bad.report();
        return out;
    }

    private String where(Rows r, int i) {
        Path p = r.sources.get(r.source[i]);
        return r.rows[i] < 0 ? layout.rel(p) : layout.rel(p) + " row " + r.rows[i];
    }

    private String intern(String s) {
        return interned.computeIfAbsent(s, k -> k);
    }

    // ------------------------------------------------------------------ pass 1: labels

    private String parquetLabels(SplitFiles sf, Rows r) {
        String labelColumn = null;
        for (Path file : sf.files()) {
            List<ParquetTables.Column> cols = ParquetTables.columns(file);
            ParquetTables.Column image = layout.column(cols, cols, spec.imageColumn(), "image", file, ParquetTables.Column::isImage,
                    HubDatasetLayout.IMAGE_NAMES, "(a struct of bytes and path, as Hugging Face writes an Image feature)");
            ParquetTables.Column label = layout.labelColumn(cols, spec, file, image.name());
            labelColumn = label.name();
            int src = r.sources.size();
            r.sources.add(file);
            r.imageColumns.add(image.name());
            ParquetTables.read(file, List.of(HubDatasetLayout.quote(label.name()), HubDatasetLayout.quote(image.name()) + ".bytes IS NULL"), (row, rs) -> {
                String at = layout.rel(file) + " row " + row;
                try {
                    if (rs.getBoolean(2)) {
                        throw new GraftException(at + " has no image bytes in column '" + image.name() + "'", "give every row its image's bytes");
                    }
                    r.add(src, row, intern(HubDatasetLayout.labelText(rs.getObject(1), at, label.name())));
                } catch (GraftException e) {
                    bad.skip(e);
                }
            });
        }
        return labelColumn;
    }

    private String folderLabels(SplitFiles sf, Rows r) {
        Path dir = sf.files().get(0);
        Path meta = Files.isRegularFile(dir.resolve("metadata.csv")) ? dir.resolve("metadata.csv")
                : Files.isRegularFile(dir.resolve("metadata.jsonl")) ? dir.resolve("metadata.jsonl") : null;
        if (meta == null) {
            for (String c : ImageFolder.classFolders(dir)) {
                for (Path p : ImageFolder.imagesIn(dir.resolve(c))) {
                    r.add(r.sources.size(), -1, intern(c));
                    r.sources.add(p);
                }
            }
            if (r.labels.isEmpty()) {
                throw new GraftException("image folder " + layout.rel(dir) + " holds no images", "put them in one folder per class");
            }
            return "label";
        }
        List<HubDatasetLayout.Row> rows = HubDatasetLayout.rows(meta, meta.toString().endsWith(".csv") ? HubDatasetLayout.Format.CSV
                : HubDatasetLayout.Format.JSONL);
        String label = spec.label();
        if (label == null && !rows.isEmpty()) {
            label = rows.get(0).values().keySet().stream().filter(k -> HubDatasetLayout.LABEL_NAMES.contains(k.toLowerCase(java.util.Locale.ROOT)))
                    .findFirst().orElse(rows.get(0).values().keySet().stream().filter(k -> !k.equals("file_name")).findFirst().orElse(null));
        }
        for (HubDatasetLayout.Row row : rows) {
            String at = layout.rel(meta) + " row " + row.row();
            try {
                Object f = row.values().get("file_name");
                if (f == null) {
                    throw new GraftException(at + " has no file_name", "give every row the image's file_name, relative to " + layout.rel(meta));
                }
                Path p = dir.resolve(f.toString()).normalize();
                if (!p.startsWith(dir) || !Files.isRegularFile(p)) {
                    throw new GraftException(at + " names " + f + ", which the repository does not hold", "file_name is relative to " + layout.rel(dir));
                }
                if (label == null || !row.values().containsKey(label)) {
                    throw new GraftException(at + " has no label column" + (label == null ? "" : " '" + label + "'"),
                            "give metadata a label column, or name it with ?label=COLUMN");
                }
                String text = intern(HubDatasetLayout.labelText(row.values().get(label), at, label));
                r.add(r.sources.size(), -1, text);
                r.sources.add(p);
            } catch (GraftException e) {
                bad.skip(e);
            }
        }
        return label;
    }

    // ------------------------------------------------------------------ pass 2: images

    /** The images of the rows {@code index} keeps; {@code rowOf} (when not null) gets each image's row in {@code r}. */
    private ImageData images(String name, Rows r, int[] index, List<String> names, HubDatasetLayout.Format format, int[] rowOf) {
        int kept = (int) Arrays.stream(index).filter(i -> i >= 0).count();
        int[] size = spec.size();
        ImageStack.Builder b = new ImageStack.Builder(name, kept, size, spec.text() + "?size=HxW");
        int[] labels = new int[kept];
        try (Progress progress = Progress.start("reading " + name, kept, "img")) {
            if (format == HubDatasetLayout.Format.PARQUET) {
                int[] next = {0};
                for (int src = 0; src < r.sources.size(); src++) {
                    Path file = r.sources.get(src);
                    int fileIndex = src;
                    ParquetTables.read(file, List.of(HubDatasetLayout.quote(r.imageColumns.get(src)) + ".bytes"), (row, rs) -> {
                        int i = next[0];
                        if (i >= index.length || r.source[i] != fileIndex || r.rows[i] != row) {
                            return; // a row the first pass left out
                        }
                        next[0]++;
                        if (index[i] < 0) {
                            return;
                        }
                        String at = layout.rel(file) + " row " + row;
                        add(b, labels, index[i], () -> ImageFiles.read(ParquetTables.bytes(rs, 1), at, size == null ? 0 : size[0], size == null ? 0 : size[1]), at, rowOf, i);
                        progress.step(1);
                    });
                }
            } else {
                for (int i = 0; i < index.length; i++) {
                    if (index[i] >= 0) {
                        Path p = r.sources.get(r.source[i]);
                        add(b, labels, index[i], () -> size != null ? ImageFiles.read(p, size[0], size[1]) : ImageFiles.read(p), layout.rel(p), rowOf, i);
                        progress.step(1);
                    }
                }
            }
        }
        if (b.size() == 0) {
            bad.report();
            throw new GraftException("data set " + name + " has no usable images", "check the data set (bad rows are listed above)");
        }
        return b.build(b.size() == kept ? labels : Arrays.copyOf(labels, b.size()), names);
    }

    /** What makes one image; may throw a {@link GraftException} (or a SQL error reading its bytes). */
    @FunctionalInterface
    private interface ImageSource {
        Pixels get() throws java.sql.SQLException;
    }

    private void add(ImageStack.Builder b, int[] labels, int label, ImageSource image, String where, int[] kept, int row) {
        try {
            int n = b.size();
            b.add(image.get(), where);
            labels[n] = label;
            if (kept != null) {
                kept[n] = row;
            }
        } catch (GraftException e) {
            bad.skip(e);
        } catch (java.sql.SQLException e) {
            throw new GraftException(where + " cannot be read: " + e.getMessage(), "pull the data set again");
        }
    }
}
