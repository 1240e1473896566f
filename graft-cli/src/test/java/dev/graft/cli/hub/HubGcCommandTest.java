package dev.graft.cli.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.cli.GraftCli;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.store.CommitOp;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.Hashes;
import dev.graft.hub.server.store.RepoStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code graft hub gc}: removes the contents of a deleted repository, keeps what others reference. */
class HubGcCommandTest {
    private static String[] run(String... args) {
        // The global flags are process-wide (another test class may leave --json on); each run starts from the defaults.
        dev.graft.progress.Output.configure(false, false);
        CommandLine cl = GraftCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString().trim(), err.toString()};
    }

    @Test
    void deletesWhatOnlyADeletedRepositoryReferenced(@TempDir Path dir) throws Exception {
        RepoStore store = new RepoStore(dir);
        RepoId kept = RepoId.of(RepoType.MODEL, "alice/kept");
        RepoId gone = RepoId.of(RepoType.MODEL, "alice/gone");
        byte[] keptBytes = "weights of kept".getBytes(StandardCharsets.UTF_8);
        byte[] goneBytes = "weights of gone, 25 bytes".getBytes(StandardCharsets.UTF_8);
        for (RepoId id : List.of(kept, gone)) {
            store.create(id, false, "alice");
            byte[] b = id.equals(kept) ? keptBytes : goneBytes;
            store.commit(id, "main", null, "alice", "w", "", List.of(new CommitOp.Put(
                    new FileEntry("w.bin", b.length, store.blobs().put(b), Hashes.gitBlobSha1(b), false))));
        }
        store.delete(gone);
        String[] young = run("hub", "gc", "--data-dir", dir.toString());
        assertEquals("0", young[0], young[2]);
        assertTrue(young[1].startsWith("deleted 0 unreferenced objects") && young[1].contains("spared 1"), young[1]);

        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 2 * 3600_000L);
        try (Stream<Path> s = Files.walk(dir.resolve("objects"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, old);
            }
        }
        String[] res = run("hub", "gc", "--data-dir", dir.toString());
        assertEquals("0", res[0], res[2]);
        assertTrue(res[1].startsWith("deleted 1 unreferenced object (") && res[1].contains("kept 2 referenced"), res[1]);
        assertFalse(store.blobs().exists(Hashes.sha256(goneBytes)));
        assertTrue(store.blobs().exists(Hashes.sha256(keptBytes)));

        String[] missing = run("hub", "gc", "--data-dir", dir.resolve("nothing").toString());
        assertEquals("1", missing[0]);
        assertTrue(missing[2].contains("no hub data in"), missing[2]);
    }
}
