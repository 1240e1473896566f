package dev.graft.cli.hub;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code graft hub}: the model and data set hub (server and client verbs, one class each). */
@Command(
        name = "hub",
        description = "Serve, publish, find and pull models and data sets (Hugging Face Hub protocol).",
        subcommands = {
            HubServeCommand.class,
            HubTokenCommand.class,
            HubGcCommand.class,
            HubLoginCommand.class,
            HubCreateCommand.class,
            HubPushCommand.class,
            HubPullCommand.class,
            HubLsCommand.class,
            HubInfoCommand.class,
            HubRmCommand.class,
            HubCacheCommand.class,
        })
public final class HubCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
