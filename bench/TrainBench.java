import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.graft.engine.Engines;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.Losses;
import dev.graft.train.ModelParts;
import dev.graft.train.Strategy;
import dev.graft.train.TensorSet;
import dev.graft.train.TrainConfig;
import dev.graft.train.TrainLoop;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Training throughput of Graft's loop against a bare DJL loop (forward, backward, DJL's SGD update) on
 * synthetic data, one JSON line per model. The two loops take turns for several rounds on the same model
 * and the median round of each is reported, so drifting machine speed affects both alike. Run by
 * bench/training.sh:
 * java -cp "graft-cli/target/graft.jar:graft-cli/target/lib/*" bench/TrainBench.java small_cnn 128 100 5
 */
public class TrainBench {
    public static void main(String[] args) throws Exception {
        String name = args[0];
        int batch = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int warm = 3;
        Engines.pytorch();
        Engine.getInstance().setRandomSeed(1);
        GraftModel model = Zoo.create(name, CreateOptions.defaults().withNumClasses(10));
        List<Integer> in = model.cfg().inputSize();
        int per = in.get(0) * in.get(1) * in.get(2);
        Random r = new Random(1);
        int n = batch * steps;
        float[] x = new float[n * per];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(10);
        }
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            classes.add("c" + c);
        }
        long[] shape = {in.get(0), in.get(1), in.get(2)};
        TensorSet data = new TensorSet(x, shape, y, classes);
        TensorSet warmSet = new TensorSet(java.util.Arrays.copyOf(x, batch * warm * per), shape, java.util.Arrays.copyOf(y, batch * warm), classes);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(1).withBatchSize(batch).withWarmupEpochs(0).withLr(0.01);

        // Graft: the full loop (shuffle, schedule, label smoothing, clipping, grouped SGD, metrics, progress)
        GroupedOptimizer opt = new GroupedOptimizer(cfg.optimizer(), cfg.momentum(), ModelParts.trainable(model, Strategy.SCRATCH, cfg));
        // Bare DJL: forward, loss, backward, DJL's built-in SGD update on every parameter
        Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).optMomentum(0.9f).optWeightDecays(5e-4f).build();
        List<Parameter> params = new ArrayList<>();
        for (var e : model.stateDict().entrySet()) {
            if (!ModelParts.isBuffer(e.getKey()) && e.getValue().requiresGradient()) {
                params.add(e.getValue());
            }
        }
        new TrainLoop(cfg, model::forward, opt, model.stateDict()).run(warmSet, null, null);
        bare(model, sgd, params, warmSet, batch, warm);
        double[] graftIps = new double[rounds];
        double[] bareIps = new double[rounds];
        for (int k = 0; k < rounds; k++) {
            TrainLoop.Result res = new TrainLoop(cfg, model::forward, opt, model.stateDict()).run(data, null, null);
            graftIps[k] = res.samplesSeen() / res.trainSeconds();
            bareIps[k] = steps * batch / bare(model, sgd, params, data, batch, steps);
        }
        long rssKb = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        double g = median(graftIps);
        double b = median(bareIps);
        // overhead within each round (both loops saw the same machine speed), then the median round
        double[] ratio = new double[rounds];
        for (int k = 0; k < rounds; k++) {
            ratio[k] = bareIps[k] / graftIps[k];
        }
        System.out.printf(Locale.ROOT, "{\"model\": \"%s\", \"batch\": %d, \"steps\": %d, \"rounds\": %d, \"graft_images_per_s\": %.2f,"
                + " \"bare_djl_images_per_s\": %.2f, \"loop_overhead\": %.4f, \"graft_rounds\": %s, \"bare_rounds\": %s, \"peak_rss_mb\": %.0f}%n",
                name, batch, steps, rounds, g, b, median(ratio) - 1, list(graftIps), list(bareIps), rssKb / 1024.0);
    }

    /** Seconds for {@code steps} bare steps over {@code src} in order. */
    static double bare(GraftModel model, Optimizer sgd, List<Parameter> params, TensorSet src, int batch, int steps) {
        double secs = 0;
        try (NDManager base = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            for (int s = 0; s < steps; s++) {
                int[] idx = new int[batch];
                for (int k = 0; k < batch; k++) {
                    idx[k] = s * batch + k;
                }
                long t0 = System.nanoTime();
                try (NDManager nd = base.newSubManager(); NDScope scope = new NDScope()) {
                    NDArray xb = src.batch(nd, idx);
                    NDArray yb = src.labels(nd, idx);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = Losses.crossEntropy(model.forward(ps, xb, true), yb, 0.0);
                        gc.backward(loss);
                    }
                }
                // outside the scope: DJL's SGD keeps its momentum buffers between steps
                for (Parameter p : params) {
                    NDArray w = p.getArray();
                    try (NDArray grad = w.getGradient()) {
                        sgd.update(p.getId(), w, grad);
                        grad.subi(grad);
                    }
                }
                secs += (System.nanoTime() - t0) / 1e9;
            }
        }
        return secs;
    }

    static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    static String list(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.1f", v[i]));
        }
        return b.append("]").toString();
    }
}
