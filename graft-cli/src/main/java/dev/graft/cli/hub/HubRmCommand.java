package dev.graft.cli.hub;

import dev.graft.GraftException;
import dev.graft.cli.PrintingVerb;
import java.io.Console;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft hub rm REPO}: deletes a repository on the hub (asks first unless --yes). */
@Command(name = "rm", description = "Delete a repository from the hub (asks first unless --yes).")
public final class HubRmCommand extends PrintingVerb {
    @Mixin
    RepoArgument repo;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    public Integer call() {
        if (!yes) {
            Console console = System.console();
            if (console == null) {
                throw new GraftException("deleting " + repo.get() + " needs confirmation", "add --yes");
            }
            String answer = console.readLine("delete %s %s and all its files? type its name to confirm: ", repo.type().singular(), repo.get());
            if (answer == null || !answer.trim().equals(repo.get())) {
                throw new GraftException("not confirmed; nothing deleted", "type the repository name exactly, or pass --yes");
            }
        }
        HubCli.hub().deleteRepo(repo.type(), repo.get(), false);
        printResult(Map.of("deleted", repo.get()), "deleted " + repo.get());
        return 0;
    }
}
