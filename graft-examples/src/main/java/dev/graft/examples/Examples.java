package dev.graft.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the examples share: where they write. */
final class Examples {
    private Examples() {}

    /** The folder given as the first argument, else a new temporary one. */
    static Path outDir(String[] args, String name) {
        try {
            return args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("graft-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What runs while a hub of its own serves: it talks to it through the client's settings. */
    interface OnHub {
        void run() throws Exception;
    }

    /**
     * Starts a hub in this process (what {@code graft hub serve} runs) on a free port with its data in
     * {@code work/hub-data}, points the client at it with a write token of {@code alice} (the
     * properties standing for GRAFT_ENDPOINT and GRAFT_TOKEN) and a cache in {@code work/hub-cache},
     * runs {@code body}, then clears the settings and stops the hub.
     */
    static void onLocalHub(Path work, OnHub body) throws Exception {
        try (dev.graft.hub.server.HubServer server = dev.graft.hub.server.HubServer.start(new dev.graft.hub.server.HubServer.Config(
                "127.0.0.1", 0, work.resolve("hub-data"), null, dev.graft.hub.server.HubLimits.defaults()))) {
            System.setProperty("graft.endpoint", server.url());
            System.setProperty("graft.token", server.hub().createToken("alice", "examples", true));
            System.setProperty("graft.hub.cache", work.resolve("hub-cache").toString());
            try {
                body.run();
            } finally {
                for (String p : List.of("graft.endpoint", "graft.token", "graft.hub.cache")) {
                    System.clearProperty(p);
                }
            }
        }
    }
}
