package dev.graft.cli.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.cli.CliRun;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.store.CommitOp;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.FileRepoStore;
import dev.graft.hub.server.store.Hashes;
import dev.graft.hub.server.store.RepoStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft hub gc}: removes the contents of a deleted repository, keeps what others reference. */
class HubGcCommandTest {
    @Test
    void deletesWhatOnlyADeletedRepositoryReferenced(@TempDir Path dir) throws Exception {
        RepoStore store = new FileRepoStore(dir);
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
        CliRun young = CliRun.run("hub", "gc", "--data-dir", dir.toString());
        assertEquals(0, young.code, young.err);
        assertTrue(young.out.startsWith("deleted 0 unreferenced objects") && young.out.contains("spared 1"), young.out);

        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 2 * 3600_000L);
        try (Stream<Path> s = Files.walk(dir.resolve("objects"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, old);
            }
        }
        CliRun res = CliRun.run("hub", "gc", "--data-dir", dir.toString());
        assertEquals(0, res.code, res.err);
        assertTrue(res.out.startsWith("deleted 1 unreferenced object (") && res.out.contains("kept 2 referenced"), res.out);
        assertFalse(store.blobs().exists(Hashes.sha256(goneBytes)));
        assertTrue(store.blobs().exists(Hashes.sha256(keptBytes)));

        CliRun missing = CliRun.run("hub", "gc", "--data-dir", dir.resolve("nothing").toString());
        assertEquals(1, missing.code);
        assertTrue(missing.err.contains("no hub data in"), missing.err);
    }
}
