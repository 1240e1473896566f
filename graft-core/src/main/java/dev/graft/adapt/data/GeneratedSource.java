package dev.graft.adapt.data;

import dev.graft.GraftHome;
import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import dev.graft.data.ImageData;
import dev.graft.data.Splits;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A data set Graft generates once into {@code GRAFT_HOME/data/NAME} ({@code train.gim.gz},
 * {@code test.gim.gz}) and then loads from there. The train file is written last, so a generation
 * cut short is never taken for a cached data set.
 */
abstract class GeneratedSource implements DatasetSource {
    private static final String TRAIN = "train.gim.gz";
    private static final String TEST = "test.gim.gz";

    protected final String name;

    GeneratedSource(String name) {
        this.name = name;
    }

    /** The generated train and test images. */
    protected record Generated(ImageData train, ImageData test) {}

    /** Makes both splits; {@code dir} (created) may hold side files such as a list of inputs used. */
    protected abstract Generated generate(Path dir);

    @Override
    public final String name() {
        return name;
    }

    private Path dir() {
        return GraftHome.root().resolve("data").resolve(name);
    }

    @Override
    public final boolean isCached() {
        return Files.isRegularFile(dir().resolve(TRAIN)) && Files.isRegularFile(dir().resolve(TEST));
    }

    @Override
    public final void fetch() {
        if (isCached()) {
            return;
        }
        Path d = GraftHome.dir("data", name);
        Generated g = generate(d);
        ImageCacheFile.write(d.resolve(TEST), g.test());
        ImageCacheFile.write(d.resolve(TRAIN), g.train());
    }

    @Override
    public final DataSplits load(long seed) {
        fetch();
        ImageData train = ImageCacheFile.read(dir().resolve(TRAIN), name + "-train");
        ImageData test = ImageCacheFile.read(dir().resolve(TEST), name + "-test");
        return Splits.withValidation(name, train, test, Splits.DEFAULT_VALIDATION_FRACTION, seed);
    }
}
