package dev.graft.data;

import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What a data-set argument names: a built-in data set ({@code mnist}) or the user's own data as
 * {@code KIND:PATH[?key=value&...]}:
 * <ul>
 *   <li>{@code folder:DIR} images in {@code DIR/<class>/} (optional {@code train/} and {@code test/});
 *       options {@code size=HxW} (resize on load), {@code test}, {@code val};
 *   <li>{@code idx:DIR} MNIST-style IDX files {@code train-images*}, {@code train-labels*},
 *       {@code t10k-*} or {@code test-*} (raw or .gz), class names from {@code classes.txt};
 *       options {@code test}, {@code val};
 *   <li>{@code csv:FILE} label + pixel columns or path,label rows; options {@code label},
 *       {@code shape=CxHxW}, {@code max}, {@code size=HxW}, {@code header=true|false}, {@code max-classes=N}, {@code test}, {@code val};
 *   <li>{@code hf-hub:datasets/owner/name[@revision]} a data set repository on the hub, laid out as
 *       Hugging Face's (see {@link HubDatasetLayout}); options {@code size}, {@code test}, {@code val},
 *       {@code label}, {@code image}, {@code text} (column names), {@code skip-bad=true} (see {@link BadRows}).
 * </ul>
 * {@code test} is the fraction held out as test when the data has no test split (default 0.2,
 * always with the fixed seed {@link Splits#FIXED_TEST_SEED}); {@code val} the validation fraction
 * of train (default 0.1, with the run's seed).
 *
 * <pre>{@code
 * DataSpec s = DataSpec.parse("folder:/data/photos?size=64x64&test=0.25");
 * s.kind();            // FOLDER
 * s.size();            // [64, 64]
 * }</pre>
 *
 * @param kind what the spec names
 * @param text the spec as given
 * @param path the file or folder of user data (null for built-ins)
 * @param options key=value options, in order
 */
public record DataSpec(Kind kind, String text, Path path, Map<String, String> options) {
    /** The kinds of data-set argument. */
    public enum Kind {
        BUILTIN(Set.of()),
        FOLDER(Set.of("size", "test", "val")),
        IDX(Set.of("test", "val")),
        CSV(Set.of("label", "shape", "max", "size", "header", "test", "val", "max-classes")),
        HUB(Set.of("size", "test", "val", "label", "image", "text", "skip-bad"));

        private final Set<String> keys;

        Kind(Set<String> keys) {
            this.keys = keys;
        }

        /** The option keys this kind accepts. */
        public Set<String> keys() {
            return keys;
        }

        /** The prefix users type, e.g. {@code folder}. */
        public String prefix() {
            return this == HUB ? "hf-hub" : name().toLowerCase(Locale.ROOT);
        }
    }

    /** The prefixes of user data, as typed. */
    public static final List<String> PREFIXES = List.of("folder:", "idx:", "csv:");

    /** How a data set repository on the hub is written: {@code hf-hub:datasets/owner/name[@revision]}. */
    public static final String HUB_PREFIX = "hf-hub:";

    private static final String HUB_DATASETS = "datasets/";

    /**
     * Column names for the data arguments that name none themselves, as {@code graft --text-column},
     * {@code --label-column} and {@code --image-column} give them: text and image columns of hub data
     * sets, the label column of hub and {@code csv:} data. A null column is found by name and type.
     *
     * @param text the text column, or null
     * @param label the label column, or null
     * @param image the image column, or null
     */
    public record Columns(String text, String label, String image) {
        /** Every column found by name and type. */
        public static final Columns FOUND = new Columns(null, null, null);
    }

    private static volatile Columns defaultColumns = Columns.FOUND;

    public DataSpec {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** Sets the columns of data arguments that name none ({@code null}: find them all). */
    public static void defaultColumns(Columns columns) {
        defaultColumns = columns == null ? Columns.FOUND : columns;
    }

    /** The columns of data arguments that name none. */
    public static Columns defaultColumns() {
        return defaultColumns;
    }

    /** Parses a data-set argument; a bad prefix or option is an error that lists the valid ones. */
    public static DataSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw DataException.noDataGiven(String.join("DIR, ", PREFIXES) + "FILE");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new DataSpec(Kind.BUILTIN, text, null, Map.of());
        }
        String prefix = text.substring(0, colon).toLowerCase(Locale.ROOT);
        Kind kind = switch (prefix) {
            case "folder" -> Kind.FOLDER;
            case "idx" -> Kind.IDX;
            case "csv" -> Kind.CSV;
            case "hf-hub" -> Kind.HUB;
            default -> throw DataException.unknownPrefix(prefix, text, String.join(", ", PREFIXES));
        };
        String rest = text.substring(colon + 1);
        String query = "";
        int q = rest.lastIndexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        if (rest.isBlank()) {
            throw new GraftException("'" + text + "' names no path", "write " + prefix + ":PATH");
        }
        if (kind == Kind.HUB && !rest.startsWith(HUB_DATASETS) || kind == Kind.HUB && rest.substring(HUB_DATASETS.length()).split("/").length != 2) {
            throw new GraftException("'" + text + "' does not name a data set repository",
                    "write hf-hub:datasets/owner/name[@revision] (hf-hub:owner/name is a model)");
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw new GraftException("option '" + pair + "' in '" + text + "' is not key=value", "write e.g. ?test=0.2");
                }
                String key = pair.substring(0, eq).toLowerCase(Locale.ROOT);
                if (!kind.keys().contains(key)) {
                    throw new GraftException("option '" + key + "' does not apply to " + prefix + ": data",
                            "options for " + prefix + ": " + String.join(", ", kind.keys().stream().sorted().toList()));
                }
                options.put(key, pair.substring(eq + 1));
            }
        }
        DataSpec spec = new DataSpec(kind, text, Path.of(rest), options);
        // Parse every typed option now so a typo fails before any loading.
        spec.size();
        spec.shape();
        spec.maxValue();
        spec.header();
        spec.skipBad();
        spec.maxClasses();
        spec.testFraction();
        spec.validationFraction();
        return spec;
    }

    /** For {@code hf-hub:datasets/owner/name[@revision]}: {@code owner/name[@revision]}. */
    public String repo() {
        if (kind != Kind.HUB) {
            throw new IllegalStateException(text + " is not a hub data set");
        }
        return path.toString().replace('\\', '/').substring(HUB_DATASETS.length());
    }

    /** {@code text=COLUMN} (hub data sets: the text column), else {@link #defaultColumns}' text, or null to find it. */
    public String textColumn() {
        return options.getOrDefault("text", kind == Kind.HUB ? defaultColumns.text() : null);
    }

    /** {@code image=COLUMN} (hub data sets: the image column), else {@link #defaultColumns}' image, or null to find it. */
    public String imageColumn() {
        return options.getOrDefault("image", kind == Kind.HUB ? defaultColumns.image() : null);
    }

    /** {@code size=HxW} or {@code size=N} as {H, W}, or null. */
    public int[] size() {
        return dimsOption("size", "HxW", "64x64", d -> new int[] {d[0], d[0]});
    }

    /** {@code shape=CxHxW} or {@code shape=HxW} (one channel) as {C, H, W}, or null. */
    public int[] shape() {
        return dimsOption("shape", "CxHxW", "3x32x32", d -> new int[] {1, d[0], d[1]});
    }

    /**
     * The dimensions option {@code key} in the {@code form} (e.g. {@code CxHxW}), or null when absent;
     * {@code shortForm} completes a value with one dimension fewer.
     */
    private int[] dimsOption(String key, String form, String example, UnaryOperator<int[]> shortForm) {
        String s = options.get(key);
        if (s == null) {
            return null;
        }
        int[] d = dims(key, s);
        int full = form.split("x").length;
        if (d.length == full - 1) {
            return shortForm.apply(d);
        }
        if (d.length != full) {
            throw new GraftException(key + " '" + s + "' in '" + text + "' is not " + form, "write e.g. " + key + "=" + example);
        }
        return d;
    }

    /** {@code max=V}, or null. */
    public Double maxValue() {
        return number("max", null, 0, Double.MAX_VALUE);
    }

    /** {@code header=true|false}, or null (recognise it). */
    public Boolean header() {
        return bool("header");
    }

    /** {@code skip-bad=true|false} (hub data sets: leave bad rows out and report them, see {@link BadRows}), or null for the default. */
    public Boolean skipBad() {
        return bool("skip-bad");
    }

    private Boolean bool(String key) {
        String s = options.get(key);
        if (s == null) {
            return null;
        }
        if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
            throw new GraftException(key + " '" + s + "' in '" + text + "' is not true or false", "write " + key + "=true or " + key + "=false");
        }
        return Boolean.parseBoolean(s);
    }

    /** {@code max-classes=N} (CSV: the most classes accepted), or null for the default. */
    public Integer maxClasses() {
        String s = options.get("max-classes");
        if (s == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(s.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new GraftException("max-classes '" + s + "' in '" + text + "' is not a positive whole number", "write e.g. max-classes=20000");
    }

    /** {@code label=...} (the label column of hub and csv data), else {@link #defaultColumns}' label there, or null. */
    public String label() {
        return options.getOrDefault("label", kind == Kind.HUB || kind == Kind.CSV ? defaultColumns.label() : null);
    }

    /** {@code test=F}: fraction held out as test when the data has no test split. */
    public double testFraction() {
        return number("test", Splits.DEFAULT_TEST_FRACTION, 0, 1);
    }

    /** {@code val=F}: validation fraction of train, or the default. */
    public double validationFraction() {
        return number("val", Splits.DEFAULT_VALIDATION_FRACTION, 0, 1);
    }

    private Double number(String key, Double dflt, double lo, double hi) {
        String s = options.get(key);
        if (s == null) {
            return dflt;
        }
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new GraftException(key + " '" + s + "' in '" + text + "' is not a number", "write e.g. " + key + "=0.2");
        }
        if (!(v >= lo && v < hi) || (key.equals("max") && v <= 0)) {
            throw new GraftException(key + "=" + s + " in '" + text + "' is out of range",
                    key.equals("max") ? "give the positive value that means white, e.g. max=255" : "use a fraction in [0, 1), e.g. 0.2");
        }
        return v;
    }

    private int[] dims(String key, String s) {
        String[] parts = s.toLowerCase(Locale.ROOT).split("x");
        int[] d = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                d[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                d[i] = -1;
            }
            if (d[i] <= 0) {
                throw new GraftException(key + " '" + s + "' in '" + text + "' is not positive whole numbers joined by x",
                        "write e.g. " + key + "=" + (key.equals("shape") ? "1x28x28" : "64x64"));
            }
        }
        return d;
    }
}
