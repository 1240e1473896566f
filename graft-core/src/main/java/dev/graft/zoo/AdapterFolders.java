package dev.graft.zoo;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/** The {@link AdapterLoader}s on the class path, and which of them a source's folder belongs to. */
final class AdapterFolders {
    private static List<AdapterLoader> loaders;

    private AdapterFolders() {}

    /** An adapter folder and the loader that builds its model. */
    record Found(AdapterLoader loader, Path dir) {}

    /** The adapter a {@code local-dir:} or {@code hf-hub:} name holds, or null for any other name or folder. */
    static Found find(String name) {
        if (!WeightsSources.hasPrefix(name)) {
            return null;
        }
        for (AdapterLoader l : loaders()) {
            Path dir = WeightsSources.folderWith(name, l.marker());
            if (dir != null) {
                return new Found(l, dir);
            }
        }
        return null;
    }

    private static synchronized List<AdapterLoader> loaders() {
        if (loaders == null) {
            loaders = ServiceLoader.load(AdapterLoader.class).stream().map(ServiceLoader.Provider::get).toList();
        }
        return loaders;
    }
}
