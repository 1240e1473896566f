package dev.graft.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Tiny generated data files for tests. */
public final class TestFiles {
    private TestFiles() {}

    /** IDX bytes of unsigned bytes with the given dims. */
    public static byte[] idx(int[] dims, byte[] values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(0x08);
        out.write(dims.length);
        for (int d : dims) {
            out.write(d >>> 24);
            out.write(d >>> 16);
            out.write(d >>> 8);
            out.write(d);
        }
        out.write(values, 0, values.length);
        return out.toByteArray();
    }

    public static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(raw);
        }
        return buf.toByteArray();
    }

    /**
     * Writes an MNIST-style pair PREFIX-images-idx3-ubyte / PREFIX-labels-idx1-ubyte of {@code n}
     * h x w images where image i has every pixel = i * 10 and label i % classes.
     */
    public static void idxPair(Path dir, String prefix, int n, int h, int w, int classes) throws IOException {
        byte[] px = new byte[n * h * w];
        byte[] lb = new byte[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < h * w; k++) {
                px[i * h * w + k] = (byte) (i * 10);
            }
            lb[i] = (byte) (i % classes);
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), idx(new int[] {n, h, w}, px));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), idx(new int[] {n}, lb));
    }

    /** A gray PNG whose pixels are all {@code value} (0..255). */
    public static void grayPng(Path file, int h, int w, int value) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, value);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /**
     * A decompression bomb: a valid PNG header claiming {@code w x h} RGB pixels, one IDAT chunk of
     * zlib-compressed zero rows for the first few rows only, and IEND: a few hundred bytes on disk.
     */
    public static void bombPng(Path file, int w, int h) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(z)) {
            d.write(new byte[Math.min(4, h) * (1 + 3 * w)]);
        }
        chunk(out, "IDAT", z.toByteArray());
        chunk(out, "IEND", new byte[0]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, out.toByteArray());
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        crc.update(t);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** An RGB PNG whose pixels are all (r, g, b). */
    public static void rgbPng(Path file, int h, int w, int r, int g, int b) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** Data of n 1x2x2 images; image i has all pixels i/n and label labels[i]. */
    public static ImageData tiny(int[] labels, int classes) {
        int n = labels.length;
        float[] px = new float[n * 4];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                px[i * 4 + k] = (float) i / n;
            }
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
        }
        return new ImageData("tiny", names, 1, 2, 2, px, labels);
    }
}
