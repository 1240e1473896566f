package dev.graft.cli.hub;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.hub.server.HubService;
import dev.graft.hub.server.store.RepoStore;
import dev.graft.progress.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft hub gc}: deletes stored objects that no repository references any more. */
@Command(name = "gc",
        description = "Delete stored file contents that no repository of a hub server references any more.")
public final class HubGcCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "The server's data folder (default: GRAFT_HOME/hub).")
    Path dataDir;

    @Option(names = "--grace-minutes", defaultValue = "60",
            description = "Spare unreferenced objects younger than this, e.g. uploads whose commit is on its way (default: ${DEFAULT-VALUE}).")
    long graceMinutes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir.toAbsolutePath() : GraftHome.root().resolve("hub");
        if (!Files.isDirectory(dir.resolve("objects")) || !Files.isDirectory(dir.resolve("repos"))) {
            throw new GraftException("no hub data in " + dir, "pass the folder the server uses with --data-dir");
        }
        if (graceMinutes < 0) {
            throw new GraftException("--grace-minutes must be 0 or more, got " + graceMinutes, "e.g. --grace-minutes 60");
        }
        if (graceMinutes < HubService.GC_GRACE.toMinutes()) {
            Output.warn("a grace period under " + HubService.GC_GRACE.toMinutes() + " minutes may delete an upload whose commit"
                    + " is still on its way, if a server is busy with this folder now");
        }
        // The store alone, not the index: this runs safely next to a server (they share the store lock).
        RepoStore.GcResult r = new RepoStore(dir).collectGarbage(Duration.ofMinutes(graceMinutes));
        if (Output.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("deleted", r.deleted());
            out.put("bytesFreed", r.bytesFreed());
            out.put("kept", r.kept());
            out.put("spared", r.spared());
            HubCli.printJson(spec.commandLine().getOut(), out);
        } else {
            spec.commandLine().getOut().printf("deleted %s (%.1f MiB); kept %d referenced, spared %d younger than %d min%n",
                    HubCli.count(r.deleted(), "unreferenced object"), r.bytesFreed() / 1048576.0, r.kept(), r.spared(), graceMinutes);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
