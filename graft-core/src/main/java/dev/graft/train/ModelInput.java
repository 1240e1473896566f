package dev.graft.train;

import ai.djl.ndarray.NDArray;
import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.data.ImageData;
import dev.graft.data.Normalization;
import dev.graft.data.Pixels;
import dev.graft.data.transform.Transform;
import dev.graft.data.transform.Transforms;
import dev.graft.progress.Output;
import dev.graft.zoo.PretrainedCfg;

/**
 * The one place where images become what a model expects, for every verb (finetune, eval, predict,
 * advise, adapt, multitask): the model's {@link PretrainedCfg} decides. Its {@code input_size} sets
 * the size (resized with the config's {@code interpolation}, bilinear by default, as PyTorch's
 * {@code interpolate(align_corners=False)}) and the channel count (grey repeated to RGB, RGB averaged to
 * grey); its {@code mean} and {@code std} the normalisation {@code (x - mean) / std}. So any data set
 * works with any model, and {@link #describe} says in one line what was done.
 *
 * <pre>{@code
 * TensorSet x = ModelInput.prepare(Datasets.load("digits", 42).train(), model.cfg());   // 8x8 -> 28x28
 * ModelInput.describe(digits, 0, model.cfg());   // "digits 8x8 -> 28x28 bilinear, 1 channel"
 * ImageData same = ModelInput.shape(digits, model.cfg());   // resized, still in [0, 1], not normalised
 * NDArray batch = ModelInput.normalize(same.images(nd, idx), model.cfg());
 * }</pre>
 */
public final class ModelInput {
    private ModelInput() {}

    /** Prepares every image of {@code data} for a model with configuration {@code cfg}: shape, then normalise. */
    public static TensorSet prepare(ImageData data, PretrainedCfg cfg) {
        int[] out = outputShape(data.name(), data.channels(), data.height(), data.width(), cfg);
        int oc = out[0];
        float[] px = shape(data.name(), data.pixels(), data.size(), data.channels(), data.height(), data.width(), cfg);
        Normalization.apply(px, oc, out[1] * out[2], Normalization.perChannel(cfg.mean(), oc, 0f), Normalization.perChannel(cfg.std(), oc, 1f));
        return new TensorSet(px, new long[] {oc, out[1], out[2]}, data.labels().clone(), data.classNames());
    }

    /** {@link #fit} into a {@code fitBox} box (0 = no fitting), then {@link #prepare(ImageData, PretrainedCfg)}. */
    public static TensorSet prepare(ImageData data, int fitBox, PretrainedCfg cfg) {
        return prepare(fit(data, fitBox, cfg), cfg);
    }

    /**
     * The images at the model's input size and channel count, pixel values still in [0, 1] (not
     * normalised; {@link #normalize} does that per batch). Returns {@code data} itself when nothing changes.
     */
    public static ImageData shape(ImageData data, PretrainedCfg cfg) {
        int[] out = outputShape(data.name(), data.channels(), data.height(), data.width(), cfg);
        if (out[0] == data.channels() && out[1] == data.height() && out[2] == data.width()) {
            return data;
        }
        float[] px = shape(data.name(), data.pixels(), data.size(), data.channels(), data.height(), data.width(), cfg);
        return new ImageData(data.name(), data.classNames(), out[0], out[1], out[2], px, data.labels().clone());
    }

    /**
     * {@code n} images of {@code c x h x w} pixels (in order, planes contiguous) brought to the model's
     * input size and channels: each source plane (the same channel, channel 0 for grey to RGB, the mean
     * of the channels for RGB to grey) resized with the config's interpolation. Always a new array.
     *
     * @param name the data set's name, for error messages
     */
    public static float[] shape(String name, float[] pixels, int n, int c, int h, int w, PretrainedCfg cfg) {
        int[] o = outputShape(name, c, h, w, cfg);
        int oc = o[0];
        int oh = o[1];
        int ow = o[2];
        Resampler resize = resampler(cfg, h, w, oh, ow);
        int inPer = c * h * w;
        int outPer = oc * oh * ow;
        float[] out = new float[n * outPer];
        float[] grey = c != oc && c != 1 ? new float[h * w] : null;
        for (int i = 0; i < n; i++) {
            if (grey != null) {
                java.util.Arrays.fill(grey, 0f);
                for (int ch = 0; ch < c; ch++) {
                    for (int p = 0; p < h * w; p++) {
                        grey[p] += pixels[i * inPer + ch * h * w + p] / c;
                    }
                }
            }
            for (int k = 0; k < oc; k++) {
                int dst = i * outPer + k * oh * ow;
                if (c == oc) {
                    resize.apply(pixels, i * inPer + k * h * w, out, dst);
                } else if (c == 1) {
                    resize.apply(pixels, i * inPer, out, dst);
                } else {
                    resize.apply(grey, 0, out, dst);
                }
            }
        }
        return out;
    }

    /**
     * A batch of N x C x H x W images in [0, 1] normalised with the config's {@code mean} and {@code std}
     * (one value per channel, or one for all); unchanged when the config declares none.
     */
    public static NDArray normalize(NDArray images, PretrainedCfg cfg) {
        if (cfg.mean() == null || cfg.std() == null || cfg.mean().isEmpty() || cfg.std().isEmpty()) {
            return images;
        }
        int c = (int) images.getShape().get(1);
        return Normalization.apply(images, Normalization.perChannel(cfg.mean(), c, 0f), Normalization.perChannel(cfg.std(), c, 1f));
    }

    /** As {@link #describe(ImageData, int, PretrainedCfg)} without fitting. */
    public static String describe(ImageData data, PretrainedCfg cfg) {
        return describe(data, 0, cfg);
    }

    /**
     * One line saying how {@link #prepare(ImageData, int, PretrainedCfg)} changes the images' size and
     * channels, e.g. {@code "digits 8x8 -> 28x28 bilinear, 1 channel"},
     * {@code "digits 8x8 -> 20x20 bilinear centred on 28x28, 1 channel"} or
     * {@code "mnist 28x28, grey -> 3 channels"}; empty when the images already have the model's size and
     * channels (normalisation, always applied, is not mentioned).
     */
    public static String describe(ImageData data, int fitBox, PretrainedCfg cfg) {
        return describe(data.name(), data.channels(), data.height(), data.width(), data.size() > 0 ? fitBox : 0, cfg);
    }

    /** As {@link #describe(ImageData, int, PretrainedCfg)} for {@code c x h x w} images of data set {@code name}. */
    public static String describe(String name, int c, int h, int w, int fitBox, PretrainedCfg cfg) {
        int[] o = outputShape(name, c, h, w, cfg);
        String size;
        if (fitBox > 0) {
            size = h + "x" + w + " -> " + fitBox + "x" + fitBox + " bilinear centred on " + o[1] + "x" + o[2];
        } else if (h != o[1] || w != o[2]) {
            size = h + "x" + w + " -> " + o[1] + "x" + o[2] + " " + interpolation(cfg);
        } else {
            size = null;
        }
        String channels;
        if (c == o[0]) {
            channels = c == 1 ? "1 channel" : c + " channels";
        } else if (c == 1) {
            channels = "grey -> " + o[0] + " channels";
        } else {
            channels = c + " channels -> grey (their mean)";
        }
        if (size == null && c == o[0]) {
            return "";
        }
        return name + " " + (size == null ? h + "x" + w : size) + ", " + channels;
    }

    /** Prints {@link #describe(ImageData, int, PretrainedCfg)} as a note when it says anything. */
    public static void note(ImageData data, int fitBox, PretrainedCfg cfg) {
        note(describe(data, fitBox, cfg));
    }

    /** Prints a {@link #describe} line as a note unless it is empty. */
    public static void note(String describeLine) {
        if (!describeLine.isEmpty()) {
            Output.note(describeLine);
        }
    }

    /**
     * (channels, height, width) that a model with configuration {@code cfg} takes for {@code c x h x w}
     * images of data set {@code name}; fails with one clear line when the channels cannot be converted.
     */
    public static int[] outputShape(String name, int c, int h, int w, PretrainedCfg cfg) {
        int oc = c;
        int oh = h;
        int ow = w;
        if (cfg.inputSize() != null) {
            if (cfg.inputSize().size() != 3) {
                throw new GraftException("config input_size " + cfg.inputSize() + " is not [channels, height, width]", "fix config.json");
            }
            oc = cfg.inputSize().get(0);
            oh = cfg.inputSize().get(1);
            ow = cfg.inputSize().get(2);
        }
        if (c != oc && c != 1 && oc != 1) {
            throw new SettingException(SettingException.Reason.CHANNELS_MISMATCH, String.valueOf(c),
                    "data set '" + name + "' has " + c + " channels but the model expects " + oc,
                    "use a model with " + c + " input channels (inChans) or convert the images");
        }
        return new int[] {oc, oh, ow};
    }

    private static String interpolation(PretrainedCfg cfg) {
        return cfg.interpolation() == null || cfg.interpolation().isBlank() ? "bilinear" : cfg.interpolation().toLowerCase(java.util.Locale.ROOT);
    }

    /** Resizes one plane at {@code src[off]} into {@code dst[dstOff]}. */
    private interface Resampler {
        void apply(float[] src, int off, float[] dst, int dstOff);
    }

    private static Resampler resampler(PretrainedCfg cfg, int h, int w, int oh, int ow) {
        String mode = interpolation(cfg);
        if (mode.equals("bilinear") || (h == oh && w == ow)) {
            return (src, off, dst, dstOff) -> resize(src, off, h, w, dst, dstOff, oh, ow);
        }
        Transform t = Transforms.resize(oh, ow, mode);   // bicubic or nearest; rejects unknown names
        return (src, off, dst, dstOff) -> {
            float[] plane = java.util.Arrays.copyOfRange(src, off, off + h * w);
            System.arraycopy(t.apply(new Pixels(1, h, w, plane), null).values(), 0, dst, dstOff, oh * ow);
        };
    }

    /**
     * Resizes every image to {@code box x box} and centres it on the model's input with zero padding:
     * MNIST's own convention (digits size-normalised into a 20x20 box on a 28x28 canvas). 0 = unchanged.
     *
     * <pre>{@code
     * ImageData digits = ModelInput.fit(Datasets.load("digits", 42).train(), 20, model.cfg());   // 8x8 -> 20x20 on 28x28
     * }</pre>
     */
    public static ImageData fit(ImageData data, int box, PretrainedCfg cfg) {
        if (box <= 0 || data.size() == 0) {
            return data;
        }
        int h = cfg.inputSize() == null ? data.height() : cfg.inputSize().get(1);
        int w = cfg.inputSize() == null ? data.width() : cfg.inputSize().get(2);
        if (box > Math.min(h, w)) {
            throw new SettingException(SettingException.Reason.FIT_TOO_LARGE, String.valueOf(Math.min(h, w)),
                    "fit box " + box + " is larger than the model's input " + h + "x" + w, "use a box of at most " + Math.min(h, w));
        }
        return dev.graft.data.transform.Transforms.applyAll(data, dev.graft.data.transform.Transforms.compose(
                dev.graft.data.transform.Transforms.resize(box, box), dev.graft.data.transform.Transforms.centerCrop(h, w)), 0L);
    }

    /** Bilinear resize of one plane, half-pixel centres and edge clamping (align_corners=False). */
    static void resize(float[] src, int off, int h, int w, float[] dst, int oh, int ow) {
        resize(src, off, h, w, dst, 0, oh, ow);
    }

    /**
     * Bilinear resize of the {@code h x w} plane at {@code src[off]} into the {@code oh x ow} plane at
     * {@code dst[dstOff]}, as PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}:
     * half-pixel centres, edges clamped.
     *
     * <pre>{@code
     * ModelInput.resize(pixels, i * 36 * 36, 36, 36, out, i * 28 * 28, 28, 28);
     * }</pre>
     */
    public static void resize(float[] src, int off, int h, int w, float[] dst, int dstOff, int oh, int ow) {
        if (h == oh && w == ow) {
            System.arraycopy(src, off, dst, dstOff, h * w);
            return;
        }
        double sy = h / (double) oh;
        double sx = w / (double) ow;
        for (int y = 0; y < oh; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double wy = fy - y0;
            for (int x = 0; x < ow; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                double wx = fx - x0;
                double top = src[off + y0 * w + x0] * (1 - wx) + src[off + y0 * w + x1] * wx;
                double bot = src[off + y1 * w + x0] * (1 - wx) + src[off + y1 * w + x1] * wx;
                dst[dstOff + y * ow + x] = (float) (top * (1 - wy) + bot * wy);
            }
        }
    }
}
