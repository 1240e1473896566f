package dev.graft.cli.hub;

import dev.graft.cli.VerbGroup;
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
public final class HubCommand extends VerbGroup {
}
