package dev.graft.cli.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.cli.GraftCli;
import dev.graft.hub.FakeHfHub;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The client verbs end to end against a server that answers like the Hugging Face Hub. */
class HubClientVerbsTest {
    @TempDir
    Path tmp;
    FakeHfHub fake;
    StringWriter out;
    StringWriter err;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeHfHub();
        fake.lfsThreshold = 1024;
        System.setProperty("graft.home", tmp.resolve("home").toString());
        System.setProperty("graft.endpoint", fake.endpoint);
        System.setProperty("graft.token", FakeHfHub.TOKEN);
        System.clearProperty("graft.hub.offline");
    }

    @AfterEach
    void tearDown() {
        fake.close();
        for (String p : new String[] {"graft.home", "graft.endpoint", "graft.token", "graft.hub.offline"}) {
            System.clearProperty(p);
        }
    }

    int run(String... args) {
        // The global flags are process-wide; each run here starts from the defaults.
        dev.graft.progress.Output.configure(false, false);
        CommandLine cl = GraftCli.commandLine();
        out = new StringWriter();
        err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void pushListInfoPullDelete() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("export"));
        Files.writeString(dir.resolve("README.md"), "---\nlicense: mit\ntags: [image-classification]\n---\n# Tiny\n");
        Files.writeString(dir.resolve("config.json"), "{\"num_classes\":10}");
        byte[] w = new byte[50_000];
        new Random(5).nextBytes(w);
        Files.write(dir.resolve("model.safetensors"), w);

        assertEquals(0, run("hub", "push", dir.toString(), "alice/tiny", "-m", "First"), err.toString());
        assertTrue(out.toString().contains("pushed 3 files (1 through LFS) to alice/tiny@main"), out.toString());

        assertEquals(0, run("hub", "ls", "--author", "alice"), err.toString());
        assertTrue(out.toString().startsWith("alice/tiny"), out.toString());

        assertEquals(0, run("hub", "info", "alice/tiny"), err.toString());
        assertTrue(out.toString().contains("model.safetensors") && out.toString().contains("(LFS)"), out.toString());

        assertEquals(0, run("hub", "pull", "alice/tiny", "--include", "*.json"), err.toString());
        Path pulled = Path.of(out.toString().strip());
        assertTrue(Files.exists(pulled.resolve("config.json")));
        assertFalse(Files.exists(pulled.resolve("model.safetensors")));
        assertTrue(pulled.startsWith(tmp.resolve("home").resolve("hub").resolve("cache")), pulled.toString());

        assertEquals(0, run("--json", "hub", "pull", "alice/tiny"), err.toString());
        assertTrue(out.toString().contains("\"commit\""), out.toString());
        assertTrue(Files.exists(pulled.resolve("model.safetensors")));

        assertEquals(1, run("hub", "rm", "alice/tiny"));
        assertTrue(err.toString().contains("--yes"), err.toString());
        assertEquals(0, run("hub", "rm", "alice/tiny", "--yes"), err.toString());
        assertTrue(fake.repos.isEmpty());
    }

    @Test
    void pushRejectsABadCardBeforeUploading() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(dir.resolve("README.md"), "---\nlicense: [mit, apache-2.0]\n---\n");
        assertEquals(1, run("hub", "push", dir.toString(), "alice/bad"));
        assertTrue(err.toString().contains("'license' must be text"), err.toString());
        assertTrue(fake.log.isEmpty(), "nothing was sent");
    }

    @Test
    void loginChecksAndStoresTheToken() throws Exception {
        assertEquals(1, run("hub", "login", "--token", "hf_wrong"));
        assertTrue(err.toString().contains("rejected"), err.toString());
        assertEquals(0, run("hub", "login", "--token", FakeHfHub.TOKEN), err.toString());
        assertTrue(out.toString().contains("logged in as alice"), out.toString());
        assertEquals(FakeHfHub.TOKEN, Files.readString(tmp.resolve("home/hub/token")).strip());
    }

    @Test
    void offlinePullOfSomethingNotCachedSaysWhatToDo() {
        System.setProperty("graft.hub.offline", "1");
        assertEquals(1, run("hub", "pull", "alice/none"));
        assertTrue(err.toString().contains("offline mode is on") && err.toString().contains("graft hub pull alice/none"),
                err.toString());
    }

    @Test
    void createPrintsTheUrlAndRejectsBadNames() {
        assertEquals(0, run("hub", "create", "alice/ds", "--type", "dataset", "--private"), err.toString());
        assertEquals(fake.endpoint + "/datasets/alice/ds", out.toString().strip());
        assertEquals(1, run("hub", "create", "alice/..etc"));
        assertTrue(err.toString().contains("invalid part"), err.toString());
    }
}
