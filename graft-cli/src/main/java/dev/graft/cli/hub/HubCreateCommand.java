package dev.graft.cli.hub;

import dev.graft.cli.PrintingVerb;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft hub create REPO}: creates an empty model or data set repository. */
@Command(name = "create", description = "Create a model or data set repository on the hub.")
public final class HubCreateCommand extends PrintingVerb {
    @Mixin
    RepoArgument repo;

    @Option(names = "--private", description = "Visible only to the owner and its tokens.")
    boolean isPrivate;

    @Option(names = "--exist-ok", description = "No error when the repository already exists.")
    boolean existOk;

    @Override
    public Integer call() {
        String url = HubCli.hub().createRepo(repo.type(), repo.get(), isPrivate, existOk);
        printResult(Map.of("repo", repo.get(), "url", url), url);
        return 0;
    }
}
