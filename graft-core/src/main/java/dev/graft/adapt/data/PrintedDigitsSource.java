package dev.graft.adapt.data;

import dev.graft.GraftException;
import dev.graft.data.DataSplits;
import dev.graft.data.ImageData;
import dev.graft.progress.Output;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code printed-digits}: a SynDigits-like domain (Ganin and Lempitsky, 2015) of digits 0-9 rendered
 * with Java2D from the fonts installed on the system (Debian {@code fonts-dejavu-core},
 * {@code fonts-noto-core}, {@code fonts-urw-base35}, {@code fonts-bwht}), light on dark like MNIST,
 * 28x28 gray. Each image draws a font, size, rotation, horizontal stretch, stroke width, position,
 * foreground and background level and pixel noise from a fixed-seed generator. Fonts whose digit
 * shapes repeat another font's are dropped, so every font adds a new design. 25,000 training and
 * 5,000 test images, balanced over the classes; the list of fonts used is saved as {@code fonts.txt}.
 *
 * <pre>{@code
 * DataSplits printed = Datasets.load("printed-digits", 42);
 * }</pre>
 */
public final class PrintedDigitsSource extends GeneratedSource {
    /** Where Debian installs fonts. */
    public static final Path SYSTEM_FONTS = Path.of("/usr/share/fonts");
    private static final long GENERATION_SEED = 20_150_000L;
    private static final List<String> CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final String DIGITS = "0123456789";
    // Symbol fonts map digit code points to pictures.
    private static final Set<String> SKIP = Set.of("dingbat", "symbol", "d050000l", "emoji", "braille", "music", "math");

    private final Path fontsRoot;
    private final int trainSize;
    private final int testSize;

    /** The built-in source: system fonts, 25,000 + 5,000 images. */
    public PrintedDigitsSource() {
        this("printed-digits", SYSTEM_FONTS, 25_000, 5_000);
    }

    /** A source over other fonts or sizes (tests use a small one). */
    public PrintedDigitsSource(String name, Path fontsRoot, int trainSize, int testSize) {
        super(name);
        this.fontsRoot = fontsRoot;
        this.trainSize = trainSize;
        this.testSize = testSize;
    }

    @Override
    public String description() {
        return "digits 0-9 rendered from system fonts (SynDigits-like), 28x28 gray, 10 classes, "
                + trainSize + " train + " + testSize + " test (generated)";
    }

    @Override
    protected Generated generate(Path d) {
        List<Font> fonts = usableFonts(fontsRoot);
        if (fonts.size() < 3) {
            throw new GraftException("only " + fonts.size() + " fonts with distinct digits found under " + fontsRoot,
                    "install fonts: apt-get install fonts-dejavu-core fonts-noto-core fonts-urw-base35 fonts-bwht");
        }
        Output.note("generating " + name + ": rendering " + (trainSize + testSize) + " digits from " + fonts.size() + " fonts");
        SplittableRandom rng = new SplittableRandom(GENERATION_SEED);
        ImageData train = render(name + "-train", fonts, trainSize, rng);
        ImageData test = render(name + "-test", fonts, testSize, rng);
        List<String> fontNames = fonts.stream().map(Font::getFontName).toList();
        try {
            Files.write(d.resolve("fonts.txt"), fontNames);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Generated(train, test);
    }

    /** Fonts under {@code root} (sorted by path) that draw all ten digits, one per distinct digit design. */
    static List<Font> usableFonts(Path root) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).filter(p -> {
                String f = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return f.endsWith(".ttf") || f.endsWith(".otf") || f.endsWith(".ttc") || f.endsWith(".pfb") || f.endsWith(".t1");
            }).sorted().toList();
        } catch (IOException e) {
            throw new GraftException("cannot list fonts under " + root + ": " + e.getMessage(),
                    "install fonts: apt-get install fonts-dejavu-core fonts-noto-core fonts-urw-base35 fonts-bwht", e);
        }
        List<Font> out = new ArrayList<>();
        Set<String> designs = new HashSet<>();
        for (Path file : files) {
            String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (SKIP.stream().anyMatch(lower::contains)) {
                continue;
            }
            for (Font font : load(file)) {
                String fam = font.getFamily(Locale.ROOT).toLowerCase(Locale.ROOT);
                if (SKIP.stream().anyMatch(fam::contains) || font.canDisplayUpTo(DIGITS) != -1) {
                    continue;
                }
                String design = designSignature(font);
                if (design != null && designs.add(design)) {
                    out.add(font);
                }
            }
        }
        return out;
    }

    private static Font[] load(Path file) {
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (lower.endsWith(".pfb") || lower.endsWith(".t1")) {
                return new Font[] {Font.createFont(Font.TYPE1_FONT, file.toFile())};
            }
            return Font.createFonts(file.toFile());
        } catch (FontFormatException | IOException | RuntimeException e) {
            return new Font[0]; // a format Java2D cannot read (some CFF flavours); other fonts cover it
        }
    }

    /**
     * A coarse picture of the ten digits (each outline rasterised to 12x12 and thresholded); equal
     * signatures mean the same digit design. Null when a digit has no outline or all digits look alike.
     */
    private static String designSignature(Font font) {
        FontRenderContext frc = new FontRenderContext(null, true, true);
        Font f = font.deriveFont(Font.PLAIN, 40f);
        StringBuilder sig = new StringBuilder();
        Set<String> perDigit = new HashSet<>();
        for (char c : DIGITS.toCharArray()) {
            Shape outline = f.createGlyphVector(frc, String.valueOf(c)).getOutline();
            Rectangle2D b = outline.getBounds2D();
            if (b.getWidth() < 1 || b.getHeight() < 1) {
                return null;
            }
            BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
            Graphics2D g = img.createGraphics();
            double s = 11.0 / Math.max(b.getWidth(), b.getHeight());
            g.scale(s, s);
            g.translate(-b.getX(), -b.getY());
            g.setColor(Color.WHITE);
            g.fill(outline);
            g.dispose();
            StringBuilder d = new StringBuilder();
            for (int y = 0; y < 12; y++) {
                for (int x = 0; x < 12; x++) {
                    d.append((img.getRaster().getSample(x, y, 0) > 127) ? '1' : '0');
                }
            }
            perDigit.add(d.toString());
            sig.append(d);
        }
        return perDigit.size() < 8 ? null : sig.toString();
    }

    static ImageData render(String name, List<Font> fonts, int n, SplittableRandom rng) {
        float[] px = new float[n * 784];
        int[] labels = new int[n];
        FontRenderContext frc = new FontRenderContext(null, true, true);
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < n; i++) {
            int digit = i % 10;
            labels[i] = digit;
            Font font = fonts.get(rng.nextInt(fonts.size()));
            int style = rng.nextDouble() < 0.3 ? Font.BOLD : Font.PLAIN;
            if (rng.nextDouble() < 0.2) {
                style |= Font.ITALIC;
            }
            Shape outline = font.deriveFont(style, 40f).createGlyphVector(frc, String.valueOf(digit)).getOutline();
            Rectangle2D b = outline.getBounds2D();
            double height = 15 + rng.nextDouble() * 8;            // digit height in pixels, as MNIST's 20-pixel box give or take
            double scale = height / b.getHeight();
            double stretch = 0.8 + rng.nextDouble() * 0.4;
            double angle = Math.toRadians(-15 + rng.nextDouble() * 30);
            double dx = -2.5 + rng.nextDouble() * 5;
            double dy = -2.5 + rng.nextDouble() * 5;
            float background = (float) (rng.nextDouble() * 0.25);
            float foreground = (float) (0.65 + rng.nextDouble() * 0.35);
            float stroke = (float) (rng.nextDouble() < 0.5 ? 0 : 0.5 + rng.nextDouble() * 1.5);
            double noise = rng.nextDouble() * 0.06;

            Graphics2D g = img.createGraphics();
            g.setColor(new Color(background, background, background));
            g.fillRect(0, 0, 28, 28);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            AffineTransform t = new AffineTransform();
            t.translate(14 + dx, 14 + dy);
            t.rotate(angle);
            t.scale(scale * stretch, scale);
            t.translate(-b.getCenterX(), -b.getCenterY());
            Shape placed = t.createTransformedShape(outline);
            g.setColor(new Color(foreground, foreground, foreground));
            g.fill(placed);
            if (stroke > 0) {
                g.setStroke(new BasicStroke(stroke, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(placed);
            }
            g.dispose();
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    float v = img.getRaster().getSample(x, y, 0) / 255f + (float) (noise * gaussian(rng));
                    px[i * 784 + y * 28 + x] = Math.max(0f, Math.min(1f, v));
                }
            }
        }
        return new ImageData(name, CLASSES, 1, 28, 28, px, labels);
    }

    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
