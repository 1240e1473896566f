package dev.graft.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Input normalisation {@code (x - mean[c]) / std[c]} per channel, as torchvision's
 * {@code Normalize}: on pixel arrays and on N x C x H x W batches, with the per-channel values
 * taken from a config's {@code mean}/{@code std} lists. Both forms divide (not multiply by a
 * reciprocal), so they give the same float32 values.
 *
 * <pre>{@code
 * float[] mean = Normalization.perChannel(cfg.mean(), 3, 0f);
 * float[] std = Normalization.perChannel(cfg.std(), 3, 1f);
 * Normalization.apply(pixels, 3, h * w, mean, std);            // in place
 * NDArray x = Normalization.apply(batch, mean, std);
 * }</pre>
 */
public final class Normalization {
    private Normalization() {}

    /**
     * {@code channels} values from a config list holding one per channel or one for all;
     * {@code absent} for each channel when the list is null or empty.
     */
    public static float[] perChannel(List<Double> values, int channels, float absent) {
        float[] out = new float[channels];
        for (int k = 0; k < channels; k++) {
            out[k] = values == null || values.isEmpty() ? absent : (float) (double) values.get(values.size() == channels ? k : 0);
        }
        return out;
    }

    /**
     * Normalises images stored as consecutive planes of {@code plane} values, the channels of each
     * image in order (so plane {@code i} is channel {@code i % channels}), in place.
     */
    public static void apply(float[] pixels, int channels, int plane, float[] mean, float[] std) {
        for (int i = 0; i < pixels.length; i++) {
            int k = (i / plane) % channels;
            pixels[i] = (pixels[i] - mean[k]) / std[k];
        }
    }

    /** A normalised copy of an N x C x H x W batch; {@code mean} and {@code std} hold one value per channel. */
    public static NDArray apply(NDArray images, float[] mean, float[] std) {
        Shape s = new Shape(1, mean.length, 1, 1);
        return images.sub(images.getManager().create(mean, s)).div(images.getManager().create(std, s));
    }
}
