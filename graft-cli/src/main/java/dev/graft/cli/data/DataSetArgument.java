package dev.graft.cli.data;

import dev.graft.cli.Globals;
import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import dev.graft.data.Datasets;
import picocli.CommandLine.Parameters;

/**
 * The {@code NAME} of the data verbs that read a data set ({@code info}, {@code show}): a built-in
 * data set or a user-data spec such as {@code folder:DIR} (a picocli mixin).
 */
final class DataSetArgument {
    @Parameters(index = "0", paramLabel = "NAME", description = "Data set name or user-data spec (forms: `graft data info --help`).")
    String name;

    /** The data set {@code NAME} names. */
    DatasetSource source() {
        return Datasets.source(name);
    }

    /** The official train and test splits of {@code source}, fetched first if need be; no validation split is carved out. */
    static DataSplits officialSplits(DatasetSource source) {
        source.fetch();
        return source.load(Globals.seed, 0.0);
    }
}
