package dev.graft.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Checks the engine's oneDNN kernels against a plain double-precision reference written here:
 * convolution output and its three gradients (input, weight, bias), twice over a retained graph, on
 * the layer shapes Graft's models train with, and the exact GELU with its gradient.
 *
 * <p>Why: libtorch routes float32 convolutions through oneDNN, whose kernels are chosen per CPU (ISA,
 * cache sizes). On one machine (AMD, AVX-512) they gave wrong weight gradients for the smallest
 * shapes while {@code ONEDNN_MAX_CPU_ISA=AVX2} gave right ones. Nothing in Graft's own code can see
 * that, so the engine is checked once per machine ({@link EngineNumerics}) before Graft trains on it.
 * {@code java -cp graft.jar dev.graft.engine.NumericsCheck} prints the table: the minimal reproducer.
 *
 * <pre>{@code
 * NumericsCheck.Report r = NumericsCheck.run();
 * if (!r.ok()) System.err.println(r.table());
 * }</pre>
 */
public final class NumericsCheck {
    /**
     * Relative error (to the largest reference value) above which a result counts as wrong; float32
     * sums here stay near 1e-6, wrong kernels were off by 0.3 and more. {@code -Dgraft.numerics.tolerance} overrides it.
     */
    public static double tolerance() {
        return Double.parseDouble(System.getProperty("graft.numerics.tolerance", "2e-4"));
    }
    /** How often each case is run: wrong results from uninitialised memory differ between runs. */
    static final int REPEATS = 3;

    private NumericsCheck() {}

    /** One convolution layer: batch, input channels and size, output channels, square kernel, stride, padding. */
    public record Case(String name, int n, int c, int h, int w, int oc, int k, int stride, int pad) {
        int oh() { return (h + 2 * pad - k) / stride + 1; }
        int ow() { return (w + 2 * pad - k) / stride + 1; }
        String shape() {
            return String.format(Locale.ROOT, "mb%d ic%d oc%d %dx%d k%d s%d p%d", n, c, oc, h, w, k, stride, pad);
        }
    }

    /**
     * The worst relative error of each quantity over the repeats; {@code retained} is the second
     * backward's; weight and bias are 0 for an activation.
     */
    public record Result(String name, String shape, double output, double input, double weight, double bias, double retained) {
        public double worst() {
            return Math.max(Math.max(Math.max(output, input), Math.max(weight, bias)), retained);
        }

        public boolean ok() {
            return worst() <= tolerance();
        }

        /** The first quantity that is wrong, for messages. */
        String wrongPart() {
            double t = tolerance();
            if (output > t) return "output";
            if (weight > t) return "weight gradient";
            if (input > t) return "input gradient";
            if (bias > t) return "bias gradient";
            return "gradient of a second backward";
        }
    }

    /** Every case's result. */
    public record Report(List<Result> results) {
        public boolean ok() {
            return results.stream().allMatch(Result::ok);
        }

        public double worst() {
            return results.stream().mapToDouble(Result::worst).max().orElse(0);
        }

        /** The first failing case in words, or null. */
        public String firstFailure() {
            for (Result r : results) {
                if (!r.ok()) {
                    return String.format(Locale.ROOT, "%s (%s): %s off by %.3g of its scale", r.name(), r.shape(),
                            r.wrongPart(), r.worst());
                }
            }
            return null;
        }

        public String table() {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-14s %-30s %9s %9s %9s %9s %9s  %s%n",
                    "case", "shape", "output", "d_input", "d_weight", "d_bias", "retained", "verdict"));
            for (Result r : results) {
                s.append(String.format(Locale.ROOT, "%-14s %-30s %9.2e %9.2e %9.2e %9.2e %9.2e  %s%n", r.name(), r.shape(),
                        r.output(), r.input(), r.weight(), r.bias(), r.retained(), r.ok() ? "ok" : "WRONG"));
            }
            return s.toString();
        }
    }

    /**
     * The layers checked: the unit tests' tiny backbones (1-8 channels, below one oneDNN block), the
     * stem and a stride-2 stage of small_cnn, LeNet's two 5x5 layers and a ResNet 1x1 down-sampling.
     */
    public static List<Case> cases() {
        return List.of(
                new Case("tiny-conv1", 16, 1, 8, 8, 4, 3, 1, 1),
                new Case("tiny-conv2", 16, 4, 8, 8, 6, 3, 1, 1),
                new Case("tinynet-conv2", 16, 4, 8, 8, 8, 3, 2, 1),
                new Case("small-stem", 8, 1, 28, 28, 16, 3, 1, 1),
                new Case("small-stage1", 8, 16, 28, 28, 32, 3, 2, 1),
                new Case("lenet-conv1", 8, 1, 28, 28, 20, 5, 1, 0),
                new Case("lenet-conv2", 8, 20, 12, 12, 50, 5, 1, 0),
                new Case("resnet-down", 4, 16, 8, 8, 32, 1, 2, 0));
    }

    /**
     * Exact (erf) GELU, the other oneDNN kernel Graft's training reaches (BERT's and ViT's feed-forward
     * layers): the tiny test BERT's, a 768-wide and MiniLM's 1536-wide activation.
     */
    public static List<long[]> geluShapes() {
        return List.of(new long[] {16, 6, 32}, new long[] {8, 5, 768}, new long[] {4, 16, 1536});
    }

    /** Runs every case on the engine (started by {@link Engines#start()} if needed). */
    public static Report run() {
        Engines.start();
        List<Result> out = new ArrayList<>();
        Random rnd = new Random(20261202L);
        try (NDManager nd = NDManager.newBaseManager()) {
            for (Case c : cases()) {
                out.add(check(nd, c, rnd));
            }
            for (long[] shape : geluShapes()) {
                out.add(checkGelu(nd, shape, rnd));
            }
        }
        return new Report(out);
    }

    private static Result checkGelu(NDManager parent, long[] shape, Random rnd) {
        int n = Math.toIntExact(new Shape(shape).size());
        float[] x = random(rnd, n);
        float[] g = random(rnd, n);
        double[] y = new double[n];
        double[] dx = new double[n];
        for (int i = 0; i < n; i++) {
            double cdf = 0.5 * (1 + erf(x[i] / Math.sqrt(2)));
            double pdf = Math.exp(-0.5 * x[i] * x[i]) / Math.sqrt(2 * Math.PI);
            y[i] = x[i] * cdf;
            dx[i] = g[i] * (cdf + x[i] * pdf);
        }
        double eOut = 0, eIn = 0, eRetained = 0;
        for (int rep = 0; rep < REPEATS; rep++) {
            try (NDManager nd = parent.newSubManager()) {
                NDArray xa = nd.create(x, new Shape(shape));
                xa.setRequiresGradient(true);
                boolean grad = JniUtils.isGradMode();
                JniUtils.setGradMode(true);
                try {
                    NDArray ya = ai.djl.nn.Activation.gelu(xa);
                    eOut = Math.max(eOut, relError(ya.toFloatArray(), y, 1));
                    NDArray loss = ya.mul(nd.create(g, new Shape(shape))).sum();
                    backward(loss, nd, true);
                    eIn = Math.max(eIn, relError(xa.getGradient().toFloatArray(), dx, 1));
                    backward(loss, nd, false);
                    eRetained = Math.max(eRetained, relError(xa.getGradient().toFloatArray(), dx, 2));
                } finally {
                    JniUtils.setGradMode(grad);
                }
            }
        }
        return new Result("gelu", "x " + new Shape(shape), eOut, eIn, 0, 0, eRetained);
    }

    /** erf to about 1e-15 (Taylor series near 0, continued fraction of erfc beyond 3): Java has none. */
    static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 3) {
            double term = a;
            double sum = a;
            for (int k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
                term *= -a * a / k;
                sum += term / (2 * k + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...))))
            double f = a;
            for (int k = 60; k >= 1; k--) {
                f = a + (k / 2.0) / f;
            }
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }

    private static Result check(NDManager parent, Case c, Random rnd) {
        float[] x = random(rnd, c.n * c.c * c.h * c.w);
        float[] w = random(rnd, c.oc * c.c * c.k * c.k);
        float[] b = random(rnd, c.oc);
        float[] g = random(rnd, c.n * c.oc * c.oh() * c.ow());
        double[][] ref = reference(c, x, w, b, g);
        double eOut = 0, eIn = 0, eW = 0, eB = 0, eRetained = 0;
        for (int rep = 0; rep < REPEATS; rep++) {
            try (NDManager nd = parent.newSubManager()) {
                NDArray xa = nd.create(x, new Shape(c.n, c.c, c.h, c.w));
                NDArray wa = nd.create(w, new Shape(c.oc, c.c, c.k, c.k));
                NDArray ba = nd.create(b, new Shape(c.oc));
                NDArray ga = nd.create(g, new Shape(c.n, c.oc, c.oh(), c.ow()));
                for (NDArray a : new NDArray[] {xa, wa, ba}) {
                    a.setRequiresGradient(true);
                }
                boolean grad = JniUtils.isGradMode();
                JniUtils.setGradMode(true);
                try {
                    NDArray y = xa.getNDArrayInternal().convolution(xa, wa, ba, new Shape(c.stride, c.stride), new Shape(c.pad, c.pad),
                            new Shape(1, 1), 1).singletonOrThrow();
                    eOut = Math.max(eOut, relError(y.toFloatArray(), ref[0], 1));
                    NDArray loss = y.mul(ga).sum();
                    backward(loss, nd, true);
                    float[][] first = {xa.getGradient().toFloatArray(), wa.getGradient().toFloatArray(), ba.getGradient().toFloatArray()};
                    eIn = Math.max(eIn, relError(first[0], ref[1], 1));
                    eW = Math.max(eW, relError(first[1], ref[2], 1));
                    eB = Math.max(eB, relError(first[2], ref[3], 1));
                    // A second backward over the retained graph adds the same gradients again (per-task
                    // gradients in multi-task weighting do exactly this).
                    backward(loss, nd, false);
                    eRetained = Math.max(eRetained, Math.max(relError(xa.getGradient().toFloatArray(), ref[1], 2),
                            Math.max(relError(wa.getGradient().toFloatArray(), ref[2], 2), relError(ba.getGradient().toFloatArray(), ref[3], 2))));
                } finally {
                    JniUtils.setGradMode(grad);
                }
            }
        }
        return new Result(c.name(), c.shape(), eOut, eIn, eW, eB, eRetained);
    }

    private static void backward(NDArray scalar, NDManager nd, boolean retainGraph) {
        try (NDArray ones = nd.ones(scalar.getShape())) {
            JniUtils.backward((PtNDArray) scalar, (PtNDArray) ones, retainGraph, false);
        }
    }

    /** Largest |engine - scale * reference| relative to the largest |scale * reference|. */
    static double relError(float[] engine, double[] ref, double scale) {
        double max = 0;
        double err = 0;
        for (int i = 0; i < ref.length; i++) {
            max = Math.max(max, Math.abs(scale * ref[i]));
            double d = Math.abs(engine[i] - scale * ref[i]);
            err = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(err, d);
        }
        return err / Math.max(max, 1e-30);
    }

    private static float[] random(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    /**
     * The convolution done by definition in double precision, with loss = sum(y * g):
     * {output, d_input, d_weight, d_bias}.
     */
    static double[][] reference(Case c, float[] x, float[] w, float[] b, float[] g) {
        int oh = c.oh();
        int ow = c.ow();
        double[] y = new double[c.n * c.oc * oh * ow];
        double[] dx = new double[x.length];
        double[] dw = new double[w.length];
        double[] db = new double[b.length];
        for (int n = 0; n < c.n; n++) {
            for (int o = 0; o < c.oc; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int yi = ((n * c.oc + o) * oh + i) * ow + j;
                        double up = g[yi];
                        double sum = b[o];
                        db[o] += up;
                        for (int ch = 0; ch < c.c; ch++) {
                            for (int ki = 0; ki < c.k; ki++) {
                                int r = i * c.stride - c.pad + ki;
                                if (r < 0 || r >= c.h) {
                                    continue;
                                }
                                for (int kj = 0; kj < c.k; kj++) {
                                    int col = j * c.stride - c.pad + kj;
                                    if (col < 0 || col >= c.w) {
                                        continue;
                                    }
                                    int xi = ((n * c.c + ch) * c.h + r) * c.w + col;
                                    int wi = ((o * c.c + ch) * c.k + ki) * c.k + kj;
                                    sum += (double) x[xi] * w[wi];
                                    dw[wi] += up * x[xi];
                                    dx[xi] += up * w[wi];
                                }
                            }
                        }
                        y[yi] = sum;
                    }
                }
            }
        }
        return new double[][] {y, dx, dw, db};
    }

    /**
     * Prints the table and exits 1 if any case is wrong: the reproducer to attach to an engine bug
     * report. With {@code --fallbacks} it prints {@link EngineNumerics#FALLBACK_ISAS} instead, one a
     * line, for scripts that pick a setting the same way the command line does.
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--fallbacks")) {
            EngineNumerics.FALLBACK_ISAS.forEach(System.out::println);
            return;
        }
        Engines.start();
        long t0 = System.nanoTime();
        Report r = run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("engine " + Engines.start().getVersion() + ", ONEDNN_MAX_CPU_ISA="
                + System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", "(default)") + ", threads " + Engines.threads()
                + ", cpu " + EngineNumerics.cpuName());
        System.out.print(r.table());
        System.out.println((r.ok() ? "all results match the reference" : "WRONG: " + r.firstFailure())
                + " (" + ms + " ms)");
        System.exit(r.ok() ? 0 : 1);
    }
}
