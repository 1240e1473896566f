package dev.graft.examples;

import dev.graft.hub.Hub;
import dev.graft.hub.RepoInfo;
import dev.graft.hub.protocol.RepoType;
import dev.graft.train.RunDirectory;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Publishes a model to a hub and creates it again from there. The example starts its own hub in this
 * process (what {@code graft hub serve} runs), on a free port with its data in a new folder, and makes
 * an access token for the user {@code alice}; against a running hub you would set
 * {@code GRAFT_ENDPOINT} and {@code GRAFT_TOKEN} instead. Usage: {@code HubPushPull [WORK_DIR]}.
 */
public final class HubPushPull {
    private HubPushPull() {}

    public static void main(String[] args) throws Exception {
        Path work = Examples.outDir(args, "hub");
        // the client and the hf-hub: weights source read the hub's settings (GRAFT_ENDPOINT, GRAFT_TOKEN)
        Examples.onLocalHub(work, () -> {
            GraftModel model = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
            pushAndPull(model, work.resolve("export"));
        });
    }

    static void pushAndPull(GraftModel model, Path export) throws IOException {
        // a card makes the hub page useful: front matter (tags, licence) and a description
        Files.createDirectories(export);
        RunDirectory.writeCard(export.resolve("README.md"), Map.of("license", "apache-2.0", "tags", List.of("image-classification")),
                "# small_cnn on MNIST\n\nThe weights that ship with Graft.\n");
        // example:begin push-pull
        Weights.save(model, export);                                  // config.json + model.safetensors
        new Hub().push(RepoType.MODEL, "alice/small-cnn", export, null, "Trained", false);
        GraftModel again = Zoo.create("hf-hub:alice/small-cnn@main");           // in any other process
        // example:end push-pull
        RepoInfo info = new Hub().info(RepoType.MODEL, "alice/small-cnn", null);
        System.out.println(info.id() + " at " + info.sha() + ": " + again.name() + ", " + again.numClasses() + " classes");
    }
}
