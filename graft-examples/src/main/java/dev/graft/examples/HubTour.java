package dev.graft.examples;

import dev.graft.hub.CommitInfo;
import dev.graft.hub.CommitOperation;
import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;
import dev.graft.hub.ListQuery;
import dev.graft.hub.RepoInfo;
import dev.graft.hub.protocol.RepoType;
import java.nio.file.Path;
import java.util.List;

/**
 * The hub client API of {@code docs/hub.md}: downloads and snapshots into the cache, repositories,
 * commits, tags and branches, and listing. It talks to the hub the environment names
 * ({@code GRAFT_ENDPOINT}, {@code GRAFT_TOKEN}) and expects the repositories it names to exist there;
 * {@link HubPushPull} starts a hub of its own and runs anywhere.
 */
public final class HubTour {
    private HubTour() {}

    public static void main(String[] args) {
        // example:begin client
        Hub hub = new Hub();                                         // settings from the environment
        Hub other = new Hub(HubConfig.fromEnvironment("http://hub.example:8080"));   // its stored token only

        Path cfg  = hub.download("alice/mnist-resnet", "config.json", "main");            // one file
        Path dir  = hub.snapshot("alice/mnist-resnet", "v1.0", List.of("*.json", "*.safetensors"));
        Path same = hub.pull(RepoType.MODEL, "alice/mnist-resnet", "v1.0", List.of());          // snapshot + rehash of every cached file
        Path data = hub.snapshot(RepoType.DATASET, "alice/digits", null, List.of());     // whole repository
        Path model = hub.snapshotModel("hf-hub:alice/mnist-resnet@v1.0");                 // config.json + weights + card

        hub.createRepo(RepoType.MODEL, "alice/new", false, true);                         // private?, existOk
        CommitInfo c = hub.uploadFolder(RepoType.MODEL, "alice/new", Path.of("export"), "main", "First version");
        hub.commit(RepoType.MODEL, "alice/new", "main", "Swap weights", null,
                List.of(CommitOperation.add("model.safetensors", Path.of("w.safetensors")),
                        CommitOperation.delete("old.bin")),
                c.commitOid());                                                           // parent: fails if main moved
        hub.createTag(RepoType.MODEL, "alice/new", "v1.0", "main", "first release");
        hub.createBranch(RepoType.MODEL, "alice/new", "stable", "v1.0");

        RepoInfo info = hub.info(RepoType.MODEL, "alice/new", null);                      // sha, siblings, tags, cardData
        List<RepoInfo> hits = hub.list(RepoType.MODEL, ListQuery.all().search("resnet").filter("image-classification").limit(20));
        hub.deleteRepo(RepoType.MODEL, "alice/new", false);
        // example:end client
        System.out.println(List.of(cfg, dir, same, data, model) + ", " + other.config().endpoint() + ", " + info.id() + ", " + hits.size());
    }
}
