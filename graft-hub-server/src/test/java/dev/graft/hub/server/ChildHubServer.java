package dev.graft.hub.server;

import java.nio.file.Path;

/** Runs a hub server in its own JVM for tests that kill it: prints its URL, then serves until killed. */
public final class ChildHubServer {
    private ChildHubServer() {}

    public static void main(String[] args) throws Exception {
        HubServer server = HubServer.start(new HubServer.Config("127.0.0.1", 0, Path.of(args[0]), null, HubLimits.defaults()));
        System.out.println("listening on " + server.url());
        System.out.flush();
        server.join();
    }
}
