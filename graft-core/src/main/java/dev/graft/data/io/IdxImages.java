package dev.graft.data.io;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Labelled images from a pair of IDX files (MNIST layout): images {@code [N, H, W]} or
 * {@code [N, H, W, C]} of unsigned bytes, labels {@code [N]}. Pixels are scaled to [0, 1].
 *
 * <pre>{@code
 * ImageData train = IdxImages.load("mnist-train", dir.resolve("train-images-idx3-ubyte"),
 *         dir.resolve("train-labels-idx1-ubyte"), null);   // class names "0".."9"
 * }</pre>
 */
public final class IdxImages {
    private IdxImages() {}

    /**
     * Loads one split.
     *
     * @param classNames names for labels 0..K-1, or {@code null} for "0".."max label"
     */
    public static ImageData load(String name, Path imagesFile, Path labelsFile, List<String> classNames) {
        Idx.Array images = Idx.read(imagesFile);
        Idx.Array labels = Idx.read(labelsFile);
        int[] d = images.dims();
        if (d.length != 3 && d.length != 4) {
            throw new GraftException("IDX image file " + imagesFile + " has " + d.length + " dimensions",
                    "expected [N, H, W] or [N, H, W, C]; is this a label file?");
        }
        if (labels.dims().length != 1) {
            throw new GraftException("IDX label file " + labelsFile + " has " + labels.dims().length + " dimensions",
                    "expected [N]; is this an image file?");
        }
        int n = d[0];
        if (labels.count() != n) {
            throw new GraftException("IDX files " + imagesFile.getFileName() + " and " + labelsFile.getFileName()
                    + " disagree: " + n + " images but " + labels.count() + " labels", "use the label file that belongs to these images");
        }
        int h = d[1];
        int w = d[2];
        int c = d.length == 4 ? d[3] : 1;
        byte[] src = images.data();
        float[] px = new float[src.length];
        int plane = h * w;
        int per = plane * c;
        for (int i = 0; i < n; i++) {
            int base = i * per;
            if (c == 1) {
                for (int k = 0; k < per; k++) {
                    px[base + k] = (src[base + k] & 0xff) / 255f;
                }
            } else {
                // IDX stores channels last; ImageData is channels first.
                for (int p = 0; p < plane; p++) {
                    for (int ch = 0; ch < c; ch++) {
                        px[base + ch * plane + p] = (src[base + p * c + ch] & 0xff) / 255f;
                    }
                }
            }
        }
        int[] lb = new int[n];
        int max = -1;
        for (int i = 0; i < n; i++) {
            lb[i] = labels.data()[i] & 0xff;
            max = Math.max(max, lb[i]);
        }
        List<String> names = classNames;
        if (names == null) {
            names = new ArrayList<>();
            for (int k = 0; k <= max; k++) {
                names.add(Integer.toString(k));
            }
        } else if (max >= names.size()) {
            throw new GraftException("IDX label file " + labelsFile + " holds label " + max + " but only "
                    + names.size() + " class names are known", "give one class name per label");
        }
        return new ImageData(name, names, c, h, w, px, lb);
    }

    /**
     * The IDX files of one split in {@code dir}: {@code PREFIX-images*} and {@code PREFIX-labels*},
     * raw or {@code .gz}, for the first prefix that exists ({@code train}; {@code t10k} or {@code test}).
     *
     * @return {images, labels}, or {@code null} when the folder has no files for these prefixes
     */
    public static Path[] findSplit(Path dir, String... prefixes) {
        for (String prefix : prefixes) {
            Path images = findOne(dir, prefix + "-images");
            Path labels = findOne(dir, prefix + "-labels");
            if (images != null && labels != null) {
                return new Path[] {images, labels};
            }
            if (images != null || labels != null) {
                throw new GraftException("folder " + dir + " has " + (images != null ? images : labels).getFileName()
                        + " but no matching " + prefix + (images != null ? "-labels" : "-images") + " file",
                        "add the missing IDX file");
            }
        }
        return null;
    }

    private static Path findOne(Path dir, String stem) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> hits = files.filter(p -> {
                String f = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return f.startsWith(stem) && !f.startsWith(".") && Files.isRegularFile(p);
            }).sorted().toList();
            if (hits.size() > 1) {
                throw new GraftException("folder " + dir + " has several files starting with '" + stem + "': " + hits,
                        "keep one per split");
            }
            return hits.isEmpty() ? null : hits.get(0);
        } catch (IOException e) {
            throw new GraftException("cannot list folder " + dir + ": " + e.getMessage(), "check the path");
        }
    }
}
