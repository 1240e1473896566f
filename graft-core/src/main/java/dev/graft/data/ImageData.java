package dev.graft.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.util.FlatRows;
import dev.graft.util.Labels;
import java.util.List;

/**
 * Labelled images held in memory as float32 NCHW in [0, 1], with their class names. Every data set
 * that fits in memory (MNIST, Fashion-MNIST, digits, a user's image folder) is one of these.
 *
 * <pre>{@code
 * ImageData train = Datasets.load("mnist", 42).train();
 * NDArray x = train.images(nd, new int[] {0, 1, 2});   // 3 x 1 x 28 x 28
 * NDArray y = train.labels(nd, new int[] {0, 1, 2});   // 3, int32
 * }</pre>
 */
public final class ImageData {
    private final String name;
    private final List<String> classNames;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] pixels;
    private final int[] labels;

    /**
     * @param pixels N x C x H x W values in [0, 1], row-major
     * @param labels N class indices in [0, classNames.size())
     */
    public ImageData(String name, List<String> classNames, int channels, int height, int width, float[] pixels, int[] labels) {
        this.name = name;
        this.classNames = List.copyOf(classNames);
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.labels = labels;
        long per = (long) channels * height * width;
        if (per <= 0 || pixels.length != per * labels.length) {
            throw new GraftException("data set '" + name + "': " + pixels.length + " pixel values do not make "
                    + labels.length + " images of " + channels + "x" + height + "x" + width, "check the loader's shape");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new GraftException("data set '" + name + "': sample " + i + " has label " + labels[i]
                        + " but there are " + classNames.size() + " classes", "check the labels and class names");
            }
        }
    }

    public String name() { return name; }
    public List<String> classNames() { return classNames; }
    public int numClasses() { return classNames.size(); }
    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }
    public int size() { return labels.length; }
    public int label(int i) { return labels[i]; }

    /** Values per image, C*H*W. */
    public int imageSize() { return channels * height * width; }

    /** The backing pixel array (not copied; do not modify). */
    public float[] pixels() { return pixels; }

    /** The backing label array (not copied; do not modify). */
    public int[] labels() { return labels; }

    /** One image as a fresh C*H*W array. */
    public float[] image(int i) {
        float[] out = new float[imageSize()];
        System.arraycopy(pixels, i * imageSize(), out, 0, imageSize());
        return out;
    }

    /** The samples at {@code indices}, as a new data set sharing the class names. */
    public ImageData subset(String subsetName, int[] indices) {
        float[] px = FlatRows.gather(pixels, imageSize(), indices);
        return new ImageData(subsetName, classNames, channels, height, width, px, Labels.gather(labels, indices));
    }

    /** Images at {@code indices} as an N x C x H x W float32 array. */
    public NDArray images(NDManager nd, int[] indices) {
        return nd.create(FlatRows.gather(pixels, imageSize(), indices), new Shape(indices.length, channels, height, width));
    }

    /** Labels at {@code indices} as an int32 vector. */
    public NDArray labels(NDManager nd, int[] indices) {
        return nd.create(Labels.gather(labels, indices));
    }

    /** Number of samples of each class. */
    public int[] countsPerClass() {
        return Labels.countsPerClass(labels, classNames.size());
    }
}
