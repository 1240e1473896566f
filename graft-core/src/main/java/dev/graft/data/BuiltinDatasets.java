package dev.graft.data;

import dev.graft.data.builtin.DigitsDataset;
import dev.graft.data.builtin.EmojiDataset;
import dev.graft.data.builtin.FashionMnistDataset;
import dev.graft.data.builtin.MnistDataset;

/** Registers the data sets that ship with Graft; each source adds one line here. */
final class BuiltinDatasets {
    private static boolean done;

    private BuiltinDatasets() {}

    static synchronized void ensureRegistered() {
        if (done) {
            return;
        }
        done = true;
        Datasets.register(new MnistDataset());
        Datasets.register(new FashionMnistDataset());
        Datasets.register(new DigitsDataset());
        Datasets.register(new dev.graft.adapt.data.PrintedDigitsSource());
        Datasets.register(new dev.graft.adapt.data.MnistMStyleSource());
        Datasets.register(new dev.graft.adapt.data.Digits28Source());
        for (EmojiDataset.Style style : EmojiDataset.Style.values()) {
            Datasets.register(new EmojiDataset(style));
        }
    }
}
