package dev.graft.data.io;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Labelled images from a CSV file (plain or gzip), in one of two layouts:
 * <ul>
 *   <li><b>pixels</b>: one row per image, a label column and {@code C*H*W} pixel values
 *       (channels first), e.g. MNIST-as-CSV or UCI optdigits;
 *   <li><b>paths</b>: two columns, an image path (relative to the CSV's folder) and a label.
 * </ul>
 * A header row is recognised automatically. Labels that are all whole numbers name classes
 * {@code 0..max} when the largest is under 1000 or at least half of {@code 0..max} occur; sparse
 * ones (e.g. {@code 3, 500, 1000000}) become classes {@code 0..n-1} in numeric order, named by the
 * numbers, and a note says so. Other labels are class names, sorted. More than {@link #DEFAULT_MAX_CLASSES}
 * classes are refused unless {@code max-classes} allows them: that many usually means the wrong
 * column is the label.
 *
 * <pre>{@code
 * ImageData d = CsvImages.load(Path.of("digits.csv"), "digits",
 *         new CsvImages.Options("last", new int[] {1, 8, 8}, 16, null, null));
 * }</pre>
 */
public final class CsvImages {
    private CsvImages() {}

    /**
     * How to read the file; null fields take the defaults.
     *
     * @param label the label column: a header name, a 0-based index, {@code first} or {@code last}
     *     (default: the column named {@code label}, else the first)
     * @param shape {C, H, W} of pixel rows (default: one gray square channel)
     * @param maxValue the pixel value that means white (default 255)
     * @param size {H, W} to resize images of a path CSV to on load (default: they must agree)
     * @param header whether the first row is a header (default: recognised)
     * @param maxClasses the most classes accepted (default {@link #DEFAULT_MAX_CLASSES})
     */
    public record Options(String label, int[] shape, Double maxValue, int[] size, Boolean header, Integer maxClasses) {
        /** All defaults. */
        public static final Options DEFAULT = new Options(null, null, null, null, null, null);

        /** Options with the default class limit. */
        public Options(String label, int[] shape, Double maxValue, int[] size, Boolean header) {
            this(label, shape, maxValue, size, header, null);
        }
    }

    /** Whole-number labels below this are always class ids {@code 0..max}; above it only when at least half are used. */
    static final int DENSE_ID_LIMIT = 1000;

    /** The most classes a CSV may have without {@code max-classes}. */
    public static final int DEFAULT_MAX_CLASSES = 10_000;

    /** Reads the CSV; errors name the file, line and column of what is wrong. */
    public static ImageData load(Path file, String name, Options options) {
        Options o = options == null ? Options.DEFAULT : options;
        List<List<String>> rows = readRows(file);
        if (rows.isEmpty()) {
            throw new GraftException("CSV file " + file + " is empty", "give one row per image");
        }
        boolean header = o.header() != null ? o.header() : looksLikeHeader(rows, file);
        List<String> head = header ? rows.get(0) : null;
        int first = header ? 1 : 0;
        if (rows.size() <= first) {
            throw new GraftException("CSV file " + file + " has a header but no rows", "give one row per image");
        }
        int columns = rows.get(first).size();
        int labelCol = labelColumn(o.label(), head, columns, file);
        if (o.label() == null && head == null && columns == 2 && isImagePath(rows.get(0).get(0)) && !isImagePath(rows.get(0).get(1))) {
            labelCol = 1; // path,label without a header
        }
        for (int r = first; r < rows.size(); r++) {
            if (rows.get(r).size() != columns) {
                throw new GraftException("CSV file " + file + " line " + (r + 1) + " has " + rows.get(r).size() + " columns, line "
                        + (first + 1) + " has " + columns, "give every row the same columns; the file may be truncated");
            }
        }
        List<String> labelText = new ArrayList<>();
        for (int r = first; r < rows.size(); r++) {
            String l = rows.get(r).get(labelCol);
            if (l.isEmpty()) {
                throw new GraftException("CSV file " + file + " line " + (r + 1) + " has an empty label", "give every row a label");
            }
            labelText.add(l);
        }
        List<String> classNames = classNames(labelText, file, o.maxClasses() != null ? o.maxClasses() : DEFAULT_MAX_CLASSES);
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        for (int k = 0; k < classNames.size(); k++) {
            index.put(classNames.get(k), k);
        }
        boolean numeric = labelText.stream().allMatch(CsvImages::isWholeNumber);
        int[] labels = new int[labelText.size()];
        for (int i = 0; i < labels.length; i++) {
            // whole numbers are looked up by value, so "007" is class 7
            String l = labelText.get(i);
            labels[i] = index.get(numeric ? Integer.toString(Integer.parseInt(l)) : l);
        }
        int valueCol = labelCol == 0 ? 1 : 0;
        if (columns == 2 && !isNumber(rows.get(first).get(valueCol))) {
            return loadPaths(file, name, rows, first, valueCol, labels, classNames, o.size());
        }
        return loadPixels(file, name, rows, first, labelCol, labels, classNames, o);
    }

    private static ImageData loadPixels(Path file, String name, List<List<String>> rows, int first, int labelCol, int[] labels,
            List<String> classNames, Options o) {
        int values = rows.get(first).size() - 1;
        int[] shape = o.shape();
        if (shape == null) {
            int side = (int) Math.round(Math.sqrt(values));
            if (side * side != values) {
                throw new GraftException("CSV file " + file + " has " + values + " pixel columns, not a square gray image",
                        "give the image shape, e.g. csv:FILE?shape=3x32x32");
            }
            shape = new int[] {1, side, side};
        }
        if (shape.length != 3 || (long) shape[0] * shape[1] * shape[2] != values) {
            throw new GraftException("CSV file " + file + " has " + values + " pixel columns but the shape "
                    + java.util.Arrays.toString(shape) + " needs " + (shape.length == 3 ? (long) shape[0] * shape[1] * shape[2] : "C*H*W"),
                    "give a shape CxHxW whose product is " + values);
        }
        double max = o.maxValue() != null ? o.maxValue() : 255.0;
        if (!(max > 0)) {
            throw new GraftException("max pixel value " + max + " is not positive", "use e.g. max=255");
        }
        int n = rows.size() - first;
        float[] px = new float[n * values];
        for (int r = 0; r < n; r++) {
            List<String> row = rows.get(first + r);
            int k = r * values;
            for (int c = 0; c < row.size(); c++) {
                if (c == labelCol) {
                    continue;
                }
                double v;
                try {
                    v = Double.parseDouble(row.get(c));
                } catch (NumberFormatException e) {
                    throw new GraftException("CSV file " + file + " line " + (first + r + 1) + " column " + (c + 1) + " is '" + row.get(c)
                            + "', not a number", "pixel columns hold numbers");
                }
                if (!(v >= 0 && v <= max)) {
                    throw new GraftException("CSV file " + file + " line " + (first + r + 1) + " column " + (c + 1) + " is " + row.get(c)
                            + ", outside 0.." + fmt(max), "set the value that means white, e.g. csv:FILE?max=" + fmt(Math.max(max, v)));
                }
                px[k++] = (float) (v / max);
            }
        }
        return new ImageData(name, classNames, shape[0], shape[1], shape[2], px, labels);
    }

    private static ImageData loadPaths(Path file, String name, List<List<String>> rows, int first, int pathCol, int[] labels,
            List<String> classNames, int[] size) {
        Path base = file.toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>();
        for (int r = first; r < rows.size(); r++) {
            Path p = base.resolve(rows.get(r).get(pathCol));
            if (!Files.isRegularFile(p)) {
                throw new GraftException("CSV file " + file + " line " + (r + 1) + " names " + p + ", which does not exist",
                        "paths are relative to the CSV's folder");
            }
            files.add(p);
        }
        return ImageStack.read(name, files, labels, classNames, size, "csv:FILE?size=HxW");
    }

    private static List<List<String>> readRows(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (Reader reader = new InputStreamReader(gz ? new GZIPInputStream(raw, 1 << 16) : raw, StandardCharsets.UTF_8);
                    CSVParser parser = CSVFormat.DEFAULT.builder().setTrim(true).setIgnoreEmptyLines(true).get().parse(reader)) {
                List<List<String>> rows = new ArrayList<>();
                for (CSVRecord rec : parser) {
                    rows.add(rec.toList());
                }
                return rows;
            }
        } catch (NoSuchFileException e) {
            throw new GraftException("CSV file " + file + " does not exist", "check the path");
        } catch (java.io.EOFException e) {
            throw new GraftException("CSV file " + file + " is truncated (the gzip stream ends early)", "use a complete copy");
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new GraftException("CSV file " + file + " cannot be parsed: " + e.getMessage(), "check quoting and encoding (UTF-8)");
        }
    }

    private static boolean looksLikeHeader(List<List<String>> rows, Path file) {
        List<String> top = rows.get(0);
        if (top.stream().anyMatch(CsvImages::isNumber)) {
            return false;
        }
        if (top.stream().anyMatch(c -> c.equalsIgnoreCase("label") || c.equalsIgnoreCase("path") || c.equalsIgnoreCase("file"))) {
            return true;
        }
        if (rows.size() < 2) {
            return false;
        }
        List<String> next = rows.get(1);
        for (int c = 0; c < Math.min(top.size(), next.size()); c++) {
            if (isNumber(next.get(c))) {
                return true; // a name above a number
            }
        }
        // path,label rows: a header's cells name no existing file, a data row's do
        Path base = file.toAbsolutePath().getParent();
        boolean topIsFile = top.stream().anyMatch(c -> Files.isRegularFile(base.resolve(c)));
        boolean nextIsFile = next.stream().anyMatch(c -> Files.isRegularFile(base.resolve(c)));
        return !topIsFile && nextIsFile;
    }

    private static int labelColumn(String label, List<String> head, int columns, Path file) {
        if (label == null) {
            if (head != null) {
                for (int c = 0; c < head.size(); c++) {
                    if (head.get(c).equalsIgnoreCase("label")) {
                        return c;
                    }
                }
                if (columns == 2) {
                    for (int c = 0; c < head.size(); c++) {
                        if (head.get(c).equalsIgnoreCase("path") || head.get(c).equalsIgnoreCase("file")) {
                            return 1 - c;
                        }
                    }
                }
            }
            return 0;
        }
        switch (label.toLowerCase(Locale.ROOT)) {
            case "first": return 0;
            case "last": return columns - 1;
            default: break;
        }
        if (label.chars().allMatch(Character::isDigit)) {
            int c = Integer.parseInt(label);
            if (c >= columns) {
                throw new GraftException("label column " + c + " does not exist in " + file + " (" + columns + " columns)",
                        "columns count from 0; use label=last for the last one");
            }
            return c;
        }
        if (head != null && head.contains(label)) {
            return head.indexOf(label);
        }
        throw new GraftException("CSV file " + file + " has no column '" + label + "'",
                head == null ? "the file has no header; give the label column as a number, first or last" : "columns: " + head);
    }

    /** The class names of the labels: 0..max for dense whole numbers, else the distinct labels in order. */
    public static List<String> classNames(List<String> labels, Path file, int maxClasses) {
        List<String> names = new ArrayList<>();
        if (labels.stream().allMatch(CsvImages::isWholeNumber)) {
            TreeSet<Integer> distinct = new TreeSet<>();
            labels.forEach(l -> distinct.add(Integer.parseInt(l)));
            int max = distinct.last();
            // ids below 1000 or mostly used are class ids (unused ones stay, e.g. a class missing from a small file);
            // a few huge ids are names, not ids: 0..1000000 would make a million empty classes
            if (max < DENSE_ID_LIMIT || (long) max + 1 <= 2L * distinct.size()) {
                for (int k = 0; k <= max; k++) {
                    names.add(Integer.toString(k));
                }
            } else {
                distinct.forEach(k -> names.add(Integer.toString(k)));
            }
            checkClassCount(names.size(), distinct.size(), file, maxClasses);
            if (names.size() == distinct.size() && max + 1 != distinct.size()) {
                dev.graft.progress.Output.note(String.format(Locale.ROOT, "%s: the labels %s are sparse; they are classes 0..%d in"
                        + " numeric order (the class names keep the numbers)", file.getFileName(), shortList(names), names.size() - 1));
            }
            return names;
        }
        names.addAll(new TreeSet<>(labels));
        checkClassCount(names.size(), names.size(), file, maxClasses);
        return names;
    }

    private static void checkClassCount(int classes, int distinct, Path file, int maxClasses) {
        if (classes > maxClasses) {
            throw new GraftException(String.format(Locale.ROOT, "CSV file %s has %,d classes (%,d distinct labels), more than %,d",
                    file, classes, distinct, maxClasses), "check the label column (label=NAME|INDEX|first|last); if the classes are"
                    + " right, allow them with ?max-classes=" + classes);
        }
    }

    private static String shortList(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + ", ..., " + String.join(", ", names.subList(names.size() - 2, names.size()));
    }

    private static boolean isImagePath(String s) {
        int dot = s.lastIndexOf('.');
        return dot > 0 && ImageFolder.EXTENSIONS.contains(s.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean isWholeNumber(String s) {
        return !s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit);
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
