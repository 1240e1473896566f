package dev.graft.cli.hub;

import dev.graft.hub.RepoType;
import dev.graft.progress.Output;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft hub pull REPO}: downloads a repository at one commit into the cache and prints the folder. */
@Command(name = "pull", description = "Download a repository (or the files matching --include) into the cache; prints the folder.")
public final class HubPullCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "REPO", description = "owner/name")
    String repo;

    @Option(names = "--revision", description = "Branch, tag or commit sha (default: main).")
    String revision;

    @Option(names = "--include", paramLabel = "PATTERN",
            description = "Only files matching this pattern (fnmatch, e.g. '*.safetensors'); repeatable.")
    List<String> include = List.of();

    @Option(names = "--type", defaultValue = "model", description = "model or dataset (default: ${DEFAULT-VALUE}).")
    String type;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path dir = HubCli.hub().snapshot(RepoType.parse(type), repo, revision, include);
        if (Output.json()) {
            HubCli.printJson(spec.commandLine().getOut(), Map.of("repo", repo, "path", dir.toString(),
                    "commit", dir.getFileName().toString()));
        } else {
            spec.commandLine().getOut().println(dir);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
