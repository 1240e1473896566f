package dev.graft.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.engine.PtNDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * Analytic gradients (autograd) against central finite differences of the same float32 loss, along
 * the gradient itself and along random directions: a wrong backward kernel (or wrong gradient
 * bookkeeping) shows as a directional derivative that the loss does not have.
 */
public final class GradientCheck {
    /** Finite-difference step along a unit direction over all parameters together. */
    static final float EPS = 1e-2f;

    private GradientCheck() {}

    /** The outcome: the worst |finite difference - analytic| over the directions, relative to the gradient's norm. */
    public record Result(double worst, double gradientNorm, List<String> lines) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "worst %.2e of |g| = %.3g%n", worst, gradientNorm) + String.join("\n", lines);
        }
    }

    /**
     * Checks {@code loss} (a scalar made in the given manager from the current parameter values)
     * against its gradient with respect to {@code params}, along the gradient and {@code randomDirections} more.
     */
    public static Result check(List<NDArray> params, Function<NDManager, NDArray> loss, NDManager parent, int randomDirections, long seed) {
        return compare(params, analytic(params, loss, parent), loss, parent, randomDirections, seed);
    }

    /** Checks a gradient obtained elsewhere ({@code flat}: the parameters' gradients concatenated in order) against {@code loss}. */
    public static Result checkGiven(List<NDArray> params, float[] flat, Function<NDManager, NDArray> loss, NDManager parent) {
        List<float[]> grads = new ArrayList<>();
        int offset = 0;
        for (NDArray p : params) {
            int n = Math.toIntExact(p.getShape().size());
            grads.add(java.util.Arrays.copyOfRange(flat, offset, offset + n));
            offset += n;
        }
        if (offset != flat.length) {
            throw new IllegalArgumentException("gradient of " + flat.length + " values for parameters of " + offset);
        }
        return compare(params, grads, loss, parent, 2, 11);
    }

    private static Result compare(List<NDArray> params, List<float[]> grads, Function<NDManager, NDArray> loss, NDManager parent,
            int randomDirections, long seed) {
        double norm = 0;
        for (float[] g : grads) {
            for (float v : g) {
                norm += (double) v * v;
            }
        }
        norm = Math.sqrt(norm);
        Random rnd = new Random(seed);
        double worst = 0;
        List<String> lines = new ArrayList<>();
        for (int d = 0; d <= randomDirections; d++) {
            List<float[]> dir = new ArrayList<>();
            double len = 0;
            for (int i = 0; i < params.size(); i++) {
                float[] v = new float[grads.get(i).length];
                for (int k = 0; k < v.length; k++) {
                    v[k] = d == 0 ? grads.get(i)[k] : (float) rnd.nextGaussian();
                    len += (double) v[k] * v[k];
                }
                dir.add(v);
            }
            double analytic = 0;
            for (int i = 0; i < params.size(); i++) {
                float[] v = dir.get(i);
                for (int k = 0; k < v.length; k++) {
                    v[k] /= (float) Math.sqrt(len);
                    analytic += (double) v[k] * grads.get(i)[k];
                }
            }
            double up = evaluate(params, dir, EPS, loss, parent);
            double down = evaluate(params, dir, -EPS, loss, parent);
            double fd = (up - down) / (2 * EPS);
            double err = Math.abs(fd - analytic) / Math.max(norm, 1e-12);
            worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
            lines.add(String.format(Locale.ROOT, "%s: analytic %.6g, finite difference %.6g", d == 0 ? "along the gradient" : "random " + d,
                    analytic, fd));
        }
        return new Result(worst, norm, lines);
    }

    private static List<float[]> analytic(List<NDArray> params, Function<NDManager, NDArray> loss, NDManager parent) {
        for (NDArray p : params) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
        try (NDManager m = parent.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(loss.apply(m));
        }
        List<float[]> out = new ArrayList<>();
        for (NDArray p : params) {
            out.add(p.getGradient().toFloatArray());
        }
        return out;
    }

    /** The loss with every parameter moved by {@code step} along {@code dir}, parameters restored afterwards. */
    private static double evaluate(List<NDArray> params, List<float[]> dir, float step, Function<NDManager, NDArray> loss, NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            List<float[]> original = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                original.add(params.get(i).toFloatArray());
                params.get(i).addi(m.create(dir.get(i), params.get(i).getShape()).mul(step));
            }
            try {
                return loss.apply(m).getFloat();
            } finally {
                for (int i = 0; i < params.size(); i++) {
                    params.get(i).set(java.nio.FloatBuffer.wrap(original.get(i)));
                }
            }
        }
    }
}
