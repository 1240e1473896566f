package dev.graft.data;

/** Registers the data sets that ship with Graft; each source adds one line here. */
final class BuiltinDatasets {
    private static boolean done;

    private BuiltinDatasets() {}

    static synchronized void ensureRegistered() {
        if (done) {
            return;
        }
        done = true;
        // Built-in sources are registered here, one line each: Datasets.register(new XyzSource());
        Datasets.register(new dev.graft.adapt.data.PrintedDigitsSource());
        Datasets.register(new dev.graft.adapt.data.MnistMStyleSource());
    }
}
