package dev.graft.cli.hub;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code graft hub cache}: look after the download cache (the verbs of huggingface_hub's {@code hf cache}). */
@Command(
        name = "cache",
        mixinStandardHelpOptions = true,
        description = "Inspect, check and clean the download cache (GRAFT_HUB_CACHE, else GRAFT_HOME/hub/cache).",
        subcommands = {
            HubCacheLsCommand.class,
            HubCacheVerifyCommand.class,
            HubCachePruneCommand.class,
            HubCacheRmCommand.class,
        })
public final class HubCacheCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** A size as people read it: 1.5 MiB. */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
