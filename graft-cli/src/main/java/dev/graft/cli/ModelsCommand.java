package dev.graft.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code graft models}: the model catalogue (list, info, create, run). */
@Command(name = "models", description = "The model catalogue: list architectures and weights, show details, create, run or benchmark a model.",
        subcommands = {ModelsListCommand.class, ModelsInfoCommand.class, ModelsCreateCommand.class, ModelsRunCommand.class, ModelsBenchCommand.class,
            dev.graft.cli.train.ModelsRankCommand.class,
            CommandLine.HelpCommand.class})
public final class ModelsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
