package dev.graft.hub;

import dev.graft.data.DatasetRepoResolver;
import dev.graft.hub.protocol.RepoType;
import java.nio.file.Path;
import java.util.List;

/**
 * The data sets' {@code hf-hub:datasets/owner/name[@revision]}: every file of the repository at one
 * commit, fetched with {@link Hub#snapshot(RepoType, String, String, List)} into the shared cache
 * ({@code datasets--owner--name}) or served from it, offline too (GRAFT_HUB_OFFLINE). Found by
 * {@link java.util.ServiceLoader} whenever graft-hub is on the class path.
 *
 * <pre>{@code
 * DataSplits s = Datasets.load("hf-hub:datasets/alice/digits@main", 42);
 * }</pre>
 */
public final class HubDatasetResolver implements DatasetRepoResolver {
    @Override
    public Path snapshot(String repo, String revision) {
        return new Hub().snapshot(RepoType.DATASET, repo, revision, List.of());
    }
}
