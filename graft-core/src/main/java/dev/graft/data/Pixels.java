package dev.graft.data;

import dev.graft.GraftException;

/**
 * One image as float values, channels first ({@code C x H x W}, row-major), usually in [0, 1]
 * before normalisation. The unit transforms work on.
 *
 * <pre>{@code
 * Pixels p = new Pixels(1, 28, 28, data.image(0));
 * float v = p.get(0, 14, 14);
 * }</pre>
 *
 * @param channels C
 * @param height H
 * @param width W
 * @param values C*H*W values (not copied)
 */
public record Pixels(int channels, int height, int width, float[] values) {
    public Pixels {
        if (channels <= 0 || height <= 0 || width <= 0 || values.length != channels * height * width) {
            throw new GraftException("an image of " + channels + "x" + height + "x" + width + " cannot hold "
                    + values.length + " values", "check the image shape");
        }
    }

    /** A zero image of the given shape. */
    public static Pixels zeros(int channels, int height, int width) {
        return new Pixels(channels, height, width, new float[channels * height * width]);
    }

    /** Value at channel {@code c}, row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        return values[(c * height + y) * width + x];
    }

    /** Sets the value at channel {@code c}, row {@code y}, column {@code x}. */
    public void set(int c, int y, int x, float v) {
        values[(c * height + y) * width + x] = v;
    }
}
