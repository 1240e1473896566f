package dev.graft.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.graft.GraftException;
import dev.graft.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Users' own labelled texts: CSV with a header naming {@code text} and {@code label} columns (other
 * columns ignored; RFC 4180 quoting), or JSON Lines with {@code {"text": ..., "label": ...}} per line.
 * Class names are the distinct labels, sorted.
 *
 * <pre>{@code
 * TextData support = TextFiles.read(Path.of("support.csv"));
 * }</pre>
 */
public final class TextFiles {
    private static final CsvMapper CSV = new CsvMapper();

    private TextFiles() {}

    /** A labelled text and where it came from (for error messages). */
    private record Row(String text, String label, int line) {}

    /** Reads a {@code .csv} or {@code .jsonl} file by its extension. */
    public static TextData read(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv")) {
            return readCsv(file);
        }
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return readJsonl(file);
        }
        throw new GraftException("cannot tell the format of " + file, "name it .csv (header text,label) or .jsonl ({\"text\":...,\"label\":...} per line)");
    }

    /** Reads CSV with a header row naming {@code text} and {@code label}. */
    public static TextData readCsv(Path file) {
        requireFile(file);
        List<Row> rows = new ArrayList<>();
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        try (MappingIterator<Map<String, String>> it = CSV.readerFor(Map.class).with(schema).readValues(file.toFile())) {
            boolean checkedHeader = false;
            while (it.hasNextValue()) {
                int line = it.getCurrentLocation().getLineNr();
                Map<String, String> r = it.nextValue();
                if (!checkedHeader) {
                    if (!r.containsKey("text") || !r.containsKey("label")) {
                        throw new GraftException(file + " has columns " + r.keySet() + ", not text and label",
                                "start the file with the header line: text,label");
                    }
                    checkedHeader = true;
                }
                rows.add(new Row(r.get("text"), r.get("label"), line));
            }
        } catch (GraftException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new GraftException("cannot read CSV " + file + ": " + firstLine(e.getMessage()),
                    "check the quoting (fields with commas or quotes go in double quotes, \"\" for a quote)", e);
        }
        return build(file, rows);
    }

    /** Reads JSON Lines, one object with {@code text} and {@code label} per non-blank line. */
    public static TextData readJsonl(Path file) {
        requireFile(file);
        List<Row> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new GraftException(file + " line " + lineNo + " is not JSON: " + firstLine(e.getMessage()),
                            "write one object per line, e.g. {\"text\": \"a cat\", \"label\": \"animal\"}");
                }
                if (node == null || !node.isObject() || !node.hasNonNull("text") || !node.hasNonNull("label")) {
                    throw new GraftException(file + " line " + lineNo + " has no \"text\" and \"label\"",
                            "write one object per line, e.g. {\"text\": \"a cat\", \"label\": \"animal\"}");
                }
                rows.add(new Row(node.get("text").asText(), node.get("label").asText(), lineNo));
            }
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "check the path and permissions", e);
        }
        return build(file, rows);
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new GraftException("no such file: " + file, "check the path");
        }
    }

    private static TextData build(Path file, List<Row> rows) {
        if (rows.isEmpty()) {
            throw new GraftException(file + " has no labelled texts", "add lines of text,label");
        }
        TreeSet<String> classes = new TreeSet<>();
        for (Row r : rows) {
            if (r.text() == null || r.text().isBlank()) {
                throw new GraftException(file + " line " + r.line() + " has an empty text", "give every row a text or remove it");
            }
            if (r.label() == null || r.label().isBlank()) {
                throw new GraftException(file + " line " + r.line() + " has an empty label", "give every row a label");
            }
            classes.add(r.label().strip());
        }
        List<String> names = new ArrayList<>(classes);
        List<String> texts = new ArrayList<>();
        int[] labels = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            texts.add(rows.get(i).text().strip());
            labels[i] = Collections.binarySearch(names, rows.get(i).label().strip());
        }
        return new TextData(file.getFileName().toString(), names, texts, labels);
    }

    /** A source over one file: 20% of each class is test, 10% of the rest validation, drawn with the seed. */
    public static TextSource source(Path file) {
        return new TextSource() {
            @Override
            public String name() {
                return file.toString();
            }

            @Override
            public String description() {
                return "labelled texts from " + file;
            }

            @Override
            public TextSplits load(long seed) {
                return stratifiedSplit(read(file), seed, 0.2, 0.1);
            }
        };
    }

    /** Splits per class: {@code testFraction} to test, then {@code validationFraction} of the rest to validation. */
    public static TextSplits stratifiedSplit(TextData data, long seed, double testFraction, double validationFraction) {
        Random rnd = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int[] idx : data.indicesPerClass()) {
            List<Integer> l = new ArrayList<>();
            for (int i : idx) {
                l.add(i);
            }
            Collections.shuffle(l, rnd);
            int nTest = (int) Math.round(l.size() * testFraction);
            int nVal = (int) Math.round((l.size() - nTest) * validationFraction);
            test.addAll(l.subList(0, nTest));
            val.addAll(l.subList(nTest, nTest + nVal));
            train.addAll(l.subList(nTest + nVal, l.size()));
        }
        return new TextSplits(data.subset(data.name() + "/train", toArray(train)),
                data.subset(data.name() + "/validation", toArray(val)), data.subset(data.name() + "/test", toArray(test)));
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed input";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
