package dev.graft.cli.hub;

import dev.graft.hub.CacheScan;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * {@code --dry-run} of the verbs that delete from the cache: report, delete nothing (a picocli mixin).
 * It also words their report, which says what was, or would be, deleted.
 */
public final class DryRunOption {
    @Option(names = "--dry-run", description = "Only show what would be deleted.")
    boolean dryRun;

    public boolean get() {
        return dryRun;
    }

    /** How a report line starts: {@code done} ("deleted "), or with --dry-run "would " and {@code verb} ("would delete "). */
    String outcome(String verb, String done) {
        return dryRun ? "would " + verb : done;
    }

    /** The JSON of a removal: whether it was a dry run, its revisions (named by {@code revisionName}), blobs and bytes. */
    Map<String, Object> json(CacheScan.Removal r, Function<Path, String> revisionName) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dry_run", dryRun);
        m.put("revisions", r.revisions().stream().map(revisionName).toList());
        m.put("blobs", r.blobs().size());
        m.put("bytes", r.bytes());
        return m;
    }
}
