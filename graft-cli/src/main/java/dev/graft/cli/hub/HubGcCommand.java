package dev.graft.cli.hub;

import dev.graft.GraftException;
import dev.graft.cli.PrintingVerb;
import dev.graft.hub.server.HubService;
import dev.graft.hub.server.index.IndexDb;
import dev.graft.hub.server.store.FileRepoStore;
import dev.graft.hub.server.store.RepoStore;
import dev.graft.progress.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft hub gc}: deletes stored objects that no repository references any more. */
@Command(name = "gc",
        description = "Delete stored file contents that no repository of a hub server references any more.")
public final class HubGcCommand extends PrintingVerb {
    @Mixin
    ServerDataDirOption dataDir;

    @Option(names = "--grace-minutes", defaultValue = "60",
            description = "Spare unreferenced objects younger than this, e.g. uploads whose commit is on its way (default: ${DEFAULT-VALUE}).")
    long graceMinutes;

    @Option(names = "--blob-store", description = "The servers' s3://bucket[/prefix], when they keep file contents in S3"
            + " (then the repositories are in the index database: give its --db-url).")
    String blobStore;

    @Option(names = "--db-url", description = "The servers' index database JDBC URL, with --blob-store s3://...")
    String dbUrl;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir.get();
        if (blobStore == null && (!Files.isDirectory(dir.resolve("objects")) || !Files.isDirectory(dir.resolve("repos")))) {
            throw new GraftException("no hub data in " + dir, "pass the folder the server uses with --data-dir");
        }
        if (graceMinutes < 0) {
            throw new GraftException("--grace-minutes must be 0 or more, got " + graceMinutes, "e.g. --grace-minutes 60");
        }
        if (graceMinutes < HubService.GC_GRACE.toMinutes()) {
            Output.warn("a grace period under " + HubService.GC_GRACE.toMinutes() + " minutes may delete an upload whose commit"
                    + " is still on its way, if a server is busy with this folder now");
        }
        RepoStore.GcResult r;
        if (blobStore == null) {
            // The store alone, not the index: this runs safely next to a server (they share the store lock).
            r = new FileRepoStore(dir).collectGarbage(Duration.ofMinutes(graceMinutes));
        } else {
            if (dbUrl == null) {
                throw new GraftException("--blob-store " + blobStore + " needs the --db-url of the servers' index database",
                        "add --db-url jdbc:postgresql://host:5432/hub?user=...");
            }
            // The repositories in the shared index, the objects in the bucket: other servers' fresh uploads are spared by the grace period.
            try (IndexDb index = IndexDb.open(dbUrl); RepoStore store = RepoStore.open(dataDir.getOrCreateDefault(), blobStore, index)) {
                r = store.collectGarbage(Duration.ofMinutes(graceMinutes));
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("deleted", r.deleted());
        json.put("bytesFreed", r.bytesFreed());
        json.put("kept", r.kept());
        json.put("spared", r.spared());
        printResult(json, String.format("deleted %s (%.1f MiB); kept %d referenced, spared %d younger than %d min",
                HubCli.count(r.deleted(), "unreferenced object"), r.bytesFreed() / 1048576.0, r.kept(), r.spared(), graceMinutes));
        return 0;
    }
}
