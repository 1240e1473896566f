package dev.graft.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.cli.CliRun;
import dev.graft.cli.TestHubServer;
import dev.graft.cli.TrainingSandbox;
import dev.graft.cli.hub.ModelPublisher;
import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;
import dev.graft.hub.ModelCard;
import dev.graft.hub.RepoInfo;
import dev.graft.hub.protocol.RepoType;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft finetune --push-to} into a hub server started in-process, then a second fine-tune from
 * that repository by its {@code hf-hub:} name, and {@code graft eval} of the result; {@code graft pretrain}
 * and {@code graft advise} with its probe. Tiny generated images, {@code small_cnn}, one epoch.
 */
class FinetunePushToHubTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final TrainingSandbox box = new TrainingSandbox();

    @Test
    void pushedRunIsFineTunedAgainByItsHubNameAndEvaluated() throws Exception {
        try (TestHubServer server = TestHubServer.start(tmp.resolve("server"))) {
            String token = server.token("alice", true);
            box.useHub(server.url(), token);
            Path first = tmp.resolve("runs/first");
            CliRun pushed = CliRun.run("--seed", "5", "finetune", "--model", "small_cnn", "--data", box.data(), "--strategy", "scratch",
                    "--epochs", "1", "--batch-size", "4", "--out", first.toString(), "--push-to", "alice/tiny-cnn");
            assertEquals(0, pushed.code, pushed.err);
            assertTrue(pushed.out.contains("Pushed to " + server.url() + " as alice/tiny-cnn"), pushed.out);
            assertTrue(pushed.out.contains(server.url() + "/alice/tiny-cnn"), pushed.out);

            Hub reader = new Hub(new HubConfig(server.url(), token, false, tmp.resolve("reader-cache")));
            RepoInfo info = reader.info(RepoType.MODEL, "alice/tiny-cnn", null);
            assertTrue(info.files().containsAll(java.util.List.of("model.safetensors", "config.json", "README.md", "report.md")),
                    info.files().toString());
            assertFalse(info.files().stream().anyMatch(f -> f.startsWith("checkpoint/") || f.equals("run.json")), info.files().toString());
            assertArrayEquals(Files.readAllBytes(first.resolve("model.safetensors")),
                    Files.readAllBytes(reader.download("alice/tiny-cnn", "model.safetensors", "main")));

            Path second = tmp.resolve("runs/second");
            CliRun again = CliRun.run("--seed", "5", "finetune", "--model", "hf-hub:alice/tiny-cnn", "--data", box.data(), "--strategy", "head",
                    "--epochs", "1", "--batch-size", "4", "--out", second.toString());
            assertEquals(0, again.code, again.err);
            assertEquals("alice/tiny-cnn", ModelCard.read(second.resolve("README.md")).metadata().get("base_model").asText());
            // head trains only the classifier: the backbone is exactly the pushed one
            GraftModel base = Zoo.create("local-dir:" + first, CreateOptions.defaults());
            GraftModel tuned = Zoo.create("local-dir:" + second, CreateOptions.defaults());
            String stem = base.stateDict().keySet().iterator().next();
            Map<String, Parameter> tunedState = tuned.stateDict();
            assertArrayEquals(base.stateDict().get(stem).getArray().toFloatArray(), tunedState.get(stem).getArray().toFloatArray(), stem);

            CliRun eval = CliRun.run("eval", "--model", second.toString(), "--data", box.data());
            assertEquals(0, eval.code, eval.err);
            assertTrue(eval.out.contains("top-1"), eval.out);
        }
    }

    @Test
    void withoutAnEndpointTheRunGoesToThisMachinesHub() throws Exception {
        Path run = tmp.resolve("runs/local");
        CliRun r = CliRun.run("--seed", "5", "finetune", "--model", "small_cnn", "--data", box.data(), "--strategy", "scratch",
                "--epochs", "1", "--batch-size", "4", "--out", run.toString(), "--push-to", "local/tiny-cnn", "--private");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("Pushed to the local hub as local/tiny-cnn") && r.out.contains("./graft hub serve"), r.out);
        // what `graft hub serve` would serve: the store under GRAFT_HOME/hub
        try (TestHubServer server = TestHubServer.start(box.home().resolve("hub"))) {
            Hub anonymous = new Hub(new HubConfig(server.url(), null, false, tmp.resolve("anon-cache")));
            assertThrows(GraftException.class, () -> anonymous.info(RepoType.MODEL, "local/tiny-cnn", null), "private");
            Hub owner = new Hub(new HubConfig(server.url(), server.token("local", false), false, tmp.resolve("own-cache")));
            assertTrue(owner.info(RepoType.MODEL, "local/tiny-cnn", null).files().contains("model.safetensors"));
        }
    }

    @Test
    void adviseProbesSmallDataWithTheRunsBudget() throws Exception {
        CliRun pre = CliRun.run("--seed", "5", "--json", "pretrain", "--model", "small_cnn", "--data", box.data(), "--epochs", "1", "--batch-size", "4",
                "--out", tmp.resolve("runs/pre").toString());
        assertEquals(0, pre.code, pre.err);
        String name = dev.graft.util.Json.MAPPER.readTree(pre.out).get("name").asText();
        CliRun probed = CliRun.run("--seed", "5", "--json", "advise", "--model", name, "--data", box.data(), "--epochs", "1", "--batch-size", "4");
        assertEquals(0, probed.code, probed.err);
        var advice = dev.graft.util.Json.MAPPER.readTree(probed.out);
        assertEquals(4, advice.get("probe").get("accuracy").size(), probed.out);
        assertEquals(advice.get("probe").get("best").asText(), advice.get("strategy").asText(), "the probe decides small data");
        CliRun rules = CliRun.run("--seed", "5", "--json", "advise", "--model", name, "--data", box.data(), "--probe-folds", "0");
        assertEquals(0, rules.code, rules.err);
        var ruled = dev.graft.util.Json.MAPPER.readTree(rules.out);
        assertTrue(ruled.get("probe").isNull(), rules.out);
        assertEquals("HEAD", ruled.get("strategy").asText(), "without the probe, small data gets the rule's head");
        CliRun bad = CliRun.run("advise", "--model", name, "--data", box.data(), "--probe-folds", "1");
        assertEquals(1, bad.code);
        assertTrue(bad.err.contains("at least 2 folds"), bad.err);
    }

    @Test
    void aBadRepositoryNameFailsBeforeTraining() {
        CliRun r = CliRun.run("finetune", "--model", "small_cnn", "--data", box.data(), "--push-to", "no-slash", "--out", tmp.resolve("never").toString());
        assertEquals(1, r.code);
        assertTrue(r.err.contains("'no-slash' is not owner/name"), r.err);
        assertFalse(Files.exists(tmp.resolve("never")));
        // Names the hub would refuse only after training: the pre-check is the hub's own rule.
        for (String refused : List.of("alice/a--b", "alice/model-", "api/x", "alice/x.git", "alice/" + "n".repeat(97))) {
            CliRun late = CliRun.run("finetune", "--model", "small_cnn", "--data", box.data(), "--push-to", refused, "--out", tmp.resolve("never").toString());
            assertEquals(1, late.code, refused);
            assertFalse(Files.exists(tmp.resolve("never")), refused);
        }
        assertThrows(GraftException.class, () -> ModelPublisher.publish(tmp, null, "alice/x", "m", false));
    }
}
