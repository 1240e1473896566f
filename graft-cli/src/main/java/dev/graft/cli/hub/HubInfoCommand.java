package dev.graft.cli.hub;

import dev.graft.cli.PrintingVerb;
import dev.graft.hub.RepoInfo;
import dev.graft.progress.Output;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code graft hub info REPO}: commit, visibility, tags, card data and files of a repository. */
@Command(name = "info", description = "Show a repository's commit, tags, card metadata and files.")
public final class HubInfoCommand extends PrintingVerb {
    @Mixin
    RepoArgument repo;

    @Mixin
    RevisionOption revision;


    @Override
    public Integer call() {
        RepoInfo info = HubCli.hub().info(repo.type(), repo.get(), revision.get());
        PrintWriter out = stdout();
        if (Output.json()) {
            printJson(info);
            return 0;
        }
        out.printf("%-14s %s%n", "id", info.id());
        out.printf("%-14s %s%n", "commit", info.sha());
        out.printf("%-14s %s%n", "private", Boolean.TRUE.equals(info.isPrivate()));
        if (info.lastModified() != null) {
            out.printf("%-14s %s%n", "last modified", info.lastModified());
        }
        if (info.downloads() != null) {
            out.printf("%-14s %d%n", "downloads", info.downloads());
        }
        if (info.tags() != null && !info.tags().isEmpty()) {
            out.printf("%-14s %s%n", "tags", String.join(", ", info.tags()));
        }
        if (info.cardData() != null && !info.cardData().isEmpty()) {
            info.cardData().fields().forEachRemaining(e -> {
                if (!e.getKey().equals("model-index")) {
                    out.printf("%-14s %s%n", "card." + e.getKey(),
                            e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
                }
            });
        }
        out.println("files:");
        if (info.siblings() != null) {
            for (RepoInfo.Sibling s : info.siblings()) {
                out.printf("  %-44s %12s%s%n", s.path(), s.size() == null ? "" : s.size() + " B",
                        s.lfs() != null ? "  (LFS)" : "");
            }
        }
        out.flush();
        return 0;
    }
}
