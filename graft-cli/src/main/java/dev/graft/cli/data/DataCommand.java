package dev.graft.cli.data;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code graft data}: the group of data-set verbs. */
@Command(name = "data", description = "Data sets: list, fetch, inspect and show samples.",
        subcommands = {DataListCommand.class, DataGetCommand.class, DataInfoCommand.class, DataShowCommand.class,
            DataDistanceCommand.class})
public final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
