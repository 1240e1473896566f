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
        if (n == 0) {
            throw new GraftException("data set '" + name + "' has no images", "add images");
        }
        Pixels[] images = new Pixels[n];
        boolean anyColour = false;
        try (Progress progress = Progress.start("reading " + name, n, "img")) {
            for (int i = 0; i < n; i++) {
                Pixels p = image.apply(i);
                if (size != null) {
                    p = Transforms.resize(size[0], size[1]).apply(p, new Random(0));
                } else if (i > 0 && (p.height() != images[0].height() || p.width() != images[0].width())) {
                    throw new GraftException("image " + where.apply(i) + " is " + p.height() + "x" + p.width() + " but "
                            + where.apply(0) + " is " + images[0].height() + "x" + images[0].width(),
                            "give all images one size, or resize them on load with " + sizeHint);
                }
                anyColour |= p.channels() == 3;
                images[i] = p;
                progress.step(1);
            }
        }
        int c = anyColour ? 3 : 1;
        int h = images[0].height();
        int w = images[0].width();
        int per = c * h * w;
        float[] px = new float[per * images.length];
        for (int i = 0; i < images.length; i++) {
            Pixels p = c == 3 ? Transforms.grayscaleToRgb().apply(images[i], null) : images[i];
            System.arraycopy(p.values(), 0, px, i * per, per);
        }
        return new ImageData(name, classNames, c, h, w, px, labels);
    }
}
