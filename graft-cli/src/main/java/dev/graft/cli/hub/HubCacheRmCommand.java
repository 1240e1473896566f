package dev.graft.cli.hub;

import dev.graft.cli.PrintingVerb;
import dev.graft.hub.CacheScan;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft hub cache rm REPO [--revision R]}: removes a repository, or one revision, from the cache (not from the hub). */
@Command(name = "rm", description = "Remove a cached repository, or one revision of it, from the cache (the hub keeps it).")
public final class HubCacheRmCommand extends PrintingVerb {
    @Mixin
    RepoArgument repo;

    @Option(names = "--revision", description = "Only this revision: a commit sha, or a branch or tag recorded in the cache.")
    String revision;

    @Mixin
    DryRunOption dryRun;

    @Override
    public Integer call() {
        CacheScan.Removal r = HubCli.cacheScan().remove(repo.type(), repo.get(), revision, dryRun.get());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("repo", repo.get());
        json.put("revision", revision);
        json.putAll(dryRun.json(r, p -> p.getFileName().toString()));
        printResult(json, dryRun.outcome("remove ", "removed ") + repo.get() + (revision == null ? "" : "@" + revision) + " from the cache: "
                + HubCli.count(r.revisions().size(), "revision") + ", " + HubCli.count(r.blobs().size(), "blob") + " (" + HubCacheCommand.human(r.bytes()) + ")");
        return 0;
    }
}
