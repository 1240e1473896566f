package dev.graft.data.builtin;

import dev.graft.data.DataException;
import dev.graft.data.DataSplits;
import dev.graft.data.ImageData;
import dev.graft.data.Splits;
import dev.graft.data.io.CsvImages;
import dev.graft.progress.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Handwritten digits, 8x8 (UCI "Optical Recognition of Handwritten Digits", Alpaydin and Kaynak,
 * CC BY 4.0): 1,797 images with values 0..16 from writers other than MNIST's. Taken from
 * {@code digits.csv.gz} inside the Debian package {@code python3-sklearn} (downloaded and
 * unpacked, not installed). It has no official test split: a fixed stratified 20 % (359 images) is
 * held out as test with {@link Splits#FIXED_TEST_SEED}, the same whatever {@code --seed} is, so
 * results are comparable.
 */
public final class DigitsDataset extends CachedDataset {
    /** The Debian package the file comes from. */
    public static final String DEBIAN_PACKAGE = "python3-sklearn";

    static final String IN_PACKAGE = "usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

    static final Map<String, String> FILES = Map.of("digits.csv", "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8");

    private static final CsvImages.Options FORMAT = new CsvImages.Options("last", new int[] {1, 8, 8}, 16.0, null, false);

    public DigitsDataset() {
        super("digits", "UCI optdigits handwritten digits, 8x8 gray (0..16), 10 classes, 1797 (Debian " + DEBIAN_PACKAGE + ")",
                new LinkedHashMap<>(FILES));
    }

    @Override
    protected String download(Path staging, Path work) throws IOException {
        Path installed = Path.of("/").resolve(IN_PACKAGE);
        if (Files.isRegularFile(installed)) {
            Output.note("fetching digits: copying " + installed + " from the installed " + DEBIAN_PACKAGE);
            Packages.copyMaybeGunzip(installed, staging.resolve("digits.csv"));
            return "Debian " + DEBIAN_PACKAGE + " (installed)";
        }
        Output.note("fetching digits: apt-get download " + DEBIAN_PACKAGE);
        Path root = Packages.aptDownloadAndExtract(DEBIAN_PACKAGE, work, name(), "digits.csv or digits.csv.gz");
        Path csv = root.resolve(IN_PACKAGE);
        if (!Files.isRegularFile(csv)) {
            throw DataException.fetchFailed(name(), "the downloaded " + DEBIAN_PACKAGE + " has no " + IN_PACKAGE, null, "digits.csv.gz");
        }
        Packages.copyMaybeGunzip(csv, staging.resolve("digits.csv"));
        return "Debian " + DEBIAN_PACKAGE + " " + Packages.debVersion(work, DEBIAN_PACKAGE);
    }

    @Override
    protected DataSplits read(Path dir, long seed, double validationFraction) {
        ImageData all = CsvImages.load(dir.resolve("digits.csv"), name(), FORMAT);
        return Splits.fromUnsplit(name(), all, Splits.DEFAULT_TEST_FRACTION, validationFraction, seed);
    }

    @Override
    public String license() {
        return "cc-by-4.0";
    }
}
