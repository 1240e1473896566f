package dev.graft.cli.hub;

import dev.graft.hub.protocol.RepoType;
import dev.graft.progress.Output;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code graft hub create REPO}: creates an empty model or data set repository. */
@Command(name = "create", description = "Create a model or data set repository on the hub.")
public final class HubCreateCommand implements Callable<Integer> {
    @Mixin
    RepoArgument repo;

    @Mixin
    RepoTypeOption type;

    @Option(names = "--private", description = "Visible only to the owner and its tokens.")
    boolean isPrivate;

    @Option(names = "--exist-ok", description = "No error when the repository already exists.")
    boolean existOk;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String url = HubCli.hub().createRepo(type.get(), repo.get(), isPrivate, existOk);
        if (Output.json()) {
            HubCli.printJson(spec.commandLine().getOut(), Map.of("repo", repo.get(), "url", url));
        } else {
            spec.commandLine().getOut().println(url);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
