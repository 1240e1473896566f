package dev.graft.multitask;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.data.DataSplits;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.progress.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * MultiMNIST as in Sener and Koltun (2018): two MNIST digits overlaid in one 36 x 36 image, the left
 * digit near the top-left corner and the right digit near the bottom-right corner; tasks {@code left}
 * and {@code right} (the two digit classes).
 *
 * <p>Placement: the 28 x 28 left digit goes to row {@code a}, column {@code b}, and the right digit to
 * row {@code 8 - c}, column {@code 8 - d}, with {@code a, b, c, d} drawn uniformly from 0..4 (each
 * digit shifted by up to 4 px from its corner towards the centre); the overlap takes the brighter
 * pixel. Sample {@code i} uses base digit {@code i} on the left and a random base digit of the same split
 * on the right. Train is built from MNIST's train split (train + validation as loaded), test from
 * MNIST's test split, each with as many images as its base; both are deterministic in the
 * generation seed and cached under {@code GRAFT_HOME/data/multimnist}.
 *
 * <pre>{@code
 * MultiTaskSplits s = MultiTaskDatasets.load("multimnist", 42);   // 36x36, tasks left, right
 * MultiTaskData tiny = MultiMnist.generate(baseDigits, 100, 7);   // from any 28x28 digits
 * }</pre>
 */
public final class MultiMnist implements MultiTaskSource {
    /** Side of a generated image. */
    public static final int SIZE = 36;
    /** Largest shift of a digit from its corner, in pixels. */
    public static final int MAX_SHIFT = 4;
    /** Seed of the cached data set (fixed, so every user gets the same MultiMNIST). */
    public static final long DEFAULT_GENERATION_SEED = 1234L;
    /** Validation images carved from the generated train split. */
    public static final int VALIDATION_SIZE = 5000;

    private final long generationSeed;

    public MultiMnist() {
        this(DEFAULT_GENERATION_SEED);
    }

    public MultiMnist(long generationSeed) {
        this.generationSeed = generationSeed;
    }

    @Override
    public String name() {
        return "multimnist";
    }

    @Override
    public String description() {
        return "MultiMNIST: two MNIST digits overlaid in 36x36 (tasks left, right), generated from mnist";
    }

    private Path dir() {
        return GraftHome.root().resolve("data").resolve("multimnist").resolve("seed" + generationSeed);
    }

    @Override
    public boolean isCached() {
        return Files.isRegularFile(dir().resolve("train.bin.gz")) && Files.isRegularFile(dir().resolve("test.bin.gz"));
    }

    @Override
    public synchronized void fetch() {
        if (isCached()) {
            return;
        }
        // The base split must not depend on the run seed, so MNIST is loaded with a fixed one.
        DataSplits mnist = Datasets.load("mnist", 0L);
        ImageData train = concat(mnist.train(), mnist.validation());
        ImageData test = mnist.test();
        Output.note("generating MultiMNIST from " + train.size() + " + " + test.size() + " MNIST digits");
        MultiTaskFiles.write(dir().resolve("train.bin.gz"), generate(train, train.size(), generationSeed));
        MultiTaskFiles.write(dir().resolve("test.bin.gz"), generate(test, test.size(), generationSeed + 1));
    }

    @Override
    public MultiTaskSplits load(long seed) {
        if (!isCached()) {
            fetch();
        }
        MultiTaskData train = MultiTaskFiles.read(dir().resolve("train.bin.gz"));
        MultiTaskData test = MultiTaskFiles.read(dir().resolve("test.bin.gz"));
        MultiTaskData[] tv = MultiTaskFiles.carve(train, Math.min(VALIDATION_SIZE, train.size() / 10), seed);
        return new MultiTaskSplits(tv[0], tv[1], test);
    }

    /**
     * Builds {@code count} MultiMNIST images from 28 x 28 single-channel digits, deterministically in {@code seed}.
     */
    public static MultiTaskData generate(ImageData digits, int count, long seed) {
        if (digits.channels() != 1 || digits.height() != 28 || digits.width() != 28) {
            throw new GraftException("MultiMNIST needs 1x28x28 digits, got " + digits.channels() + "x" + digits.height()
                    + "x" + digits.width(), "generate it from MNIST-like digits");
        }
        if (digits.size() == 0 || count <= 0) {
            throw new GraftException("MultiMNIST needs at least one digit and one image", "give a non-empty base and count > 0");
        }
        Random rnd = new Random(seed);
        int per = SIZE * SIZE;
        float[] pixels = new float[count * per];
        float[][] labels = new float[2][count];
        float[] src = digits.pixels();
        for (int i = 0; i < count; i++) {
            int left = i % digits.size();
            int right = rnd.nextInt(digits.size());
            int leftRow = rnd.nextInt(MAX_SHIFT + 1);
            int leftCol = rnd.nextInt(MAX_SHIFT + 1);
            int rightRow = SIZE - 28 - rnd.nextInt(MAX_SHIFT + 1);
            int rightCol = SIZE - 28 - rnd.nextInt(MAX_SHIFT + 1);
            paste(src, left * 784, pixels, i * per, leftRow, leftCol);
            paste(src, right * 784, pixels, i * per, rightRow, rightCol);
            labels[0][i] = digits.label(left);
            labels[1][i] = digits.label(right);
        }
        List<String> names = MultiTaskFiles.digitNames();
        return new MultiTaskData("multimnist", 1, SIZE, SIZE, pixels,
                List.of(TaskSpec.classification("left", names), TaskSpec.classification("right", names)), labels, null);
    }

    private static void paste(float[] src, int srcOff, float[] dst, int dstOff, int row, int col) {
        for (int y = 0; y < 28; y++) {
            int d = dstOff + (row + y) * SIZE + col;
            int s = srcOff + y * 28;
            for (int x = 0; x < 28; x++) {
                dst[d + x] = Math.max(dst[d + x], src[s + x]);
            }
        }
    }

    static ImageData concat(ImageData a, ImageData b) {
        if (b == null || b.size() == 0) {
            return a;
        }
        float[] px = new float[a.pixels().length + b.pixels().length];
        System.arraycopy(a.pixels(), 0, px, 0, a.pixels().length);
        System.arraycopy(b.pixels(), 0, px, a.pixels().length, b.pixels().length);
        int[] lb = new int[a.size() + b.size()];
        System.arraycopy(a.labels(), 0, lb, 0, a.size());
        System.arraycopy(b.labels(), 0, lb, a.size(), b.size());
        return new ImageData(a.name(), a.classNames(), a.channels(), a.height(), a.width(), px, lb);
    }
}
