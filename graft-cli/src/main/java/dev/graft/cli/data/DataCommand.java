package dev.graft.cli.data;

import dev.graft.cli.Globals;
import dev.graft.cli.VerbGroup;
import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import picocli.CommandLine.Command;

/** {@code graft data}: the group of data-set verbs. */
@Command(name = "data", description = "Data sets: list, fetch, inspect and show samples.",
        subcommands = {DataListCommand.class, DataGetCommand.class, DataInfoCommand.class, DataShowCommand.class,
            DataDistanceCommand.class, DataPushCommand.class})
public final class DataCommand extends VerbGroup {

    /** The official train and test splits of {@code source}, fetched first if need be; no validation split is carved out. */
    static DataSplits officialSplits(DatasetSource source) {
        source.fetch();
        return source.load(Globals.seed, 0.0);
    }
}
