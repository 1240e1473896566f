package dev.graft.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.cli.GraftCli;
import dev.graft.cli.hub.ModelPublisher;
import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;
import dev.graft.hub.ModelCard;
import dev.graft.hub.RepoInfo;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.HubLimits;
import dev.graft.hub.server.HubServer;
import dev.graft.progress.Output;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code graft finetune --push-to} into a hub server started in-process, then a second fine-tune from
 * that repository by its {@code hf-hub:} name, and {@code graft eval} of the result; {@code graft pretrain}
 * and {@code graft advise} with its probe. Tiny generated images, {@code small_cnn}, one epoch.
 */
class FinetunePushToHubTest {
    @TempDir
    Path tmp;

    private PrintStream savedOut;
    private ByteArrayOutputStream out;
    private String data;

    @BeforeEach
    void setUp() throws Exception {
        System.setProperty("graft.home", tmp.resolve("home").toString());
        savedOut = System.out;
        out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        Random rnd = new Random(3);
        for (int i = 0; i < 8; i++) {
            writeGray(tmp.resolve("pics/dark/" + i + ".png"), 20 + rnd.nextInt(40), rnd);
            writeGray(tmp.resolve("pics/light/" + i + ".png"), 180 + rnd.nextInt(40), rnd);
        }
        data = "folder:" + tmp.resolve("pics") + "?size=28x28&test=0.25&val=0.25";
    }

    @AfterEach
    void tearDown() {
        System.setOut(savedOut);
        for (String p : new String[] {"graft.home", "graft.endpoint", "graft.token"}) {
            System.clearProperty(p);
        }
        Output.configure(false, false);
    }

    private static void writeGray(Path f, int v, Random rnd) throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, Math.max(0, Math.min(255, v + rnd.nextInt(21) - 10)));
            }
        }
        Files.createDirectories(f.getParent());
        ImageIO.write(img, "png", f.toFile());
    }

    private String[] run(String... args) {
        out.reset();
        Output.configure(true, false);
        CommandLine cl = GraftCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString()};
    }

    @Test
    void pushedRunIsFineTunedAgainByItsHubNameAndEvaluated() throws Exception {
        try (HubServer server = HubServer.start(new HubServer.Config("127.0.0.1", 0, tmp.resolve("server"), null, HubLimits.defaults()))) {
            String token = server.hub().createToken("alice", "write", true);
            System.setProperty("graft.endpoint", server.url());
            System.setProperty("graft.token", token);
            Path first = tmp.resolve("runs/first");
            String[] pushed = run("--seed", "5", "finetune", "--model", "small_cnn", "--data", data, "--strategy", "scratch",
                    "--epochs", "1", "--batch-size", "4", "--out", first.toString(), "--push-to", "alice/tiny-cnn");
            assertEquals("0", pushed[0], pushed[2]);
            assertTrue(pushed[1].contains("Pushed to " + server.url() + " as alice/tiny-cnn"), pushed[1]);
            assertTrue(pushed[1].contains(server.url() + "/alice/tiny-cnn"), pushed[1]);

            Hub reader = new Hub(new HubConfig(server.url(), token, false, tmp.resolve("reader-cache")));
            RepoInfo info = reader.info(RepoType.MODEL, "alice/tiny-cnn", null);
            assertTrue(info.files().containsAll(java.util.List.of("model.safetensors", "config.json", "README.md", "report.md")),
                    info.files().toString());
            assertFalse(info.files().stream().anyMatch(f -> f.startsWith("checkpoint/") || f.equals("run.json")), info.files().toString());
            assertArrayEquals(Files.readAllBytes(first.resolve("model.safetensors")),
                    Files.readAllBytes(reader.download("alice/tiny-cnn", "model.safetensors", "main")));

            Path second = tmp.resolve("runs/second");
            String[] again = run("--seed", "5", "finetune", "--model", "hf-hub:alice/tiny-cnn", "--data", data, "--strategy", "head",
                    "--epochs", "1", "--batch-size", "4", "--out", second.toString());
            assertEquals("0", again[0], again[2]);
            assertEquals("alice/tiny-cnn", ModelCard.read(second.resolve("README.md")).metadata().get("base_model").asText());
            // head trains only the classifier: the backbone is exactly the pushed one
            GraftModel base = Zoo.create("local-dir:" + first, new CreateOptions());
            GraftModel tuned = Zoo.create("local-dir:" + second, new CreateOptions());
            String stem = base.stateDict().keySet().iterator().next();
            Map<String, Parameter> tunedState = tuned.stateDict();
            assertArrayEquals(base.stateDict().get(stem).getArray().toFloatArray(), tunedState.get(stem).getArray().toFloatArray(), stem);

            String[] eval = run("eval", "--model", second.toString(), "--data", data);
            assertEquals("0", eval[0], eval[2]);
            assertTrue(eval[1].contains("top-1"), eval[1]);
        }
    }

    @Test
    void withoutAnEndpointTheRunGoesToThisMachinesHub() throws Exception {
        Path run = tmp.resolve("runs/local");
        String[] r = run("--seed", "5", "finetune", "--model", "small_cnn", "--data", data, "--strategy", "scratch",
                "--epochs", "1", "--batch-size", "4", "--out", run.toString(), "--push-to", "local/tiny-cnn", "--private");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("Pushed to the local hub as local/tiny-cnn") && r[1].contains("./graft hub serve"), r[1]);
        // what `graft hub serve` would serve: the store under GRAFT_HOME/hub
        try (HubServer server = HubServer.start(new HubServer.Config("127.0.0.1", 0, tmp.resolve("home/hub"), null, HubLimits.defaults()))) {
            Hub anonymous = new Hub(new HubConfig(server.url(), null, false, tmp.resolve("anon-cache")));
            assertThrows(GraftException.class, () -> anonymous.info(RepoType.MODEL, "local/tiny-cnn", null), "private");
            Hub owner = new Hub(new HubConfig(server.url(), server.hub().createToken("local", "read", false), false, tmp.resolve("own-cache")));
            assertTrue(owner.info(RepoType.MODEL, "local/tiny-cnn", null).files().contains("model.safetensors"));
        }
    }

    @Test
    void adviseProbesSmallDataWithTheRunsBudget() throws Exception {
        String[] pre = run("--seed", "5", "--json", "pretrain", "--model", "small_cnn", "--data", data, "--epochs", "1", "--batch-size", "4",
                "--out", tmp.resolve("runs/pre").toString());
        assertEquals("0", pre[0], pre[2]);
        String name = dev.graft.util.Json.MAPPER.readTree(pre[1]).get("name").asText();
        String[] probed = run("--seed", "5", "--json", "advise", "--model", name, "--data", data, "--epochs", "1", "--batch-size", "4");
        assertEquals("0", probed[0], probed[2]);
        var advice = dev.graft.util.Json.MAPPER.readTree(probed[1]);
        assertEquals(4, advice.get("probe").get("accuracy").size(), probed[1]);
        assertEquals(advice.get("probe").get("best").asText(), advice.get("strategy").asText(), "the probe decides small data");
        String[] rules = run("--seed", "5", "--json", "advise", "--model", name, "--data", data, "--probe-folds", "0");
        assertEquals("0", rules[0], rules[2]);
        var ruled = dev.graft.util.Json.MAPPER.readTree(rules[1]);
        assertTrue(ruled.get("probe").isNull(), rules[1]);
        assertEquals("HEAD", ruled.get("strategy").asText(), "without the probe, small data gets the rule's head");
        String[] bad = run("advise", "--model", name, "--data", data, "--probe-folds", "1");
        assertEquals("1", bad[0]);
        assertTrue(bad[2].contains("at least 2 folds"), bad[2]);
    }

    @Test
    void aBadRepositoryNameFailsBeforeTraining() {
        String[] r = run("finetune", "--model", "small_cnn", "--data", data, "--push-to", "no-slash", "--out", tmp.resolve("never").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("'no-slash' is not owner/name"), r[2]);
        assertFalse(Files.exists(tmp.resolve("never")));
        // Names the hub would refuse only after training: the pre-check is the hub's own rule.
        for (String refused : List.of("alice/a--b", "alice/model-", "api/x", "alice/x.git", "alice/" + "n".repeat(97))) {
            String[] late = run("finetune", "--model", "small_cnn", "--data", data, "--push-to", refused, "--out", tmp.resolve("never").toString());
            assertEquals("1", late[0], refused);
            assertFalse(Files.exists(tmp.resolve("never")), refused);
        }
        assertThrows(GraftException.class, () -> ModelPublisher.publish(tmp, null, "alice/x", "m", false));
    }
}
