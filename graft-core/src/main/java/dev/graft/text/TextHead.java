package dev.graft.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import java.util.List;

/**
 * A linear classifier over sentence vectors ({@code classifier.weight} C x D, {@code classifier.bias} C),
 * the head that {@code head}, {@code partial} and {@code full} fine-tuning train.
 *
 * <pre>{@code
 * TextHead head = TextFineTuner.fitHead(trainVectors, train.labels(), train.classNames(), null, null, opts).head();
 * int c = head.predict(encoder.embed(List.of("a striped wild cat"))[0]);
 * }</pre>
 */
public final class TextHead implements VectorClassifier {
    private final List<String> classNames;
    private final float[][] weight;
    private final float[] bias;

    public TextHead(List<String> classNames, float[][] weight, float[] bias) {
        if (weight.length != classNames.size() || bias.length != classNames.size()) {
            throw new GraftException("a head with " + weight.length + " rows and " + bias.length + " biases for "
                    + classNames.size() + " classes", "give one row and bias per class");
        }
        this.classNames = List.copyOf(classNames);
        this.weight = weight;
        this.bias = bias;
    }

    /** A zero-initialised head (logistic regression starts at uniform predictions). */
    public static TextHead zeros(List<String> classNames, int dim) {
        return new TextHead(classNames, new float[classNames.size()][dim], new float[classNames.size()]);
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    public int dimension() {
        return weight[0].length;
    }

    /** The weight as a C x D array in {@code nd}. */
    public NDArray weightArray(NDManager nd) {
        float[] flat = new float[weight.length * dimension()];
        for (int c = 0; c < weight.length; c++) {
            System.arraycopy(weight[c], 0, flat, c * dimension(), dimension());
        }
        return nd.create(flat, new Shape(weight.length, dimension()));
    }

    public NDArray biasArray(NDManager nd) {
        return nd.create(bias.clone());
    }

    /** A head holding the values of trained arrays. */
    public static TextHead of(List<String> classNames, NDArray weight, NDArray bias) {
        int c = (int) weight.getShape().get(0);
        int d = (int) weight.getShape().get(1);
        float[] flat = weight.toFloatArray();
        float[][] w = new float[c][d];
        for (int i = 0; i < c; i++) {
            System.arraycopy(flat, i * d, w[i], 0, d);
        }
        return new TextHead(classNames, w, bias.toFloatArray());
    }

    public float[] logits(float[] x) {
        float[] out = new float[weight.length];
        for (int c = 0; c < weight.length; c++) {
            double s = bias[c];
            for (int j = 0; j < x.length; j++) {
                s += weight[c][j] * x[j];
            }
            out[c] = (float) s;
        }
        return out;
    }

    /** The logits: {@link #predict} and {@link #accuracy} take the class with the largest. */
    @Override
    public float[] scores(float[] x) {
        return logits(x);
    }
}
