package dev.graft.cli;

import dev.graft.hub.server.HubLimits;
import dev.graft.hub.server.HubServer;
import java.nio.file.Path;

/**
 * A hub server started in-process on a free local port with the default limits, for the tests of the
 * verbs that talk to a hub.
 *
 * <pre>{@code
 * try (TestHubServer hub = TestHubServer.start(tmp.resolve("server"))) {
 *     String token = hub.token("alice", true);
 * }
 * }</pre>
 */
public final class TestHubServer implements AutoCloseable {
    public final HubServer server;

    private TestHubServer(HubServer server) {
        this.server = server;
    }

    /** A server keeping its repositories and embedded index under {@code dataDir}. */
    public static TestHubServer start(Path dataDir) throws Exception {
        return new TestHubServer(HubServer.start(new HubServer.Config("127.0.0.1", 0, dataDir, null, HubLimits.defaults())));
    }

    public String url() {
        return server.url();
    }

    /** A new token of {@code user} (created if new), named "write" or "read" after what it may do. */
    public String token(String user, boolean write) {
        return server.hub().createToken(user, write ? "write" : "read", write);
    }

    @Override
    public void close() {
        server.close();
    }
}
