package dev.graft.data.io;

import dev.graft.GraftException;
import dev.graft.data.Pixels;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads image files into {@link Pixels} and writes {@link Pixels} as PNG, with Java's ImageIO
 * (PNG, JPEG, BMP, GIF). Every image Graft reads goes through {@link #decode}, which checks the
 * header's dimensions against {@link #maxPixels()} before decoding.
 *
 * <pre>{@code
 * Pixels p = ImageFiles.read(Path.of("cat.jpg"));          // 3 x H x W in [0, 1]
 * Pixels q = ImageFiles.read(Path.of("huge.png"), 224, 224); // decoded subsampled, >= 448 x 448
 * ImageFiles.writePng(p, 8, Path.of("big.png"));          // each pixel as an 8x8 block
 * }</pre>
 */
public final class ImageFiles {
    private ImageFiles() {}

    /** The system property that sets {@link #maxPixels()}. */
    public static final String MAX_PIXELS_PROPERTY = "graft.image.max-pixels";
    /** The environment variable that sets {@link #maxPixels()} when the property is not set. */
    public static final String MAX_PIXELS_ENV = "GRAFT_MAX_IMAGE_PIXELS";
    /**
     * The default limit, 89,478,485 pixels: Pillow's {@code MAX_IMAGE_PIXELS} (Pillow warns above it and
     * refuses above twice that). Decoded as RGB floats such an image takes about 1 GiB.
     */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

    /**
     * The most pixels (width x height, as the file's header states them) an image may have before
     * it is decoded: {@value #MAX_PIXELS_PROPERTY} system property, else {@value #MAX_PIXELS_ENV},
     * else {@link #DEFAULT_MAX_PIXELS}. A small file can claim a huge image (a decompression bomb),
     * so the header is checked before any pixel is decoded.
     */
    public static long maxPixels() {
        String v = System.getProperty(MAX_PIXELS_PROPERTY);
        String from = "-D" + MAX_PIXELS_PROPERTY;
        if (v == null || v.isBlank()) {
            v = System.getenv(MAX_PIXELS_ENV);
            from = MAX_PIXELS_ENV;
        }
        if (v == null || v.isBlank()) {
            return DEFAULT_MAX_PIXELS;
        }
        try {
            long n = Long.parseLong(v.trim().replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new GraftException(from + "=" + v + " is not a positive number of pixels", "e.g. " + MAX_PIXELS_ENV + "=" + DEFAULT_MAX_PIXELS);
    }

    /**
     * Reads an image: one channel if it is stored as grayscale, otherwise three (RGB; alpha is
     * dropped). Values are scaled to [0, 1]. Images over {@link #maxPixels()} are refused.
     */
    public static Pixels read(Path file) {
        return read(file, 0, 0);
    }

    /**
     * Reads an image that will be resized to {@code height x width}: a much larger image is decoded
     * subsampled (every k-th row and column, keeping at least twice the target size so the resize
     * still averages), which saves the memory and time of the full decode.
     *
     * @param height the size the caller needs (0 = full resolution)
     * @param width the size the caller needs (0 = full resolution)
     */
    public static Pixels read(Path file, int height, int width) {
        if (!Files.isRegularFile(file)) {
            throw new GraftException("image " + file + " is missing", "check the path");
        }
        return toPixels(decode(file.toFile(), file.toString(), height, width));
    }

    /**
     * The one place Graft decodes image files: reads the dimensions from the header, refuses an
     * image over {@link #maxPixels()} before decoding it, and decodes a large one subsampled to at
     * least {@code 2 x height} by {@code 2 x width} (0 = full resolution).
     */
    public static BufferedImage decode(Path file, int height, int width) {
        if (!Files.isRegularFile(file)) {
            throw new GraftException("image " + file + " is missing", "check the path");
        }
        return decode(file.toFile(), file.toString(), height, width).image();
    }

    /** PNG text keyword of a 16-bit gray image whose values are whole numbers of 1/L: its L (see {@link #png}). */
    static final String LEVELS_KEY = "Graft-Levels";

    /** A decoded image and, for a 16-bit gray PNG written by {@link #png}, the number of levels its values take (else 0). */
    private record Decoded(BufferedImage image, int levels) {}

    /**
     * Reads an image held in memory (e.g. the PNG bytes of a Parquet image column) as {@link #read(Path, int, int)}
     * reads a file; {@code where} names it in errors (e.g. {@code FILE row 12}).
     */
    public static Pixels read(byte[] bytes, String where, int height, int width) {
        return toPixels(decode(new java.io.ByteArrayInputStream(bytes), where, height, width));
    }

    private static Decoded decode(Object source, String file, int height, int width) {
        ImageReader reader = null;
        try (ImageInputStream in = ImageIO.createImageInputStream(source)) {
            if (in == null) {
                throw new GraftException("cannot open image " + file, "check the path and permissions");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new GraftException("image " + file + " is not in a format Java can read", "use PNG, JPEG, BMP or GIF files");
            }
            reader = readers.next();
            reader.setInput(in, true, false);
            long w = reader.getWidth(0);
            long h = reader.getHeight(0);
            long limit = maxPixels();
            if (w <= 0 || h <= 0) {
                throw new GraftException("image " + file + " claims a size of " + w + "x" + h, "replace or remove the damaged file");
            }
            if (w * h > limit) {
                throw new GraftException(String.format(Locale.ROOT, "image %s is %dx%d = %,d pixels, over the limit of %,d", file, w, h,
                        w * h, limit), "shrink the image, or raise the limit with " + MAX_PIXELS_ENV + " (or -D" + MAX_PIXELS_PROPERTY + ")");
            }
            ImageReadParam param = reader.getDefaultReadParam();
            int step = subsampling(w, h, height, width);
            if (step > 1) {
                param.setSourceSubsampling(step, step, 0, 0);
            }
            BufferedImage img = reader.read(0, param);
            return new Decoded(img, step == 1 ? levels(reader) : 0);
        } catch (IOException | RuntimeException e) {
            if (e instanceof GraftException g) {
                throw g;
            }
            throw new GraftException("image " + file + " cannot be decoded: " + e.getMessage(), "replace or remove the damaged file");
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
    }

    /** Rows and columns skipped per decoded one: the largest step that keeps 2x the target size, at least 1. */
    static int subsampling(long w, long h, int height, int width) {
        if (height <= 0 || width <= 0) {
            return 1;
        }
        return (int) Math.max(1, Math.min(w / (2L * width), h / (2L * height)));
    }

    private static int levels(ImageReader reader) throws IOException {
        javax.imageio.metadata.IIOMetadata meta = reader.getImageMetadata(0);
        if (meta == null || !java.util.Arrays.asList(meta.getMetadataFormatNames()).contains("javax_imageio_png_1.0")) {
            return 0;
        }
        org.w3c.dom.NodeList entries = ((org.w3c.dom.Element) meta.getAsTree("javax_imageio_png_1.0")).getElementsByTagName("tEXtEntry");
        for (int i = 0; i < entries.getLength(); i++) {
            org.w3c.dom.Element e = (org.w3c.dom.Element) entries.item(i);
            if (LEVELS_KEY.equals(e.getAttribute("keyword"))) {
                try {
                    int l = Integer.parseInt(e.getAttribute("value").trim());
                    return l > 0 && l < 65535 ? l : 0;
                } catch (NumberFormatException x) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private static Pixels toPixels(Decoded d) {
        BufferedImage img = d.image();
        int w = img.getWidth();
        int h = img.getHeight();
        boolean gray = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && img.getColorModel().getNumColorComponents() == 1;
        if (gray) {
            // Read the raster directly: getRGB would pass gray values through a gamma conversion.
            Raster r = img.getRaster();
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            int levels = max == 65535 ? d.levels() : 0;
            float[] v = new float[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // a value j/L written as 16 bits reads back as exactly j/L, as (float) (j / (double) L)
                    v[y * w + x] = levels > 0 ? (float) (Math.round(r.getSample(x, y, 0) * (double) levels / 65535.0) / (double) levels)
                            : r.getSample(x, y, 0) / max;
                }
            }
            return new Pixels(1, h, w, v);
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] v = new float[3 * h * w];
        int plane = h * w;
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            v[i] = ((p >> 16) & 0xff) / 255f;
            v[plane + i] = ((p >> 8) & 0xff) / 255f;
            v[2 * plane + i] = (p & 0xff) / 255f;
        }
        return new Pixels(3, h, w, v);
    }

    /**
     * Writes a 1- or 3-channel image with values in [0, 1] (clamped) as PNG, each pixel drawn as a
     * {@code scale x scale} block so small images are visible.
     */
    public static void writePng(Pixels p, int scale, Path out) {
        BufferedImage img = image(p, scale);
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(img, "png", out.toFile())) {
                throw new GraftException("no PNG writer is available", "use a full JDK");
            }
        } catch (IOException e) {
            throw new GraftException("cannot write " + out + ": " + e.getMessage(), "check the path and permissions");
        }
    }

    /**
     * One image as PNG bytes, one pixel per pixel: 8 bits per channel when every value is a whole
     * number of 255ths (so it reads back exactly), otherwise a gray image is written with 16 bits
     * (e.g. the 17 levels of the digits data set, which 8 bits cannot hold exactly). When its values
     * are whole numbers of 1/L (L up to 4096, e.g. 16 for digits) a {@code Graft-Levels: L} text chunk
     * says so, and {@link #read(byte[], String, int, int)} gives back exactly those values; any other
     * PNG reader sees an ordinary 16-bit gray image.
     */
    public static byte[] png(Pixels p) {
        BufferedImage img = image(p, 1);
        int levels = 0;
        if (p.channels() == 1 && !exactIn8Bits(p.values())) {
            img = new BufferedImage(p.width(), p.height(), BufferedImage.TYPE_USHORT_GRAY);
            for (int y = 0; y < p.height(); y++) {
                for (int x = 0; x < p.width(); x++) {
                    img.getRaster().setSample(x, y, 0, Math.round(Math.max(0f, Math.min(1f, p.get(0, y, x))) * 65535f));
                }
            }
            levels = levels(p.values());
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
            javax.imageio.ImageTypeSpecifier type = javax.imageio.ImageTypeSpecifier.createFromRenderedImage(img);
            javax.imageio.metadata.IIOMetadata meta = writer.getDefaultImageMetadata(type, null);
            if (levels > 0) {
                javax.imageio.metadata.IIOMetadataNode entry = new javax.imageio.metadata.IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", LEVELS_KEY);
                entry.setAttribute("value", Integer.toString(levels));
                javax.imageio.metadata.IIOMetadataNode text = new javax.imageio.metadata.IIOMetadataNode("tEXt");
                text.appendChild(entry);
                javax.imageio.metadata.IIOMetadataNode root = new javax.imageio.metadata.IIOMetadataNode("javax_imageio_png_1.0");
                root.appendChild(text);
                meta.mergeTree("javax_imageio_png_1.0", root);
            }
            writer.setOutput(ios);
            writer.write(new javax.imageio.IIOImage(img, null, meta));
            writer.dispose();
        } catch (IOException | java.util.NoSuchElementException e) {
            throw new GraftException("cannot encode an image as PNG: " + e.getMessage(), "use a full JDK");
        }
        return out.toByteArray();
    }

    /** The smallest L up to 4096 with every value a whole number of 1/L (as a float), or 0. */
    private static int levels(float[] values) {
        for (int l = 2; l <= 4096; l++) {
            boolean all = true;
            for (float v : values) {
                if ((float) (Math.round(v * (double) l) / (double) l) != v) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return l;
            }
        }
        return 0;
    }

    private static boolean exactIn8Bits(float[] values) {
        for (float v : values) {
            if (Math.round(v * 255f) / 255f != v) {
                return false;
            }
        }
        return true;
    }

    private static BufferedImage image(Pixels p, int scale) {
        if (p.channels() != 1 && p.channels() != 3) {
            throw new GraftException("cannot write a " + p.channels() + "-channel image as PNG", "only 1 (gray) or 3 (RGB) channels");
        }
        if (scale < 1) {
            throw new GraftException("scale " + scale + " is not positive", "use 1 or more");
        }
        int w = p.width() * scale;
        int h = p.height() * scale;
        BufferedImage img = new BufferedImage(w, h, p.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sy = y / scale;
                int sx = x / scale;
                if (p.channels() == 1) {
                    img.getRaster().setSample(x, y, 0, toByte(p.get(0, sy, sx)));
                } else {
                    img.setRGB(x, y, (toByte(p.get(0, sy, sx)) << 16) | (toByte(p.get(1, sy, sx)) << 8) | toByte(p.get(2, sy, sx)));
                }
            }
        }
        return img;
    }

    private static int toByte(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
    }
}
