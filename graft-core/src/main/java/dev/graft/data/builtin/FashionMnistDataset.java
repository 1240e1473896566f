package dev.graft.data.builtin;

import dev.graft.data.DataSplits;
import dev.graft.progress.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf; Zalando Research, MIT licence): 60,000 train and 10,000
 * test 28x28 grayscale images of clothing in 10 classes. Taken from the Debian package
 * {@code dataset-fashion-mnist}: its installed files if present, otherwise the package is
 * downloaded with {@code apt-get download} and unpacked with {@code dpkg-deb -x} (no root needed).
 */
public final class FashionMnistDataset extends CachedDataset {
    /** The Debian package the files come from. */
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";

    /** Where the Debian package installs the files. */
    static final String INSTALLED = "/usr/share/datasets/fashion-mnist";

    /** Class names in label order, as published by Zalando Research. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    // sha256 of the decompressed files (stored decompressed for fast loading).
    static final Map<String, String> FILES = MnistDataset.idxFiles(
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    public FashionMnistDataset() {
        super("fashion-mnist", "Zalando Fashion-MNIST clothing, 28x28 gray, 10 classes, 60000/10000 (Debian " + DEBIAN_PACKAGE + ")", FILES);
    }

    @Override
    protected String download(Path staging, Path work) throws IOException {
        Path installed = Path.of(INSTALLED);
        if (Files.isDirectory(installed)) {
            Output.note("fetching fashion-mnist: copying the installed Debian package's files from " + installed);
            copyFrom(installed, staging);
            return "Debian " + DEBIAN_PACKAGE + " (installed)";
        }
        Output.note("fetching fashion-mnist: apt-get download " + DEBIAN_PACKAGE);
        Path root = Packages.aptDownloadAndExtract(DEBIAN_PACKAGE, work, name(),
                "the four Fashion-MNIST IDX files (.gz or raw)");
        String version = Packages.debVersion(work, DEBIAN_PACKAGE);
        copyFrom(root.resolve(INSTALLED.substring(1)), staging);
        return "Debian " + DEBIAN_PACKAGE + " " + version;
    }

    @Override
    protected DataSplits read(Path dir, long seed, double validationFraction) {
        return MnistDataset.readIdxPair(name(), dir, CLASSES, seed, validationFraction);
    }

    @Override
    public String license() {
        return "mit";
    }
}
