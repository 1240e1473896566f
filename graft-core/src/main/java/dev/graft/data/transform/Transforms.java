package dev.graft.data.transform;

import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.Pixels;
import dev.graft.zoo.PretrainedCfg;
import java.util.List;
import java.util.Random;

/**
 * The standard image transforms, matching torchvision's definitions so a model sees the same
 * input it saw when its weights were made.
 *
 * <pre>{@code
 * // training: pad-and-crop, flip, then the model's normalisation
 * Transform train = Transforms.compose(Transforms.grayscaleToRgb(), Transforms.resize(32, 32),
 *         Transforms.randomCrop(32, 32, 4), Transforms.horizontalFlip(0.5), Transforms.normalize(cfg));
 * // evaluation: exactly what the model's config asks for
 * Transform eval = Transforms.evalFor(cfg);
 * }</pre>
 */
public final class Transforms {
    private Transforms() {}

    /** Applies the steps in order. */
    public static Transform compose(Transform... steps) {
        Transform t = identity();
        for (Transform s : steps) {
            t = t.then(s);
        }
        return t;
    }

    /** Leaves the image unchanged. */
    public static Transform identity() {
        return (image, random) -> image;
    }

    /**
     * Bilinear resize to {@code height x width}, as PyTorch's {@code interpolate(mode="bilinear",
     * align_corners=False, antialias=False)}: sample centres are aligned and edges clamped.
     */
    public static Transform resize(int height, int width) {
        checkSize("resize", height, width);
        return (image, random) -> resizeBilinear(image, height, width);
    }

    /**
     * Resize with a named interpolation, as PyTorch's {@code interpolate(..., align_corners=False)}:
     * {@code bilinear}, {@code bicubic} (cubic convolution, A = -0.75, edges clamped) or
     * {@code nearest} (source index {@code floor(dst * in / out)}).
     */
    public static Transform resize(int height, int width, String interpolation) {
        checkSize("resize", height, width);
        Interpolation mode = Interpolation.of(interpolation);
        return (image, random) -> resizeWith(image, height, width, mode);
    }

    /**
     * Bilinear resize so the shorter side becomes {@code size}, keeping the aspect ratio (the longer
     * side is {@code floor(size * long / short)}, as torchvision's {@code Resize(int)}).
     */
    public static Transform resizeShorter(int size) {
        checkSize("resizeShorter", size, size);
        return (image, random) -> {
            int h = image.height();
            int w = image.width();
            if (h <= w) {
                return resizeBilinear(image, size, (int) ((long) size * w / h));
            }
            return resizeBilinear(image, (int) ((long) size * h / w), size);
        };
    }

    /** Crops the centre {@code height x width}; a smaller image is padded with zeros first (as torchvision). */
    public static Transform centerCrop(int height, int width) {
        checkSize("centerCrop", height, width);
        return (image, random) -> {
            Pixels p = padToAtLeast(image, height, width);
            // Python's round() rounds halves to even; Math.rint does the same.
            int top = (int) Math.rint((p.height() - height) / 2.0);
            int left = (int) Math.rint((p.width() - width) / 2.0);
            return crop(p, top, left, height, width);
        };
    }

    /**
     * Pads every side with {@code padding} zeros, then crops {@code height x width} at a random
     * position (torchvision's {@code RandomCrop(size, padding)}).
     */
    public static Transform randomCrop(int height, int width, int padding) {
        checkSize("randomCrop", height, width);
        if (padding < 0) {
            throw new GraftException("randomCrop padding " + padding + " is negative", "use 0 or more");
        }
        return (image, random) -> {
            Pixels p = padToAtLeast(pad(image, padding), height, width);
            int top = random.nextInt(p.height() - height + 1);
            int left = random.nextInt(p.width() - width + 1);
            return crop(p, top, left, height, width);
        };
    }

    /**
     * Crops a random square whose side is a uniform fraction in [{@code minFraction}, 1] of the
     * shorter side, at a random position, and resizes it to {@code height x width} (bilinear): a
     * scale-and-shift augmentation without padding, so a white background stays white.
     */
    public static Transform randomSquareCrop(int height, int width, double minFraction) {
        checkSize("randomSquareCrop", height, width);
        if (!(minFraction > 0 && minFraction <= 1)) {
            throw new GraftException("randomSquareCrop fraction " + minFraction + " is outside (0, 1]", "use e.g. 0.75");
        }
        Transform resize = resize(height, width);
        return (image, random) -> {
            int shorter = Math.min(image.height(), image.width());
            int side = Math.max(1, (int) Math.round(shorter * (minFraction + (1 - minFraction) * random.nextDouble())));
            int top = random.nextInt(image.height() - side + 1);
            int left = random.nextInt(image.width() - side + 1);
            return resize.apply(crop(image, top, left, side, side), random);
        };
    }

    /** Mirrors the image left-right with probability {@code p}. */
    public static Transform horizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new GraftException("flip probability " + p + " is outside [0, 1]", "use e.g. 0.5");
        }
        return (image, random) -> {
            if (random.nextDouble() >= p) {
                return image;
            }
            int c = image.channels();
            int h = image.height();
            int w = image.width();
            float[] src = image.values();
            float[] out = new float[src.length];
            for (int row = 0; row < c * h; row++) {
                int base = row * w;
                for (int x = 0; x < w; x++) {
                    out[base + x] = src[base + w - 1 - x];
                }
            }
            return new Pixels(c, h, w, out);
        };
    }

    /** Repeats a single gray channel three times; three-channel images pass unchanged. */
    public static Transform grayscaleToRgb() {
        return (image, random) -> {
            if (image.channels() == 3) {
                return image;
            }
            if (image.channels() != 1) {
                throw new GraftException("grayscaleToRgb got a " + image.channels() + "-channel image", "it takes 1 or 3 channels");
            }
            int plane = image.height() * image.width();
            float[] out = new float[3 * plane];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(image.values(), 0, out, c * plane, plane);
            }
            return new Pixels(3, image.height(), image.width(), out);
        };
    }

    /** {@code (x - mean[c]) / std[c]} per channel. */
    public static Transform normalize(double[] mean, double[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new GraftException("normalize needs as many means as stds (got " + mean.length + " and " + std.length + ")",
                    "give one mean and one std per channel");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new GraftException("normalize std " + s + " is not positive", "use the std the model was trained with");
            }
        }
        float[] m = new float[mean.length];
        float[] inv = new float[std.length];
        for (int i = 0; i < mean.length; i++) {
            m[i] = (float) mean[i];
            inv[i] = (float) (1.0 / std[i]);
        }
        return (image, random) -> {
            if (image.channels() != m.length) {
                throw new GraftException("normalize has " + m.length + " means but the image has " + image.channels() + " channels",
                        image.channels() == 1 && m.length == 3 ? "add Transforms.grayscaleToRgb() before it" : "match the model's channels");
            }
            int plane = image.height() * image.width();
            float[] src = image.values();
            float[] out = new float[src.length];
            for (int c = 0; c < m.length; c++) {
                for (int k = c * plane; k < (c + 1) * plane; k++) {
                    out[k] = (src[k] - m[c]) * inv[c];
                }
            }
            return new Pixels(image.channels(), image.height(), image.width(), out);
        };
    }

    /** Normalises with the mean and std the weights were trained with ({@code PretrainedCfg.mean/std}). */
    public static Transform normalize(PretrainedCfg cfg) {
        if (cfg.mean() == null || cfg.std() == null) {
            throw new GraftException("config of " + cfg.name() + " has no mean/std", "add \"mean\" and \"std\" to its config.json");
        }
        return normalize(toArray(cfg.mean()), toArray(cfg.std()));
    }

    /**
     * The evaluation pipeline a model's config asks for (timm's eval transform): gray to RGB when
     * the model takes 3 channels, resize the shorter side to {@code floor(size / crop_pct)} with the
     * config's interpolation (default bilinear), centre crop to the input size, normalise.
     */
    public static Transform evalFor(PretrainedCfg cfg) {
        List<Integer> in = cfg.inputSize();
        if (in == null || in.size() != 3) {
            throw new GraftException("config of " + cfg.name() + " has no input_size [C, H, W]", "add \"input_size\" to its config.json");
        }
        int c = in.get(0);
        int h = in.get(1);
        int w = in.get(2);
        double pct = cfg.cropPct() > 0 ? cfg.cropPct() : 1.0;
        Transform t = c == 3 ? grayscaleToRgb() : identity();
        Interpolation mode = Interpolation.of(cfg.interpolation());
        if (h == w) {
            int size = (int) Math.floor(h / pct);
            t = t.then((image, random) -> {
                int ih = image.height();
                int iw = image.width();
                return ih <= iw ? resizeWith(image, size, (int) ((long) size * iw / ih), mode)
                        : resizeWith(image, (int) ((long) size * ih / iw), size, mode);
            });
        } else {
            int rh = (int) Math.floor(h / pct);
            int rw = (int) Math.floor(w / pct);
            t = t.then((image, random) -> resizeWith(image, rh, rw, mode));
        }
        t = t.then(centerCrop(h, w));
        return cfg.mean() != null && cfg.std() != null ? t.then(normalize(cfg)) : t;
    }

    /**
     * Applies a transform to every image once and returns the result as new data (for
     * deterministic steps such as evaluation resizing; random steps belong in a
     * {@link dev.graft.data.DataLoader}, which redraws them every epoch).
     */
    public static ImageData applyAll(ImageData data, Transform t, long seed) {
        if (data.size() == 0) {
            return data;
        }
        Random rng = new Random(seed);
        Pixels first = t.apply(new Pixels(data.channels(), data.height(), data.width(), data.image(0)), rng);
        int per = first.values().length;
        float[] out = new float[per * data.size()];
        System.arraycopy(first.values(), 0, out, 0, per);
        for (int i = 1; i < data.size(); i++) {
            Pixels p = t.apply(new Pixels(data.channels(), data.height(), data.width(), data.image(i)), rng);
            if (p.values().length != per || p.channels() != first.channels() || p.height() != first.height()) {
                throw new GraftException("the transform gave image " + i + " the shape " + p.channels() + "x" + p.height() + "x"
                        + p.width() + " but image 0 " + first.channels() + "x" + first.height() + "x" + first.width(),
                        "end the transform with a fixed-size step such as resize or centerCrop");
            }
            System.arraycopy(p.values(), 0, out, i * per, per);
        }
        return new ImageData(data.name(), data.classNames(), first.channels(), first.height(), first.width(), out, data.labels().clone());
    }

    /** The resampling methods {@link #resize(int, int, String)} knows. */
    enum Interpolation {
        NEAREST, BILINEAR, BICUBIC;

        static Interpolation of(String name) {
            if (name == null || name.isBlank()) {
                return BILINEAR;
            }
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "nearest" -> NEAREST;
                case "bilinear" -> BILINEAR;
                case "bicubic" -> BICUBIC;
                default -> throw new GraftException("interpolation '" + name + "' is not supported",
                        "use bilinear, bicubic or nearest");
            };
        }
    }

    static Pixels resizeWith(Pixels image, int outH, int outW, Interpolation mode) {
        return switch (mode) {
            case BILINEAR -> resizeBilinear(image, outH, outW);
            case BICUBIC -> resizeBicubic(image, outH, outW);
            case NEAREST -> resizeNearest(image, outH, outW);
        };
    }

    static Pixels resizeNearest(Pixels image, int outH, int outW) {
        int c = image.channels();
        int inH = image.height();
        int inW = image.width();
        float[] src = image.values();
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < outH; y++) {
                int sy = Math.min((int) Math.floor(y * (double) inH / outH), inH - 1);
                for (int x = 0; x < outW; x++) {
                    int sx = Math.min((int) Math.floor(x * (double) inW / outW), inW - 1);
                    out[(ch * outH + y) * outW + x] = src[(ch * inH + sy) * inW + sx];
                }
            }
        }
        return new Pixels(c, outH, outW, out);
    }

    static Pixels resizeBicubic(Pixels image, int outH, int outW) {
        int c = image.channels();
        int inH = image.height();
        int inW = image.width();
        if (inH == outH && inW == outW) {
            return image;
        }
        int[][] yi = new int[outH][4];
        float[][] yw = new float[outH][4];
        cubicAxis(inH, outH, yi, yw);
        int[][] xi = new int[outW][4];
        float[][] xw = new float[outW][4];
        cubicAxis(inW, outW, xi, xw);
        float[] src = image.values();
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            int sBase = ch * inH * inW;
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    float acc = 0f;
                    for (int j = 0; j < 4; j++) {
                        int row = sBase + yi[y][j] * inW;
                        float r = 0f;
                        for (int i = 0; i < 4; i++) {
                            r += src[row + xi[x][i]] * xw[x][i];
                        }
                        acc += r * yw[y][j];
                    }
                    out[(ch * outH + y) * outW + x] = acc;
                }
            }
        }
        return new Pixels(c, outH, outW, out);
    }

    /** PyTorch's upsample_bicubic2d taps: source index without clamping, 4 taps clamped to the edge. */
    private static void cubicAxis(int in, int out, int[][] idx, float[][] w) {
        final double a = -0.75;
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double real = (o + 0.5) * scale - 0.5;
            int base = (int) Math.floor(real);
            double t = real - base;
            double[] k = {
                ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a,
                ((a + 2) * t - (a + 3)) * t * t + 1,
                ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1,
                ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a,
            };
            for (int j = 0; j < 4; j++) {
                idx[o][j] = Math.max(0, Math.min(in - 1, base - 1 + j));
                w[o][j] = (float) k[j];
            }
        }
    }

    static Pixels resizeBilinear(Pixels image, int outH, int outW) {
        int c = image.channels();
        int inH = image.height();
        int inW = image.width();
        if (inH == outH && inW == outW) {
            return image;
        }
        // Per output row/column: the two source indices and the weight of the second.
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        float[] wy = new float[outH];
        axis(inH, outH, y0, y1, wy);
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] wx = new float[outW];
        axis(inW, outW, x0, x1, wx);
        float[] src = image.values();
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            int sBase = ch * inH * inW;
            int oBase = ch * outH * outW;
            for (int y = 0; y < outH; y++) {
                int r0 = sBase + y0[y] * inW;
                int r1 = sBase + y1[y] * inW;
                float fy = wy[y];
                int o = oBase + y * outW;
                for (int x = 0; x < outW; x++) {
                    float top = src[r0 + x0[x]] + (src[r0 + x1[x]] - src[r0 + x0[x]]) * wx[x];
                    float bottom = src[r1 + x0[x]] + (src[r1 + x1[x]] - src[r1 + x0[x]]) * wx[x];
                    out[o + x] = top + (bottom - top) * fy;
                }
            }
        }
        return new Pixels(c, outH, outW, out);
    }

    private static void axis(int in, int out, int[] i0, int[] i1, float[] w) {
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double src = Math.max(0.0, (o + 0.5) * scale - 0.5);
            int lo = Math.min((int) Math.floor(src), in - 1);
            i0[o] = lo;
            i1[o] = Math.min(lo + 1, in - 1);
            w[o] = (float) (src - lo);
        }
    }

    private static Pixels pad(Pixels image, int padding) {
        if (padding == 0) {
            return image;
        }
        int c = image.channels();
        int h = image.height() + 2 * padding;
        int w = image.width() + 2 * padding;
        Pixels out = Pixels.zeros(c, h, w);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < image.height(); y++) {
                System.arraycopy(image.values(), (ch * image.height() + y) * image.width(),
                        out.values(), (ch * h + y + padding) * w + padding, image.width());
            }
        }
        return out;
    }

    private static Pixels padToAtLeast(Pixels image, int height, int width) {
        if (image.height() >= height && image.width() >= width) {
            return image;
        }
        int h = Math.max(height, image.height());
        int w = Math.max(width, image.width());
        // torchvision pads (crop - size) // 2 on the top/left and the rest on the bottom/right.
        int top = (h - image.height()) / 2;
        int left = (w - image.width()) / 2;
        Pixels out = Pixels.zeros(image.channels(), h, w);
        for (int ch = 0; ch < image.channels(); ch++) {
            for (int y = 0; y < image.height(); y++) {
                System.arraycopy(image.values(), (ch * image.height() + y) * image.width(),
                        out.values(), (ch * h + y + top) * w + left, image.width());
            }
        }
        return out;
    }

    private static Pixels crop(Pixels image, int top, int left, int height, int width) {
        if (top == 0 && left == 0 && height == image.height() && width == image.width()) {
            return image;
        }
        int c = image.channels();
        float[] out = new float[c * height * width];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(image.values(), (ch * image.height() + top + y) * image.width() + left,
                        out, (ch * height + y) * width, width);
            }
        }
        return new Pixels(c, height, width, out);
    }

    private static void checkSize(String what, int h, int w) {
        if (h <= 0 || w <= 0) {
            throw new GraftException(what + " size " + h + "x" + w + " is not positive", "use a size of at least 1x1");
        }
    }

    private static double[] toArray(List<Double> values) {
        double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }
}
