package dev.graft.cli.hub;

import dev.graft.hub.CacheScan;
import dev.graft.progress.Output;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code graft hub cache prune}: deletes detached revisions and blobs no snapshot uses. */
@Command(name = "prune", description = "Delete cached revisions no branch or tag points to, blobs no revision uses, and stale partial downloads.")
public final class HubCachePruneCommand implements Callable<Integer> {
    @Mixin
    DryRunOption dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CacheScan.Removal r = new CacheScan(HubCli.hub().cache()).prune(dryRun.get());
        PrintWriter out = spec.commandLine().getOut();
        if (Output.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dry_run", dryRun.get());
            m.put("revisions", r.revisions().stream().map(Object::toString).toList());
            m.put("blobs", r.blobs().size());
            m.put("bytes", r.bytes());
            HubCli.printJson(out, m);
            return 0;
        }
        r.revisions().forEach(p -> out.println((dryRun.get() ? "would delete " : "deleted ") + p));
        out.println((dryRun.get() ? "would delete " : "deleted ") + HubCli.count(r.revisions().size(), "detached revision")
                + " and " + HubCli.count(r.blobs().size(), "unused blob") + " (" + HubCacheCommand.human(r.bytes()) + ")");
        out.flush();
        return 0;
    }
}
