package dev.graft.cli.hub;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code graft hub}: the group of hub verbs (client side here; the server adds serve and token). */
@Command(name = "hub", description = "Publish, find and pull models and data sets (Hugging Face Hub protocol).",
        subcommands = {
            HubLoginCommand.class,
            HubCreateCommand.class,
            HubPushCommand.class,
            HubPullCommand.class,
            HubLsCommand.class,
            HubInfoCommand.class,
            HubRmCommand.class,
        })
public final class HubCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
