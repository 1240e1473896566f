package dev.graft.data;

import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Brings a data set repository of the hub onto this machine, as {@link dev.graft.zoo.WeightsResolver}
 * does for models: {@code owner/name[@revision]} becomes the folder of one commit's files in the shared
 * cache (downloaded once; served from the cache offline). The hub client registers one through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.graft.data.DatasetRepoResolver}), so
 * graft-core reads hub data sets without depending on it.
 *
 * <pre>{@code
 * Path dir = DatasetRepoResolver.find().snapshot("alice/digits", "main");
 * HubDatasetLayout layout = HubDatasetLayout.detect(dir, "digits");
 * }</pre>
 */
public interface DatasetRepoResolver {
    /**
     * The folder holding the repository's files at {@code revision} (null: the default branch).
     *
     * @param repo {@code owner/name}
     */
    Path snapshot(String repo, String revision);

    /** The resolver on the class path; an error with the fix when there is none. */
    static DatasetRepoResolver find() {
        for (DatasetRepoResolver r : ServiceLoader.load(DatasetRepoResolver.class)) {
            return r;
        }
        throw new GraftException("hf-hub:datasets/ data needs the hub client, which is not on the class path",
                "add graft-hub to the class path, or download the repository and use folder:DIR or csv:FILE");
    }
}
