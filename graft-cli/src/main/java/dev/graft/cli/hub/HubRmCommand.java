package dev.graft.cli.hub;

import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import dev.graft.progress.Output;
import java.io.Console;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code graft hub rm REPO}: deletes a repository on the hub (asks first unless --yes). */
@Command(name = "rm", description = "Delete a repository from the hub (asks first unless --yes).")
public final class HubRmCommand implements Callable<Integer> {
    @Mixin
    RepoArgument repo;

    @Mixin
    RepoTypeOption type;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!yes) {
            Console console = System.console();
            if (console == null) {
                throw new GraftException("deleting " + repo.get() + " needs confirmation", "add --yes");
            }
            String answer = console.readLine("delete %s %s and all its files? type its name to confirm: ", type.get().singular(), repo.get());
            if (answer == null || !answer.trim().equals(repo.get())) {
                throw new GraftException("not confirmed; nothing deleted", "type the repository name exactly, or pass --yes");
            }
        }
        HubCli.hub().deleteRepo(type.get(), repo.get(), false);
        if (Output.json()) {
            HubCli.printJson(spec.commandLine().getOut(), Map.of("deleted", repo.get()));
        } else {
            spec.commandLine().getOut().println("deleted " + repo.get());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
