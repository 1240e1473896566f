package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.data.io.CsvImages;
import dev.graft.data.io.IdxImages;
import dev.graft.data.io.ImageFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The user's own data named by a {@link DataSpec} ({@code folder:}, {@code idx:}, {@code csv:}):
 * read in place, nothing is fetched or cached. Without a test split, test is carved with the fixed
 * {@link Splits#FIXED_TEST_SEED}; validation is carved from train with the caller's seed.
 */
final class UserDataset implements DatasetSource {
    private final DataSpec spec;

    UserDataset(DataSpec spec) {
        this.spec = spec;
    }

    @Override
    public String name() {
        return spec.text();
    }

    @Override
    public String description() {
        return switch (spec.kind()) {
            case FOLDER -> "image folder " + spec.path();
            case IDX -> "IDX files in " + spec.path();
            case CSV -> "CSV file " + spec.path();
            case BUILTIN, HUB -> spec.text();
        };
    }

    @Override
    public boolean isCached() {
        return Files.exists(spec.path());
    }

    @Override
    public void fetch() {
        if (!Files.exists(spec.path())) {
            throw new GraftException(description() + " does not exist", "check the path in '" + spec.text() + "'");
        }
    }

    @Override
    public void fetch(boolean force, Path from) {
        throw new GraftException("'" + spec.text() + "' is local data and is read in place", "nothing to fetch; use it directly");
    }

    @Override
    public DataSplits load(long seed) {
        return load(seed, spec.validationFraction());
    }

    @Override
    public DataSplits load(long seed, double validationFraction) {
        fetch();
        String name = dataName();
        ImageData train;
        ImageData test;
        switch (spec.kind()) {
            case FOLDER -> {
                ImageFolder.Loaded l = ImageFolder.load(spec.path(), spec.size());
                train = l.train();
                test = l.test();
            }
            case IDX -> {
                Path dir = spec.path();
                if (!Files.isDirectory(dir)) {
                    throw new GraftException("idx: needs a folder, " + dir + " is not one", "give the folder holding the IDX files");
                }
                List<String> classes = classNames(dir.resolve("classes.txt"));
                Path[] tr = IdxImages.findSplit(dir, "train");
                if (tr == null) {
                    throw new GraftException("folder " + dir + " has no train-images*/train-labels* IDX files",
                            "name the files like MNIST's: train-images-idx3-ubyte, train-labels-idx1-ubyte (.gz allowed)");
                }
                train = IdxImages.load(name + "/train", tr[0], tr[1], classes);
                Path[] te = IdxImages.findSplit(dir, "t10k", "test");
                test = te == null ? null : IdxImages.load(name + "/test", te[0], te[1], classes == null ? train.classNames() : classes);
            }
            case CSV -> {
                CsvImages.Options o = new CsvImages.Options(spec.label(), spec.shape(), spec.maxValue(), spec.size(), spec.header(), spec.maxClasses());
                train = CsvImages.load(spec.path(), name, o);
                test = null;
            }
            default -> throw new IllegalStateException(spec.kind().toString());
        }
        if (test == null) {
            return Splits.fromUnsplit(name, train, spec.testFraction(), validationFraction, seed);
        }
        return Splits.withValidation(name, train, test, validationFraction, seed);
    }

    private String dataName() {
        Path f = spec.path().toAbsolutePath().normalize().getFileName();
        return f == null ? spec.kind().prefix() : f.toString();
    }

    private static List<String> classNames(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            List<String> names = Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (names.isEmpty()) {
                throw new GraftException(file + " lists no class names", "write one class name per line, in label order");
            }
            return names;
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "check the file");
        }
    }
}
