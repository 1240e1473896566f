package dev.graft.examples;

import dev.graft.data.DataSplits;
import dev.graft.data.Datasets;
import dev.graft.data.HubDatasetWriter;
import dev.graft.data.ImageData;
import dev.graft.hub.Hub;
import dev.graft.hub.protocol.RepoType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
        Examples.onLocalHub(work, () -> {
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
        });
    }
}
