package dev.graft.examples;

import dev.graft.data.DataSplits;
import dev.graft.data.Datasets;
import dev.graft.data.HubDatasetWriter;
import dev.graft.data.ImageData;
import dev.graft.hub.Hub;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.HubLimits;
import dev.graft.hub.server.HubServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes a data set as a Hugging Face data set repository (Parquet per split, a card with
 * {@code dataset_info}) and loads it back by its hub name, as {@code graft data push} and
 * {@code --data hf-hub:datasets/...} do. Like {@link HubPushPull} it starts its own hub in this process.
 * Usage: {@code HubDataSets [WORK_DIR]}.
 */
public final class HubDataSets {
    private HubDataSets() {}

    public static void main(String[] args) throws Exception {
        Path work = Examples.outDir(args, "hub-data-sets");
        try (HubServer server = HubServer.start(new HubServer.Config("127.0.0.1", 0, work.resolve("hub-data"), null,
                HubLimits.defaults()))) {
            System.setProperty("graft.endpoint", server.url());
            System.setProperty("graft.token", server.hub().createToken("alice", "examples", true));
            System.setProperty("graft.hub.cache", work.resolve("hub-cache").toString());
            try {
                DataSplits toy = ToyImages.textures(12, 42);
                // example:begin hub-data-sets
                Map<String, ImageData> splits = new LinkedHashMap<>();
                splits.put("train", toy.train());
                splits.put("test", toy.test());
                Path repo = work.resolve("textures");
                HubDatasetWriter.writeImages(splits, repo, new HubDatasetWriter.Info("textures", "mit", "ToyImages.textures"));
                new Hub().push(RepoType.DATASET, "alice/textures", repo, null, "Toy textures", false);
                DataSplits back = Datasets.load("hf-hub:datasets/alice/textures", 42);   // pulled once, then offline
                // example:end hub-data-sets
                System.out.println("alice/textures: train " + back.train().size() + " + validation " + back.validation().size()
                        + ", test " + back.test().size() + ", classes " + back.train().classNames());
            } finally {
                for (String p : List.of("graft.endpoint", "graft.token", "graft.hub.cache")) {
                    System.clearProperty(p);
                }
            }
        }
    }
}
