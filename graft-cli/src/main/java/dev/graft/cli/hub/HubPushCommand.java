package dev.graft.cli.hub;

import dev.graft.cli.PrintingVerb;
import dev.graft.hub.CommitInfo;
import dev.graft.progress.Output;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code graft hub push DIR REPO}: uploads a folder as one commit (large files through LFS),
 * creating the repository when it does not exist and checking the README card first.
 */
@Command(name = "push", description = "Upload a folder to a hub repository as one commit (creates the repository if needed).")
public final class HubPushCommand extends PrintingVerb {
    @Parameters(index = "0", paramLabel = "DIR", description = "Folder to upload (e.g. a run's export folder).")
    Path dir;

    @Parameters(index = "1", paramLabel = "REPO", description = "owner/name")
    String repo;

    @Option(names = {"-m", "--message"}, description = "Commit message (default: \"Upload with graft\").")
    String message = "Upload with graft";

    @Option(names = "--revision", defaultValue = "main", description = "Branch to commit to (default: ${DEFAULT-VALUE}).")
    String revision;

    @Mixin
    RepoTypeOption type;

    @Option(names = "--private", description = "Create the repository as private if it does not exist yet.")
    boolean isPrivate;

    @Option(names = "--follow-symlinks", description = "Upload what symbolic links that lead out of DIR point to (default: refuse them).")
    boolean followSymlinks;

    @Override
    public Integer call() {
        CommitInfo info = HubCli.hub().push(type.get(), repo, dir, revision, message, isPrivate, followSymlinks);
        PrintWriter out = stdout();
        if (Output.json()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("repo", repo);
            r.put("commit", info.commitOid());
            r.put("url", info.commitUrl());
            r.put("files", info.uploadedFiles());
            r.put("lfs_files", info.lfsFiles());
            printJson(r);
        } else {
            out.println("pushed " + info.uploadedFiles() + " files (" + info.lfsFiles() + " through LFS) to "
                    + repo + "@" + revision + ": " + info.commitOid());
            out.flush();
        }
        return 0;
    }
}
