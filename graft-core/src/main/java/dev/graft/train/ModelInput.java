package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.zoo.PretrainedCfg;
import java.util.List;

/**
 * Turns images in [0, 1] into what a model expects: its input size (bilinear resize, as PyTorch's
 * {@code interpolate(align_corners=False)}), its channel count (grey repeated to RGB, RGB averaged to
 * grey) and its normalisation ({@code (x - mean) / std} from the model's config).
 *
 * <pre>{@code
 * TensorSet x = ModelInput.prepare(Datasets.load("digits", 42).train(), model.cfg());   // 8x8 -> 28x28
 * }</pre>
 */
public final class ModelInput {
    private ModelInput() {}

    /** Prepares every image of {@code data} for a model with configuration {@code cfg}. */
    public static TensorSet prepare(ImageData data, PretrainedCfg cfg) {
        int c = data.channels();
        int h = data.height();
        int w = data.width();
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
            throw new GraftException("data set '" + data.name() + "' has " + c + " channels but the model expects " + oc,
                    "use a model with " + c + " input channels (--in-chans) or convert the images");
        }
        float[] mean = perChannel(cfg.mean(), oc, 0f);
        float[] std = perChannel(cfg.std(), oc, 1f);
        int n = data.size();
        int outPer = oc * oh * ow;
        float[] out = new float[n * outPer];
        float[] px = data.pixels();
        int inPer = c * h * w;
        float[] plane = new float[oh * ow];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < oc; k++) {
                // source plane: the same channel, channel 0 for grey->RGB, the mean of channels for RGB->grey
                if (c == oc) {
                    resize(px, i * inPer + k * h * w, h, w, plane, oh, ow);
                } else if (c == 1) {
                    resize(px, i * inPer, h, w, plane, oh, ow);
                } else {
                    float[] grey = new float[h * w];
                    for (int ch = 0; ch < c; ch++) {
                        for (int p = 0; p < h * w; p++) {
                            grey[p] += px[i * inPer + ch * h * w + p] / c;
                        }
                    }
                    resize(grey, 0, h, w, plane, oh, ow);
                }
                int base = i * outPer + k * oh * ow;
                for (int p = 0; p < oh * ow; p++) {
                    out[base + p] = (plane[p] - mean[k]) / std[k];
                }
            }
        }
        return new TensorSet(out, new long[] {oc, oh, ow}, data.labels().clone(), data.classNames());
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
            throw new GraftException("--fit " + box + " is larger than the model's input " + h + "x" + w, "use a box of at most " + Math.min(h, w));
        }
        return dev.graft.data.transform.Transforms.applyAll(data, dev.graft.data.transform.Transforms.compose(
                dev.graft.data.transform.Transforms.resize(box, box), dev.graft.data.transform.Transforms.centerCrop(h, w)), 0L);
    }

    private static float[] perChannel(List<Double> v, int channels, float dflt) {
        float[] out = new float[channels];
        for (int k = 0; k < channels; k++) {
            out[k] = v == null || v.isEmpty() ? dflt : (float) (double) v.get(v.size() == channels ? k : 0);
        }
        return out;
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
