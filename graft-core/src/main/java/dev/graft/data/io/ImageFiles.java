package dev.graft.data.io;

import dev.graft.GraftException;
import dev.graft.data.Pixels;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

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
    private ImageFiles() {}

    /**
     * Reads an image: one channel if it is stored as grayscale, otherwise three (RGB; alpha is
     * dropped). Values are scaled to [0, 1].
     */
    public static Pixels read(Path file) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new GraftException("image " + file + " cannot be decoded: " + e.getMessage(), "replace or remove the damaged file");
        }
        if (img == null) {
            throw new GraftException("image " + file + " is not in a format Java can read", "use PNG, JPEG, BMP or GIF files");
        }
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
