package dev.graft.cli.hub;

import dev.graft.cli.PrintingVerb;
import dev.graft.hub.ListQuery;
import dev.graft.hub.RepoInfo;
import dev.graft.progress.Output;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft hub ls}: lists or searches repositories. */
@Command(name = "ls", description = "List or search repositories on the hub.")
public final class HubLsCommand extends PrintingVerb {
    @Option(names = "--search", description = "Text the repository name contains.")
    String search;

    @Option(names = "--author", description = "Only this owner's repositories.")
    String author;

    @Option(names = "--filter", paramLabel = "TAG", description = "Only repositories with this tag; repeatable.")
    List<String> filters = List.of();

    @Mixin
    RepoTypeOption type;

    @Option(names = "--sort", description = "downloads or lastModified (newest/most first).")
    String sort;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        ListQuery q = ListQuery.all().search(search).author(author).limit(limit);
        for (String f : filters) {
            q = q.filter(f);
        }
        if (sort != null) {
            q = q.sort(sort, -1);
        }
        List<RepoInfo> repos = HubCli.hub().list(type.get(), q);
        PrintWriter out = stdout();
        if (Output.json()) {
            printJson(repos);
            return 0;
        }
        if (repos.isEmpty()) {
            Output.note("no repositories match");
        }
        for (RepoInfo r : repos) {
            out.printf("%-40s %8s  %-10s %s%n", r.id(), r.downloads() == null ? "" : r.downloads() + "",
                    r.lastModified() == null ? "" : r.lastModified().substring(0, Math.min(10, r.lastModified().length())),
                    r.tags() == null ? "" : String.join(",", r.tags()));
        }
        out.flush();
        return 0;
    }
}
