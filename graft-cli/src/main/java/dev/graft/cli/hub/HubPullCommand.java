package dev.graft.cli.hub;

import dev.graft.cli.OverwriteOption;
import dev.graft.cli.PrintingVerb;
import dev.graft.hub.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code graft hub pull REPO}: downloads a repository at one commit into the cache and prints the folder. */
@Command(name = "pull", description = "Download a repository (or the files matching --include) into the cache; prints the folder.")
public final class HubPullCommand extends PrintingVerb {
    @Mixin
    RepoArgument repo;

    @Mixin
    RevisionOption revision;

    @Option(names = "--include", paramLabel = "PATTERN",
            description = "Only files matching this pattern (fnmatch, e.g. '*.safetensors'); repeatable.")
    List<String> include = List.of();

    @Option(names = "--local-dir", paramLabel = "DIR",
            description = "Also copy the files into DIR (plain files, not links into the cache); DIR must be empty unless --overwrite.")
    Path localDir;

    @CommandLine.Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() throws IOException {
        if (localDir != null) {
            overwrite.claim(localDir, null);
        }
        // every file is hashed again: a damaged cache is repaired online and reported offline
        Path dir = HubCli.hub().pull(repo.type(), repo.get(), revision.get(), include);
        String commit = dir.getFileName().toString();
        Path shown = dir;
        if (localDir != null) {
            copyInto(dir, localDir);
            shown = localDir.toAbsolutePath();
        }
        printResult(Map.of("repo", repo.get(), "path", shown.toString(), "commit", commit), shown.toString());
        return 0;
    }

    /** Copies the snapshot's files that match --include into {@code target}, following the links into blobs/. */
    private void copyInto(Path snapshot, Path target) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(snapshot)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            String rel = snapshot.relativize(f).toString().replace('\\', '/');
            if (!RepoPaths.matchesAny(rel, include)) {
                continue;
            }
            Path to = target.resolve(rel);
            Files.createDirectories(to.getParent());
            Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
