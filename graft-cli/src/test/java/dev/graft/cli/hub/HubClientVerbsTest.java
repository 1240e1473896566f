package dev.graft.cli.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.hub.FakeHfHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client verbs end to end against a server that answers like the Hugging Face Hub. */
class HubClientVerbsTest extends FakeHubCliTest {
    HubClientVerbsTest() {
        super(FakeHfHub.TOKEN);
    }

    @BeforeEach
    void setUp() {
        fake.lfsThreshold = 1024;
    }

    @Test
    void pushListInfoPullDelete() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("export"));
        Files.writeString(dir.resolve("README.md"), "---\nlicense: mit\ntags: [image-classification]\n---\n# Tiny\n");
        Files.writeString(dir.resolve("config.json"), "{\"num_classes\":10}");
        byte[] w = new byte[50_000];
        new Random(5).nextBytes(w);
        Files.write(dir.resolve("model.safetensors"), w);

        assertEquals(0, run("hub", "push", dir.toString(), "alice/tiny", "-m", "First"), last.err);
        assertTrue(last.out.contains("pushed 3 files (1 through LFS) to alice/tiny@main"), last.out);

        assertEquals(0, run("hub", "ls", "--author", "alice"), last.err);
        assertTrue(last.out.startsWith("alice/tiny"), last.out);

        assertEquals(0, run("hub", "info", "alice/tiny"), last.err);
        assertTrue(last.out.contains("model.safetensors") && last.out.contains("(LFS)"), last.out);

        assertEquals(0, run("hub", "pull", "alice/tiny", "--include", "*.json"), last.err);
        Path pulled = Path.of(last.out.strip());
        assertTrue(Files.exists(pulled.resolve("config.json")));
        assertFalse(Files.exists(pulled.resolve("model.safetensors")));
        assertTrue(pulled.startsWith(tmp.resolve("home").resolve("hub").resolve("cache")), pulled.toString());

        assertEquals(0, run("--json", "hub", "pull", "alice/tiny"), last.err);
        assertTrue(last.out.contains("\"commit\""), last.out);
        assertTrue(Files.exists(pulled.resolve("model.safetensors")));

        assertEquals(1, run("hub", "rm", "alice/tiny"));
        assertTrue(last.err.contains("--yes"), last.err);
        assertEquals(0, run("hub", "rm", "alice/tiny", "--yes"), last.err);
        assertTrue(fake.repos.isEmpty());
    }

    @Test
    void pushRejectsABadCardBeforeUploading() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(dir.resolve("README.md"), "---\nlicense: [mit, apache-2.0]\n---\n");
        assertEquals(1, run("hub", "push", dir.toString(), "alice/bad"));
        assertTrue(last.err.contains("'license' must be text"), last.err);
        assertTrue(fake.log.isEmpty(), "nothing was sent");
    }

    @Test
    void loginChecksAndStoresTheToken() throws Exception {
        assertEquals(1, run("hub", "login", "--token", "hf_wrong"));
        assertTrue(last.err.contains("rejected"), last.err);
        assertEquals(0, run("hub", "login", "--token", FakeHfHub.TOKEN), last.err);
        assertTrue(last.out.contains("logged in as alice"), last.out);
        assertEquals(FakeHfHub.TOKEN, Files.readString(tmp.resolve("home/hub/token")).strip());
    }

    @Test
    void offlinePullOfSomethingNotCachedSaysWhatToDo() {
        System.setProperty("graft.hub.offline", "1");
        assertEquals(1, run("hub", "pull", "alice/none"));
        assertTrue(last.err.contains("offline mode is on") && last.err.contains("graft hub pull alice/none"),
                last.err);
    }

    @Test
    void createPrintsTheUrlAndRejectsBadNames() {
        assertEquals(0, run("hub", "create", "alice/ds", "--type", "dataset", "--private"), last.err);
        assertEquals(fake.endpoint + "/datasets/alice/ds", last.out.strip());
        assertEquals(1, run("hub", "create", "alice/..etc"));
        assertTrue(last.err.contains("invalid part"), last.err);
    }
}
