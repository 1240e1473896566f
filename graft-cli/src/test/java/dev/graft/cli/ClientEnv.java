package dev.graft.cli;

import java.nio.file.Path;

/**
 * The settings a test points Graft at, as the system properties that stand for GRAFT_HOME,
 * GRAFT_ENDPOINT and GRAFT_TOKEN: set when opened, all cleared on close, so that no test sees another's.
 *
 * <pre>{@code
 * try (ClientEnv env = ClientEnv.of(tmp.resolve("home"), server.url(), token)) { ... }
 * }</pre>
 */
public final class ClientEnv implements AutoCloseable {
    private static final String[] PROPERTIES = {"graft.home", "graft.endpoint", "graft.token", "graft.hub.offline"};

    private ClientEnv() {}

    /** A Graft home of its own, no endpoint or token. */
    public static ClientEnv home(Path home) {
        return of(home, null, null);
    }

    /** A Graft home and a hub to talk to; {@code endpoint} or {@code token} null leaves it unset. */
    public static ClientEnv of(Path home, String endpoint, String token) {
        clear();
        System.setProperty("graft.home", home.toString());
        if (endpoint != null) {
            System.setProperty("graft.endpoint", endpoint);
        }
        if (token != null) {
            System.setProperty("graft.token", token);
        }
        return new ClientEnv();
    }

    @Override
    public void close() {
        clear();
    }

    private static void clear() {
        for (String p : PROPERTIES) {
            System.clearProperty(p);
        }
    }
}
