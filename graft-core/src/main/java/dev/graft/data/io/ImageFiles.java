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
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads image files into {@link Pixels} and writes {@link Pixels} as PNG, with Java's ImageIO
 * (PNG, JPEG, BMP, GIF).
 *
 * <pre>{@code
 * Pixels p = ImageFiles.read(Path.of("cat.jpg"));          // 3 x H x W in [0, 1]
 * ImageFiles.writePng(p, 8, Path.of("big.png"));          // each pixel as an 8x8 block
 * }</pre>
 */
public final class ImageFiles {
    /**
     * Largest image read, in pixels (8192 x 8192): its float copy takes 768 MiB, about what a default
     * JVM can spare; larger photos are far beyond any model input and are resized by the user first.
     */
    public static final long MAX_PIXELS = 8192L * 8192L;

    private ImageFiles() {}

    /**
     * Reads an image: one channel if it is stored as grayscale, otherwise three (RGB; alpha is
     * dropped). Values are scaled to [0, 1].
     */
    public static Pixels read(Path file) {
        BufferedImage img = decode(file);
        int w = img.getWidth();
        int h = img.getHeight();
        boolean gray = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && img.getColorModel().getNumColorComponents() == 1;
        if (gray) {
            // Read the raster directly: getRGB would pass gray values through a gamma conversion.
            Raster r = img.getRaster();
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            float[] v = new float[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    v[y * w + x] = r.getSample(x, y, 0) / max;
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
     * Decodes the first image of a file. The size in the header is checked before any pixel memory is
     * taken: a few bytes declaring a 20000 x 20000 JPEG would otherwise end in an OutOfMemoryError.
     * Metadata is skipped (compressed PNG text chunks could inflate without bound).
     */
    private static BufferedImage decode(Path file) {
        String damaged = "replace or remove the damaged file";
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new GraftException("image " + file + " cannot be opened", "check the path and its permissions");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new GraftException("image " + file + " is not in a format Java can read", "use PNG, JPEG, BMP or GIF files");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w * h > MAX_PIXELS) {
                    throw new GraftException("image " + file + " declares " + w + " x " + h + " pixels, outside 1 to "
                            + MAX_PIXELS + " pixels", "use a smaller image (or repair the damaged file)");
                }
                BufferedImage img = reader.read(0);
                if (img == null) {
                    throw new GraftException("image " + file + " holds no picture", damaged);
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof GraftException g) {
                throw g;
            }
            throw new GraftException("image " + file + " cannot be decoded: " + describe(e), damaged);
        }
    }

    /** The exception's message and its cause's (ImageIO wraps decoder errors with an empty message). */
    private static String describe(Throwable e) {
        String msg = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage().strip();
        return e.getCause() == null ? msg : msg + " (" + describe(e.getCause()) + ")";
    }

    /**
     * Writes a 1- or 3-channel image with values in [0, 1] (clamped) as PNG, each pixel drawn as a
     * {@code scale x scale} block so small images are visible.
     */
    public static void writePng(Pixels p, int scale, Path out) {
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

    private static int toByte(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
    }
}
