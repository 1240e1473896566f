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
 * synthetic data, one JSON line per model. Run by bench/training.sh:
 * java -cp "graft-cli/target/graft.jar:graft-cli/target/lib/*" bench/TrainBench.java small_cnn 128 30
 */
public class TrainBench {
    public static void main(String[] args) throws Exception {
        String name = args[0];
        int batch = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        int warm = 3;
        Engines.pytorch();
        Engine.getInstance().setRandomSeed(1);
        GraftModel model = Zoo.create(name, new CreateOptions().numClasses(10));
        List<Integer> in = model.cfg().inputSize();
        int per = in.get(0) * in.get(1) * in.get(2);
        Random r = new Random(1);
        int n = batch * (steps + warm);
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
        TensorSet warmSet = new TensorSet(java.util.Arrays.copyOf(x, batch * warm * per), shape, java.util.Arrays.copyOf(y, batch * warm), classes);
        TensorSet data = new TensorSet(java.util.Arrays.copyOfRange(x, batch * warm * per, x.length), shape,
                java.util.Arrays.copyOfRange(y, batch * warm, n), classes);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(1).withBatchSize(batch).withWarmupEpochs(0).withLr(0.01);

        // Graft: the full loop (shuffle, schedule, label smoothing, clipping, grouped SGD, metrics, progress)
        GroupedOptimizer opt = new GroupedOptimizer(cfg.optimizer(), cfg.momentum(), ModelParts.trainable(model, Strategy.SCRATCH, cfg));
        new TrainLoop(cfg, model::forward, opt, model.stateDict()).run(warmSet, null, null);
        TrainLoop.Result res = new TrainLoop(cfg, model::forward, opt, model.stateDict()).run(data, null, null);
        double graftIps = res.samplesSeen() / res.trainSeconds();

        // Bare DJL: forward, loss, backward, DJL's built-in SGD update on every parameter
        Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).optMomentum(0.9f).optWeightDecays(5e-4f).build();
        List<Parameter> params = new ArrayList<>();
        for (var e : model.stateDict().entrySet()) {
            if (!ModelParts.isBuffer(e.getKey()) && e.getValue().requiresGradient()) {
                params.add(e.getValue());
            }
        }
        double bareSecs = 0;
        try (NDManager base = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(base, false);
            for (int s = 0; s < warm + steps; s++) {
                TensorSet src = s < warm ? warmSet : data;
                int b = s < warm ? s : s - warm;
                int[] idx = new int[batch];
                for (int k = 0; k < batch; k++) {
                    idx[k] = b * batch + k;
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
                    try (NDArray g = w.getGradient()) {
                        sgd.update(p.getId(), w, g);
                        g.subi(g);
                    }
                }
                if (s >= warm) {
                    bareSecs += (System.nanoTime() - t0) / 1e9;
                }
            }
        }
        double bareIps = steps * batch / bareSecs;
        long rssKb = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        System.out.printf(Locale.ROOT, "{\"model\": \"%s\", \"batch\": %d, \"steps\": %d, \"graft_images_per_s\": %.2f,"
                + " \"bare_djl_images_per_s\": %.2f, \"loop_overhead\": %.4f, \"peak_rss_mb\": %.0f}%n",
                name, batch, steps, graftIps, bareIps, bareIps / graftIps - 1, rssKb / 1024.0);
    }
}
