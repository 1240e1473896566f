package dev.graft.data;

import java.nio.file.Path;

/**
 * A data set repository on the hub named by {@code hf-hub:datasets/owner/name[@revision]}: pulled into
 * the shared hub cache on first use (through {@link DatasetRepoResolver}), then read from there, offline
 * too, by {@link HubDatasetLayout}.
 */
final class HubDataset implements DatasetSource {
    private final DataSpec spec;
    private HubDatasetLayout layout;

    HubDataset(DataSpec spec) {
        this.spec = spec;
    }

    @Override
    public String name() {
        return spec.text();
    }

    @Override
    public String description() {
        return HubDatasetLayout.describe(spec);
    }

    @Override
    public boolean isCached() {
        return layout != null;
    }

    @Override
    public void fetch() {
        if (layout == null) {
            layout = HubDatasetLayout.pull(spec);
        }
    }

    @Override
    public void fetch(boolean force, Path from) {
        if (from != null) {
            throw DataException.noLocalCopy(name());
        }
        fetch();
    }

    @Override
    public DataSplits load(long seed) {
        return load(seed, spec.validationFraction());
    }

    @Override
    public DataSplits load(long seed, double validationFraction) {
        fetch();
        return layout.images(spec, seed, validationFraction);
    }
}
