import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.Batch;
import dev.graft.data.DataLoader;
import dev.graft.data.DataSplits;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.data.transform.Transform;
import dev.graft.data.transform.Transforms;
import dev.graft.engine.Engines;
import java.util.Locale;

/**
 * How much of the batch preparation the DataLoader hides behind model compute: MNIST train,
 * batch 128, a CIFAR-style training transform to 3x32x32, and a fixed stand-in "model" step
 * (two dense layers, 3072-1024-1024, on the batch). Prints the load-only, compute-only and overlapped times.
 */
public final class DataLoaderBench {
    public static void main(String[] args) {
        Engines.configure();
        Engines.pytorch();
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        long t0 = System.nanoTime();
        DataSplits s = Datasets.load("mnist", 42);
        double loadSecs = (System.nanoTime() - t0) / 1e9;
        ImageData train = s.train();
        Transform t = Transforms.compose(Transforms.grayscaleToRgb(), Transforms.resize(32, 32),
                Transforms.randomCrop(32, 32, 4), Transforms.horizontalFlip(0.5),
                Transforms.normalize(new double[] {0.5, 0.5, 0.5}, new double[] {0.25, 0.25, 0.25}));
        DataLoader loader = DataLoader.of(train).withBatchSize(128).withShuffle(1).withTransform(t);
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray w1 = nd.randomNormal(new Shape(3 * 32 * 32, 1024)).mul(0.01f);
            NDArray w2 = nd.randomNormal(new Shape(1024, 1024)).mul(0.01f);
            // warm-up
            run(loader, nd, w1, w2, 5, true, true);
            double load = run(loader, nd, w1, w2, batches, true, false);
            double compute = run(loader, nd, w1, w2, batches, false, true);
            double both = run(loader, nd, w1, w2, batches, true, true);
            System.out.printf(Locale.ROOT, "mnist load + verify (60000+10000 images): %.2f s%n", loadSecs);
            System.out.printf(Locale.ROOT, "batches=%d batch=128 transform=gray->rgb,resize32,randomCrop(pad 4),flip,normalize%n", batches);
            System.out.printf(Locale.ROOT, "load only     %.2f s  (%.0f img/s)%n", load, batches * 128 / load);
            System.out.printf(Locale.ROOT, "compute only  %.2f s%n", compute);
            System.out.printf(Locale.ROOT, "overlapped    %.2f s  (sequential would be %.2f s; %.0f%% of the loading hidden)%n",
                    both, load + compute, 100 * Math.max(0, Math.min(1, (load + compute - both) / Math.min(load, compute))));
        }
    }

    /** Seconds for {@code n} batches: consume loader batches and/or run the stand-in model step. */
    private static double run(DataLoader loader, NDManager nd, NDArray w1, NDArray w2, int n, boolean load, boolean compute) {
        long start = System.nanoTime();
        if (!load) {
            NDArray x = nd.randomUniform(0, 1, new Shape(128, 3, 32, 32));
            for (int i = 0; i < n; i++) {
                try (NDManager scope = nd.newSubManager()) {
                    step(x.duplicate().toDevice(x.getDevice(), false), w1, w2, scope);
                }
            }
            x.close();
            return (System.nanoTime() - start) / 1e9;
        }
        int i = 0;
        try (DataLoader.Epoch e = loader.epoch(nd, 0)) {
            for (Batch b : e) {
                try (b) {
                    if (compute) {
                        step(b.x(), w1, w2, b.manager());
                    }
                }
                if (++i == n) {
                    break;
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** The stand-in model: two dense layers; results live in {@code scope}, freed by the caller. */
    private static void step(NDArray x, NDArray w1, NDArray w2, NDManager scope) {
        x.attach(scope);
        NDArray h = x.reshape(x.getShape().get(0), -1).matMul(w1).tanh();
        h.matMul(w2).tanh().sum().getFloat();
    }
}
