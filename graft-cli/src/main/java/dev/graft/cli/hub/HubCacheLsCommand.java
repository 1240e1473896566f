package dev.graft.cli.hub;

import dev.graft.cli.PrintingVerb;
import dev.graft.hub.CacheScan;
import dev.graft.progress.Output;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft hub cache ls}: the cached repositories, their revisions and sizes. */
@Command(name = "ls", description = "List cached repositories with their size, files and revisions (refs or detached).")
public final class HubCacheLsCommand extends PrintingVerb {
    @Option(names = "--revisions", description = "One line per cached revision instead of per repository.")
    boolean revisions;

    @Override
    public Integer call() {
        CacheScan scan = HubCli.cacheScan();
        List<CacheScan.Repo> repos = scan.scan();
        PrintWriter out = stdout();
        if (Output.json()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (CacheScan.Repo r : repos) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", r.type().singular());
                m.put("repo", r.id());
                m.put("size_on_disk", r.sizeOnDisk());
                m.put("blobs", r.blobs());
                m.put("last_modified", r.lastModified().toString());
                m.put("path", r.dir().toString());
                List<Map<String, Object>> revs = new ArrayList<>();
                for (CacheScan.Revision v : r.revisions()) {
                    Map<String, Object> rev = new LinkedHashMap<>();
                    rev.put("commit", v.commit());
                    rev.put("refs", v.refs());
                    rev.put("files", v.files());
                    rev.put("size", v.size());
                    rev.put("path", v.snapshot().toString());
                    revs.add(rev);
                }
                m.put("revisions", revs);
                rows.add(m);
            }
            printJson(rows);
            return 0;
        }
        if (repos.isEmpty()) {
            out.println("the cache " + HubCli.hub().cache().root() + " is empty");
            out.flush();
            return 0;
        }
        long total = 0;
        if (revisions) {
            out.printf(Locale.ROOT, "%-40s %-8s %-12s %6s %10s  %s%n", "REPO", "TYPE", "REVISION", "FILES", "SIZE", "REFS");
        } else {
            out.printf(Locale.ROOT, "%-40s %-8s %10s %6s %9s  %-19s %s%n", "REPO", "TYPE", "SIZE", "FILES", "REVISIONS", "LAST MODIFIED", "REFS");
        }
        for (CacheScan.Repo r : repos) {
            total += r.sizeOnDisk();
            if (revisions) {
                for (CacheScan.Revision v : r.revisions()) {
                    out.printf(Locale.ROOT, "%-40s %-8s %-12s %6d %10s  %s%n", r.id(), r.type().singular(), v.commit().substring(0, 12),
                            v.files(), HubCacheCommand.human(v.size()), v.refs().isEmpty() ? "(detached)" : String.join(", ", v.refs()));
                }
            } else {
                List<String> refs = new ArrayList<>();
                r.revisions().forEach(v -> refs.addAll(v.refs()));
                int files = r.revisions().stream().mapToInt(CacheScan.Revision::files).max().orElse(0);
                out.printf(Locale.ROOT, "%-40s %-8s %10s %6d %9d  %-19s %s%n", r.id(), r.type().singular(), HubCacheCommand.human(r.sizeOnDisk()),
                        files, r.revisions().size(), r.lastModified().toString().substring(0, 19).replace('T', ' '), String.join(", ", refs));
            }
        }
        out.printf(Locale.ROOT, "%d repositor%s, %s in %s%n", repos.size(), repos.size() == 1 ? "y" : "ies", HubCacheCommand.human(total),
                HubCli.hub().cache().root());
        out.flush();
        return 0;
    }
}
