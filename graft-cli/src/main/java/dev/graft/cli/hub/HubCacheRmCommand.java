package dev.graft.cli.hub;

import dev.graft.hub.CacheScan;
import dev.graft.hub.protocol.RepoType;
import dev.graft.progress.Output;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code graft hub cache rm REPO [--revision R]}: removes a repository, or one revision, from the cache (not from the hub). */
@Command(name = "rm", description = "Remove a cached repository, or one revision of it, from the cache (the hub keeps it).")
public final class HubCacheRmCommand implements Callable<Integer> {
    @Mixin
    RepoArgument repo;

    @Option(names = "--revision", description = "Only this revision: a commit sha, or a branch or tag recorded in the cache.")
    String revision;

    @Mixin
    RepoTypeOption type;

    @Mixin
    DryRunOption dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CacheScan.Removal r = new CacheScan(HubCli.hub().cache()).remove(type.get(), repo.get(), revision, dryRun.get());
        PrintWriter out = spec.commandLine().getOut();
        if (Output.json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("repo", repo.get());
            m.put("revision", revision);
            m.put("dry_run", dryRun.get());
            m.put("revisions", r.revisions().stream().map(p -> p.getFileName().toString()).toList());
            m.put("blobs", r.blobs().size());
            m.put("bytes", r.bytes());
            HubCli.printJson(out, m);
            return 0;
        }
        out.println((dryRun.get() ? "would remove " : "removed ") + repo.get() + (revision == null ? "" : "@" + revision) + " from the cache: "
                + HubCli.count(r.revisions().size(), "revision") + ", " + HubCli.count(r.blobs().size(), "blob") + " (" + HubCacheCommand.human(r.bytes()) + ")");
        out.flush();
        return 0;
    }
}
