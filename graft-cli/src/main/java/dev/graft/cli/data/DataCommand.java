package dev.graft.cli.data;

import dev.graft.cli.VerbGroup;
import picocli.CommandLine.Command;

/** {@code graft data}: the group of data-set verbs. */
@Command(name = "data", description = "Data sets: list, fetch, inspect and show samples.",
        subcommands = {DataListCommand.class, DataGetCommand.class, DataInfoCommand.class, DataShowCommand.class,
            DataDistanceCommand.class, DataPushCommand.class})
public final class DataCommand extends VerbGroup {
}
