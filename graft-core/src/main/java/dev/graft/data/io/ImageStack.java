package dev.graft.data.io;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.Pixels;
import dev.graft.data.transform.Transforms;
import dev.graft.progress.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Reads a list of image files (or decoded images) into one {@link ImageData} of a single shape. */
public final class ImageStack {
    private ImageStack() {}

    /**
     * @param size {height, width} to resize every image to, or null to require one size
     * @param sizeHint how the user sets a size, for the error when sizes differ
     */
    static ImageData read(String name, List<Path> files, int[] labels, List<String> classNames, int[] size, String sizeHint) {
        return stack(name, files.size(), i -> size != null ? ImageFiles.read(files.get(i), size[0], size[1]) : ImageFiles.read(files.get(i)),
                i -> files.get(i).toString(), labels, classNames, size, sizeHint);
    }

    /**
     * Stacks {@code n} images made by {@code image} (gray ones become RGB when any is colour).
     *
     * @param where names image {@code i} in errors (a file, or a file and row)
     * @param size {height, width} to resize every image to, or null to require one size
     * @param sizeHint how the user sets a size, for the error when sizes differ
     */
    public static ImageData stack(String name, int n, java.util.function.IntFunction<Pixels> image, java.util.function.IntFunction<String> where,
            int[] labels, List<String> classNames, int[] size, String sizeHint) {
        Builder b = new Builder(name, n, size, sizeHint);
        try (Progress progress = Progress.start("reading " + name, n, "img")) {
            for (int i = 0; i < n; i++) {
                b.add(image.apply(i), where.apply(i));
                progress.step(1);
            }
        }
        return b.build(labels, classNames);
    }

    /**
     * Images added one at a time into one preallocated array, so reading a data set never holds more
     * than its decoded pixels (no list of decoded images beside them). Gray images become RGB once any
     * is colour. An image that does not fit (another size without a resize) is refused before anything
     * changes, so a caller may skip it and go on.
     *
     * <pre>{@code
     * ImageStack.Builder b = new ImageStack.Builder("pets/train", rows, null, "hf-hub:...?size=HxW");
     * b.add(ImageFiles.read(bytes, "train.parquet row 1", 0, 0), "train.parquet row 1");
     * ImageData d = b.build(labels, classNames);
     * }</pre>
     */
    public static final class Builder {
        private final String name;
        private final int capacity;
        private final int[] size;
        private final String sizeHint;
        private float[] px;
        private int channels;
        private int height;
        private int width;
        private int count;
        private String first;

        /**
         * @param capacity the most images that will be added
         * @param size {height, width} to resize every image to, or null to require one size
         * @param sizeHint how the user sets a size, for the error when sizes differ
         */
        public Builder(String name, int capacity, int[] size, String sizeHint) {
            this.name = name;
            this.capacity = capacity;
            this.size = size;
            this.sizeHint = sizeHint;
        }

        /** Adds an image; one of another size (without a resize) is an error naming {@code where} and the first image. */
        public void add(Pixels p, String where) {
            if (size != null) {
                p = Transforms.resize(size[0], size[1]).apply(p, new Random(0));
            }
            if (count == 0) {
                channels = p.channels();
                height = p.height();
                width = p.width();
                first = where;
                px = new float[Math.multiplyExact(capacity, channels * height * width)];
            } else if (p.height() != height || p.width() != width) {
                throw new GraftException("image " + where + " is " + p.height() + "x" + p.width() + " but " + first + " is " + height + "x" + width,
                        "give all images one size, or resize them on load with " + sizeHint);
            }
            if (count >= capacity) {
                throw new IllegalStateException("more than " + capacity + " images added to " + name);
            }
            if (p.channels() == 3 && channels == 1) {
                toRgb();
            }
            Pixels v = channels == 3 ? Transforms.grayscaleToRgb().apply(p, null) : p;
            int per = channels * height * width;
            System.arraycopy(v.values(), 0, px, count * per, per);
            count++;
        }

        /** Images added so far. */
        public int size() {
            return count;
        }

        private void toRgb() {
            int plane = height * width;
            float[] rgb = new float[Math.multiplyExact(capacity, 3 * plane)];
            for (int i = 0; i < count; i++) {
                for (int c = 0; c < 3; c++) {
                    System.arraycopy(px, i * plane, rgb, (i * 3 + c) * plane, plane);
                }
            }
            px = rgb;
            channels = 3;
        }

        /** The data set of the images added, with one label per image. */
        public ImageData build(int[] labels, List<String> classNames) {
            if (count == 0) {
                throw new GraftException("data set '" + name + "' has no images", "add images");
            }
            int per = channels * height * width;
            return new ImageData(name, classNames, channels, height, width, count == capacity ? px : java.util.Arrays.copyOf(px, count * per), labels);
        }
    }
}
