package dev.graft.adapt.data;

import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.data.transform.Transform;
import dev.graft.data.transform.Transforms;

/**
 * {@code digits-28}: the UCI 8x8 handwritten digits ({@code digits}) laid out like MNIST, so the two
 * can be adapted between: each image is resized bilinearly to 20x20 and centred in a 28x28 frame
 * (MNIST's digits fill a 20x20 box inside 28x28). Same splits as {@code digits}; nothing extra is
 * cached, since resizing 1,797 images takes milliseconds.
 *
 * <pre>{@code
 * DataSplits d = Datasets.load("digits-28", 42);   // 1x28x28
 * }</pre>
 */
public final class Digits28Source implements DatasetSource {
    private static final Transform LAYOUT = Transforms.compose(Transforms.resize(20, 20), Transforms.centerCrop(28, 28));

    @Override public String name() { return "digits-28"; }

    @Override
    public String description() {
        return "UCI optdigits (digits) resized to 20x20 and centred in 28x28 like MNIST, gray, 10 classes, 1797";
    }

    @Override public boolean isCached() { return Datasets.source("digits").isCached(); }

    @Override public void fetch() { Datasets.source("digits").fetch(); }

    @Override
    public DataSplits load(long seed) {
        DataSplits d = Datasets.load("digits", seed);
        return new DataSplits(layout(d.train(), "digits-28/train"), layout(d.validation(), "digits-28/validation"),
                layout(d.test(), "digits-28/test"));
    }

    private static ImageData layout(ImageData data, String name) {
        ImageData out = Transforms.applyAll(data, LAYOUT, 0);
        return new ImageData(name, out.classNames(), out.channels(), out.height(), out.width(), out.pixels(), out.labels());
    }
}
