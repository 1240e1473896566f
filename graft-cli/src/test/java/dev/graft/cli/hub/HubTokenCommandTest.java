package dev.graft.cli.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.cli.CliRun;
import dev.graft.hub.server.HubError;
import dev.graft.hub.server.HubService;
import dev.graft.hub.server.Principal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft hub token}: prints a token once, which then authenticates with the right scope; revoke removes it. */
class HubTokenCommandTest {
    private static String run(String... args) {
        return CliRun.run(args).expect(0).out.trim();
    }

    @Test
    void createdTokensAuthenticateAndRevokedOnesDoNot(@TempDir Path dir) throws Exception {
        String data = dir.resolve("hub").toString();
        String writer = run("hub", "token", "create", "--user", "alice", "--write", "--name", "ci", "--data-dir", data);
        String reader = run("hub", "token", "create", "--user", "alice", "--data-dir", data);
        assertTrue(writer.startsWith("hf_") && writer.length() > 30, writer);
        assertNotEquals(writer, reader);
        try (HubService hub = HubService.open(Path.of(data), null)) {
            assertEquals(new Principal("alice", "ci", true), hub.authenticate("Bearer " + writer));
            assertEquals(new Principal("alice", "token", false), hub.authenticate("Bearer " + reader));
        }
        assertEquals("revoked 1 token named ci of alice", run("hub", "token", "revoke", "--user", "alice", "--name", "ci", "--data-dir", data));
        try (HubService hub = HubService.open(Path.of(data), null)) {
            assertEquals(401, assertThrows(HubError.class, () -> hub.authenticate("Bearer " + writer)).status());
        }
        assertEquals(1, CliRun.run("hub", "token", "create", "--user", "bad--name", "--data-dir", data).code);
    }

    /**
     * With --db-url the token goes into the index the servers share and nothing else is touched: a
     * folder without the servers' repositories (this machine's, not theirs) must not drop their rows.
     */
    @Test
    void aTokenInASharedIndexLeavesItsRepositoriesAlone(@TempDir Path dir) throws Exception {
        Path served = dir.resolve("served");
        String db = dev.graft.hub.server.index.IndexDb.h2Url(served.resolve("index"));
        try (HubService hub = HubService.open(served, db)) {
            hub.createRepo(dev.graft.hub.protocol.RepoId.of(dev.graft.hub.protocol.RepoType.MODEL, "alice/kept"), false, "alice", java.util.List.of());
        }
        String token = run("hub", "token", "create", "--user", "alice", "--write", "--db-url", db, "--data-dir", dir.resolve("elsewhere").toString());
        try (dev.graft.hub.server.index.IndexDb index = dev.graft.hub.server.index.IndexDb.open(db)) {
            assertEquals(java.util.List.of("alice/kept"), index.ids("model"));
            assertEquals("alice", index.token(dev.graft.hub.server.store.Hashes.sha256(token)).user());
        }
    }
}
