package dev.graft.adapt.data;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The cache format of generated domain data sets: gzip of a small header (magic, shape, class
 * names), then one label byte and C*H*W pixel bytes (value * 255, rounded) per image. Written to a
 * temporary file and moved into place, so a half-written cache is never read.
 */
final class ImageCacheFile {
    private static final int MAGIC = 0x47494D31; // "GIM1"

    private ImageCacheFile() {}

    static void write(Path file, ImageData data) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(Files.newOutputStream(tmp)), 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(data.size());
            out.writeInt(data.channels());
            out.writeInt(data.height());
            out.writeInt(data.width());
            out.writeInt(data.numClasses());
            for (String c : data.classNames()) {
                out.writeUTF(c);
            }
            int per = data.imageSize();
            byte[] buf = new byte[per];
            float[] px = data.pixels();
            for (int i = 0; i < data.size(); i++) {
                out.writeByte(data.label(i));
                for (int k = 0; k < per; k++) {
                    buf[k] = (byte) Math.round(Math.max(0f, Math.min(1f, px[i * per + k])) * 255f);
                }
                out.write(buf);
            }
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), "check that GRAFT_HOME is writable and has space", e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new GraftException("cannot move " + tmp + " into place: " + e.getMessage(), "check that GRAFT_HOME is writable", e);
        }
    }

    static ImageData read(Path file, String name) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(Files.newInputStream(file)), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a Graft image cache file");
            }
            int n = in.readInt();
            int c = in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            int k = in.readInt();
            List<String> classes = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                classes.add(in.readUTF());
            }
            int per = c * h * w;
            float[] px = new float[n * per];
            int[] labels = new int[n];
            byte[] buf = new byte[per];
            for (int i = 0; i < n; i++) {
                labels[i] = in.readUnsignedByte();
                in.readFully(buf);
                for (int j = 0; j < per; j++) {
                    px[i * per + j] = (buf[j] & 0xFF) / 255f;
                }
            }
            return new ImageData(name, classes, c, h, w, px, labels);
        } catch (IOException e) {
            throw new GraftException("cannot read the cached data set " + file + ": " + e.getMessage(),
                    "delete the folder " + file.getParent() + " and fetch the data set again", e);
        }
    }
}
