package dev.graft.cli.data;

import dev.graft.data.DatasetSource;
import dev.graft.data.Datasets;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft data get NAME}: fetch a built-in data set once into GRAFT_HOME/data, verified. */
@Command(name = "get", description = "Fetch a built-in data set into GRAFT_HOME/data (once; verified by sha256).")
public final class DataGetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Data set name (see `graft data list`).")
    String name;

    @Option(names = "--force", description = "Fetch again even if it is cached.")
    boolean force;

    @Option(names = "--from", paramLabel = "DIR", description = "Copy the files from this folder instead of fetching them.")
    Path from;

    @Override
    public Integer call() throws Exception {
        DatasetSource source = Datasets.source(name);
        boolean was = source.isCached();
        source.fetch(force, from);
        if (was && !force && from == null) {
            Output.note(name + " is already cached (use --force to fetch it again)");
        }
        if (Output.json()) {
            System.out.println(Json.MAPPER.writeValueAsString(Map.of("name", name, "cached", source.isCached())));
        } else {
            System.out.println(name + ": ready");
        }
        return 0;
    }
}
