package dev.graft.cli.hub;

import dev.graft.cli.PrintingVerb;
import dev.graft.hub.CacheScan;
import dev.graft.progress.Output;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code graft hub cache prune}: deletes detached revisions and blobs no snapshot uses. */
@Command(name = "prune", description = "Delete cached revisions no branch or tag points to, blobs no revision uses, and stale partial downloads.")
public final class HubCachePruneCommand extends PrintingVerb {
    @Mixin
    DryRunOption dryRun;

    @Override
    public Integer call() {
        CacheScan.Removal r = HubCli.cacheScan().prune(dryRun.get());
        if (Output.json()) {
            printJson(dryRun.json(r, Object::toString));
            return 0;
        }
        PrintWriter out = stdout();
        r.revisions().forEach(p -> out.println(dryRun.outcome("delete ", "deleted ") + p));
        out.println(dryRun.outcome("delete ", "deleted ") + HubCli.count(r.revisions().size(), "detached revision")
                + " and " + HubCli.count(r.blobs().size(), "unused blob") + " (" + HubCacheCommand.human(r.bytes()) + ")");
        out.flush();
        return 0;
    }
}
