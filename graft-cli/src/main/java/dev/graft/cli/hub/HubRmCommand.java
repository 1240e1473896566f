package dev.graft.cli.hub;

import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import dev.graft.progress.Output;
import java.io.Console;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code graft hub rm REPO}: deletes a repository on the hub (asks first unless --yes). */
@Command(name = "rm", description = "Delete a repository from the hub (asks first unless --yes).")
public final class HubRmCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "REPO", description = "owner/name")
    String repo;

    @Option(names = "--type", defaultValue = "model", description = "model or dataset (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!yes) {
            Console console = System.console();
            if (console == null) {
                throw new GraftException("deleting " + repo + " needs confirmation", "add --yes");
            }
            String answer = console.readLine("delete %s %s and all its files? type its name to confirm: ", type, repo);
            if (answer == null || !answer.trim().equals(repo)) {
                throw new GraftException("not confirmed; nothing deleted", "type the repository name exactly, or pass --yes");
            }
        }
        HubCli.hub().deleteRepo(RepoType.parse(type), repo, false);
        if (Output.json()) {
            HubCli.printJson(spec.commandLine().getOut(), Map.of("deleted", repo));
        } else {
            spec.commandLine().getOut().println("deleted " + repo);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
