package dev.graft.cli.hub;

import dev.graft.GraftException;
import dev.graft.cli.PrintingVerb;
import dev.graft.hub.CacheScan;
import dev.graft.hub.protocol.RepoType;
import dev.graft.progress.Output;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code graft hub cache verify [REPO]}: hashes every cached blob again (sha256 for LFS files, git
 * blob sha1 for the others) and names each damaged or missing file; exit code 1 if there is one.
 */
@Command(name = "verify", description = "Hash every cached file again and check it against its ETag; names damaged or missing files (exit 1).")
public final class HubCacheVerifyCommand extends PrintingVerb {
    @Parameters(arity = "0..1", paramLabel = "REPO", description = "Only this repository (default: all).")
    String repo;

    @Option(names = "--type", defaultValue = "model", description = "model or dataset, with REPO (default: ${DEFAULT-VALUE}).")
    String type;

    @Override
    public Integer call() {
        CacheScan scan = HubCli.cacheScan();
        CacheScan.Repo only = null;
        if (repo != null) {
            only = scan.find(RepoType.parse(type), repo);
            if (only == null) {
                throw new GraftException(repo + " is not in the cache " + HubCli.hub().cache().root(), "see what is cached with: graft hub cache ls");
            }
        }
        List<CacheScan.Repo> repos = only == null ? scan.scan() : List.of(only);
        int blobs = scan.blobCount(repos);
        List<CacheScan.Problem> problems = scan.verify(only);
        PrintWriter out = stdout();
        if (Output.json()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (CacheScan.Problem p : problems) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("repo", p.repo().id());
                m.put("type", p.repo().type().singular());
                m.put("commit", p.commit());
                m.put("path", p.path());
                m.put("state", p.check().state().name().toLowerCase(java.util.Locale.ROOT));
                m.put("expected", p.check().expected());
                m.put("actual", p.check().actual());
                rows.add(m);
            }
            printJson(Map.of("repositories", repos.size(), "blobs", blobs, "problems", rows));
        } else {
            for (CacheScan.Problem p : problems) {
                out.println(p.describe());
            }
            out.println(problems.isEmpty() ? "all " + blobs + " cached files of " + repos.size() + " repositor" + (repos.size() == 1 ? "y" : "ies")
                    + " match their hashes" : problems.size() + " cached file" + (problems.size() == 1 ? " is" : "s are")
                    + " damaged or missing; pull again as shown (graft hub pull downloads them afresh)");
            out.flush();
        }
        return problems.isEmpty() ? 0 : 1;
    }
}
