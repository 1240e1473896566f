package dev.graft.cli.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.cli.GraftCli;
import dev.graft.hub.FakeHfHub;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code graft hub pull} and {@code graft hub cache ls|verify|prune|rm} on a damaged cache, online and
 * offline; {@code --local-dir}; a refused token; links out of a pushed folder.
 */
class HubCacheVerbsTest {
    @TempDir
    Path tmp;
    FakeHfHub fake;
    StringWriter out;
    StringWriter err;
    byte[] weights = new byte[30_000];
    String commit;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeHfHub();
        new Random(11).nextBytes(weights);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", "{\"num_classes\":10}".getBytes());
        files.put("model.safetensors", weights);
        commit = fake.commit(fake.createRepo("model", "alice/tiny", false), "main", files);
        System.setProperty("graft.home", tmp.resolve("home").toString());
        System.setProperty("graft.endpoint", fake.endpoint);
        System.clearProperty("graft.token");
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
        dev.graft.progress.Output.configure(true, false);
        CommandLine cl = GraftCli.commandLine();
        out = new StringWriter();
        err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    Path blob(String file) throws Exception {
        return tmp.resolve("home/hub/cache/models--alice--tiny/snapshots").resolve(commit).resolve(file).toRealPath();
    }

    @Test
    void aDamagedCacheIsReportedOfflineAndRepairedByPullingAgain() throws Exception {
        assertEquals(0, run("hub", "pull", "alice/tiny"), err.toString());
        Path dir = Path.of(out.toString().strip());
        try (RandomAccessFile f = new RandomAccessFile(blob("model.safetensors").toFile(), "rw")) {
            f.seek(100);
            f.write(new byte[8]);
        }
        assertEquals(1, run("hub", "cache", "verify"), out.toString());
        assertTrue(out.toString().contains("alice/tiny@" + commit.substring(0, 12) + " model.safetensors: damaged"), out.toString());
        assertTrue(out.toString().contains("pull again: graft hub pull alice/tiny --revision " + commit), out.toString());

        System.setProperty("graft.hub.offline", "1");
        assertEquals(1, run("hub", "pull", "alice/tiny"), err.toString());
        assertTrue(err.toString().contains("model.safetensors") && err.toString().contains("damaged")
                && err.toString().contains("pull again online: graft hub pull alice/tiny"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());

        System.clearProperty("graft.hub.offline");
        assertEquals(0, run("hub", "pull", "alice/tiny"), err.toString());
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertEquals(0, run("hub", "cache", "verify"), out.toString());
        assertTrue(out.toString().contains("all 2 cached files of 1 repository match their hashes"), out.toString());
    }

    @Test
    void lsPruneAndRm() throws Exception {
        assertEquals(0, run("hub", "pull", "alice/tiny"), err.toString());
        assertEquals(0, run("hub", "cache", "ls"), err.toString());
        assertTrue(out.toString().contains("alice/tiny") && out.toString().contains("main") && out.toString().contains("1 repository"), out.toString());
        assertEquals(0, run("hub", "cache", "ls", "--revisions"), err.toString());
        assertTrue(out.toString().contains(commit.substring(0, 12)), out.toString());
        assertEquals(0, run("--json", "hub", "cache", "ls"), err.toString());
        assertTrue(out.toString().replace(" ", "").contains("\"size_on_disk\":" + (weights.length + 18)), out.toString());

        assertEquals(0, run("hub", "cache", "prune"), err.toString());
        assertTrue(out.toString().contains("deleted 0 detached revisions and 0 unused blobs"), out.toString());
        assertEquals(0, run("hub", "cache", "rm", "alice/tiny", "--dry-run"), err.toString());
        assertTrue(Files.isDirectory(tmp.resolve("home/hub/cache/models--alice--tiny")));
        assertEquals(0, run("hub", "cache", "rm", "alice/tiny"), err.toString());
        assertTrue(out.toString().contains("removed alice/tiny from the cache: 1 revision, 2 blobs"), out.toString());
        assertFalse(Files.exists(tmp.resolve("home/hub/cache/models--alice--tiny")));
        assertEquals(1, run("hub", "cache", "rm", "alice/tiny"));
        assertTrue(err.toString().contains("not in the cache"), err.toString());
    }

    @Test
    void pullIntoALocalFolderFollowsTheFolderRule() throws Exception {
        Path local = tmp.resolve("local");
        assertEquals(0, run("hub", "pull", "alice/tiny", "--local-dir", local.toString()), err.toString());
        assertEquals(local.toAbsolutePath().toString(), out.toString().strip());
        assertFalse(Files.isSymbolicLink(local.resolve("model.safetensors")), "plain files");
        assertArrayEquals(weights, Files.readAllBytes(local.resolve("model.safetensors")));
        assertEquals(1, run("hub", "pull", "alice/tiny", "--local-dir", local.toString()));
        assertTrue(err.toString().contains("is not empty") && err.toString().contains("--overwrite"), err.toString());
        assertEquals(0, run("hub", "pull", "alice/tiny", "--local-dir", local.toString(), "--overwrite"), err.toString());
    }

    @Test
    void aRefusedTokenOnAPublicRepositorySaysSo() {
        fake.refuseUnknownTokens = true;
        System.setProperty("graft.token", "hf_expired");
        assertEquals(1, run("hub", "pull", "alice/tiny"));
        assertTrue(err.toString().contains("refused the token") && !err.toString().contains("not found"), err.toString());
    }

    @Test
    void pushDoesNotFollowLinksOutOfTheFolderUnlessAsked() throws Exception {
        System.setProperty("graft.token", FakeHfHub.TOKEN);
        Path dir = Files.createDirectories(tmp.resolve("export"));
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.createSymbolicLink(dir.resolve("key"), Files.writeString(tmp.resolve("id_rsa"), "secret"));
        assertEquals(1, run("hub", "push", dir.toString(), "alice/linked"));
        assertTrue(err.toString().contains("key") && err.toString().contains("--follow-symlinks"), err.toString());
        assertFalse(fake.repos.containsKey("model:alice/linked"));
        assertEquals(0, run("hub", "push", dir.toString(), "alice/linked", "--follow-symlinks"), err.toString());
        assertTrue(out.toString().contains("pushed 2 files"), out.toString());
    }
}
