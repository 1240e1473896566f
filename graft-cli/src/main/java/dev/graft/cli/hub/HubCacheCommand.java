package dev.graft.cli.hub;

import dev.graft.cli.VerbGroup;
import dev.graft.hub.HubConfig;
import picocli.CommandLine.Command;

/** {@code graft hub cache}: look after the download cache (the verbs of huggingface_hub's {@code hf cache}). */
@Command(
        name = "cache",
        mixinStandardHelpOptions = true,
        description = "Inspect, check and clean the download cache (" + HubConfig.CACHE_PRECEDENCE
                + "; a cache that Python's huggingface_hub filled is used as is).",
        subcommands = {
            HubCacheLsCommand.class,
            HubCacheVerifyCommand.class,
            HubCachePruneCommand.class,
            HubCacheRmCommand.class,
        })
public final class HubCacheCommand extends VerbGroup {

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
