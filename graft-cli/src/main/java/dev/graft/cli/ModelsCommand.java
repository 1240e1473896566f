package dev.graft.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code graft models}: the model catalogue (list, info, create, run). */
@Command(name = "models", description = "The model catalogue: list architectures and weights, show details, create, run or benchmark a model.",
        subcommands = {ModelsListCommand.class, ModelsInfoCommand.class, ModelsCreateCommand.class, ModelsRunCommand.class, ModelsBenchCommand.class,
            dev.graft.cli.train.ModelsRankCommand.class,
            CommandLine.HelpCommand.class})
public final class ModelsCommand extends VerbGroup {
}
