package dev.graft.cli.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.hub.FakeHfHub;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code graft hub pull} and {@code graft hub cache ls|verify|prune|rm} on a damaged cache, online and
 * offline; {@code --local-dir}; a refused token; links out of a pushed folder.
 */
class HubCacheVerbsTest extends FakeHubCliTest {
    byte[] weights = new byte[30_000];
    String commit;

    HubCacheVerbsTest() {
        super(null);
    }

    @BeforeEach
    void setUp() throws Exception {
        new Random(11).nextBytes(weights);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", "{\"num_classes\":10}".getBytes());
        files.put("model.safetensors", weights);
        commit = fake.commit(fake.createRepo("model", "alice/tiny", false), "main", files);
    }

    Path blob(String file) throws Exception {
        return tmp.resolve("home/hub/cache/models--alice--tiny/snapshots").resolve(commit).resolve(file).toRealPath();
    }

    @Test
    void aDamagedCacheIsReportedOfflineAndRepairedByPullingAgain() throws Exception {
        assertEquals(0, run("hub", "pull", "alice/tiny"), last.err);
        Path dir = Path.of(last.out.strip());
        try (RandomAccessFile f = new RandomAccessFile(blob("model.safetensors").toFile(), "rw")) {
            f.seek(100);
            f.write(new byte[8]);
        }
        assertEquals(1, run("hub", "cache", "verify"), last.out);
        assertTrue(last.out.contains("alice/tiny@" + commit.substring(0, 12) + " model.safetensors: damaged"), last.out);
        assertTrue(last.out.contains("pull again: graft hub pull alice/tiny --revision " + commit), last.out);

        System.setProperty("graft.hub.offline", "1");
        assertEquals(1, run("hub", "pull", "alice/tiny"), last.err);
        assertTrue(last.err.contains("model.safetensors") && last.err.contains("damaged")
                && last.err.contains("pull again online: graft hub pull alice/tiny"), last.err);
        assertEquals(1, last.err.strip().lines().count(), last.err);

        System.clearProperty("graft.hub.offline");
        assertEquals(0, run("hub", "pull", "alice/tiny"), last.err);
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertEquals(0, run("hub", "cache", "verify"), last.out);
        assertTrue(last.out.contains("all 2 cached files of 1 repository match their hashes"), last.out);
    }

    @Test
    void lsPruneAndRm() throws Exception {
        assertEquals(0, run("hub", "pull", "alice/tiny"), last.err);
        assertEquals(0, run("hub", "cache", "ls"), last.err);
        assertTrue(last.out.contains("alice/tiny") && last.out.contains("main") && last.out.contains("1 repository"), last.out);
        assertEquals(0, run("hub", "cache", "ls", "--revisions"), last.err);
        assertTrue(last.out.contains(commit.substring(0, 12)), last.out);
        assertEquals(0, run("--json", "hub", "cache", "ls"), last.err);
        assertTrue(last.out.replace(" ", "").contains("\"size_on_disk\":" + (weights.length + 18)), last.out);

        assertEquals(0, run("hub", "cache", "prune"), last.err);
        assertTrue(last.out.contains("deleted 0 detached revisions and 0 unused blobs"), last.out);
        assertEquals(0, run("hub", "cache", "rm", "alice/tiny", "--dry-run"), last.err);
        assertTrue(Files.isDirectory(tmp.resolve("home/hub/cache/models--alice--tiny")));
        assertEquals(0, run("hub", "cache", "rm", "alice/tiny"), last.err);
        assertTrue(last.out.contains("removed alice/tiny from the cache: 1 revision, 2 blobs"), last.out);
        assertFalse(Files.exists(tmp.resolve("home/hub/cache/models--alice--tiny")));
        assertEquals(1, run("hub", "cache", "rm", "alice/tiny"));
        assertTrue(last.err.contains("not in the cache"), last.err);
    }

    @Test
    void pullIntoALocalFolderFollowsTheFolderRule() throws Exception {
        Path local = tmp.resolve("local");
        assertEquals(0, run("hub", "pull", "alice/tiny", "--local-dir", local.toString()), last.err);
        assertEquals(local.toAbsolutePath().toString(), last.out.strip());
        assertFalse(Files.isSymbolicLink(local.resolve("model.safetensors")), "plain files");
        assertArrayEquals(weights, Files.readAllBytes(local.resolve("model.safetensors")));
        assertEquals(1, run("hub", "pull", "alice/tiny", "--local-dir", local.toString()));
        assertTrue(last.err.contains("is not empty") && last.err.contains("--overwrite"), last.err);
        assertEquals(0, run("hub", "pull", "alice/tiny", "--local-dir", local.toString(), "--overwrite"), last.err);
    }

    @Test
    void aRefusedTokenOnAPublicRepositorySaysSo() {
        fake.refuseUnknownTokens = true;
        System.setProperty("graft.token", "hf_expired");
        assertEquals(1, run("hub", "pull", "alice/tiny"));
        assertTrue(last.err.contains("refused the token") && !last.err.contains("not found"), last.err);
    }

    @Test
    void pushDoesNotFollowLinksOutOfTheFolderUnlessAsked() throws Exception {
        System.setProperty("graft.token", FakeHfHub.TOKEN);
        Path dir = Files.createDirectories(tmp.resolve("export"));
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.createSymbolicLink(dir.resolve("key"), Files.writeString(tmp.resolve("id_rsa"), "secret"));
        assertEquals(1, run("hub", "push", dir.toString(), "alice/linked"));
        assertTrue(last.err.contains("key") && last.err.contains("--follow-symlinks"), last.err);
        assertFalse(fake.repos.containsKey("model:alice/linked"));
        assertEquals(0, run("hub", "push", dir.toString(), "alice/linked", "--follow-symlinks"), last.err);
        assertTrue(last.out.contains("pushed 2 files"), last.out);
    }
}
