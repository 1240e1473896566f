package dev.graft.cli.hub;

import dev.graft.GraftHome;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir} of the verbs that work on a hub server's folder directly, without the server (a picocli mixin). */
public final class ServerDataDirOption {
    @Option(names = "--data-dir", description = "The server's data folder (default: GRAFT_HOME/hub).")
    Path dataDir;

    /** The folder given, else GRAFT_HOME/hub, which is not created: a verb that only reads a hub must not make one. */
    Path get() {
        return dataDir != null ? dataDir.toAbsolutePath() : GraftHome.root().resolve("hub");
    }

    /** As {@link #get}, but GRAFT_HOME/hub is created when it is the one (a verb that stores into a new hub). */
    Path getOrCreateDefault() {
        return dataDir != null ? dataDir.toAbsolutePath() : GraftHome.dir("hub");
    }
}
