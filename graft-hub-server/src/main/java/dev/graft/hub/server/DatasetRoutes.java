package dev.graft.hub.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.server.dataset.DatasetViewer;
import dev.graft.hub.server.store.Commit;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.web.Html;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A data set's Parquet files as the Hugging Face Hub lists them: {@code GET /api/datasets/{id}/parquet}
 * answers {@code {config: {split: [url, ...]}}}, {@code .../parquet/{config}} answers {@code {split: [url, ...]}},
 * {@code .../parquet/{config}/{split}} answers {@code [url, ...]}, and each url,
 * {@code .../parquet/{config}/{split}/{n}.parquet}, redirects to the file at the branch's commit. The Hub
 * lists the Parquet it converted a data set to; this hub lists the Parquet files the repository holds, by
 * the data-files conventions (the card's {@code configs:}, else {@code data/train-*.parquet} and such).
 */
final class DatasetRoutes {
    private final HubService hub;
    private final DatasetViewer viewer;

    DatasetRoutes(HubService hub) {
        this.hub = hub;
        this.viewer = new DatasetViewer(hub.store().blobs());
    }

    private Map<String, Map<String, List<FileEntry>>> files(RepoId id, Commit c) throws IOException {
        return viewer.parquet(c, hub.card(id, c).data());
    }

    void parquet(Exchange ex, Principal who, RepoId id, String config, String split) throws IOException {
        hub.readable(id, who);
        Commit c = hub.store().commitAt(id, "main");
        Map<String, Map<String, List<FileEntry>>> all = files(id, c);
        String base = ex.baseUrl() + "/api/" + id.type().plural() + "/" + Html.path(id.id()) + "/parquet/";
        if (config == null) {
            ObjectNode out = Exchange.JSON.createObjectNode();
            all.forEach((cfg, splits) -> {
                ObjectNode n = out.putObject(cfg);
                splits.forEach((s, list) -> urls(n.putArray(s), base, cfg, s, list));
            });
            ex.sendJson(200, out);
            return;
        }
        Map<String, List<FileEntry>> splits = all.get(config);
        if (splits == null) {
            throw HubError.notFound("ConfigNotFound", "data set " + id.id() + " has no Parquet files for config '" + RepoId.printable(config)
                    + "'; its configs: " + all.keySet());
        }
        if (split == null) {
            ObjectNode out = Exchange.JSON.createObjectNode();
            splits.forEach((s, list) -> urls(out.putArray(s), base, config, s, list));
            ex.sendJson(200, out);
            return;
        }
        ArrayNode out = Exchange.JSON.createArrayNode();
        urls(out, base, config, split, split(id, config, splits, split));
        ex.sendJson(200, out);
    }

    void parquetFile(Exchange ex, Principal who, RepoId id, String config, String split, String n) throws IOException {
        hub.readable(id, who);
        Commit c = hub.store().commitAt(id, "main");
        Map<String, List<FileEntry>> splits = files(id, c).get(config);
        if (splits == null) {
            throw HubError.notFound("ConfigNotFound", "data set " + id.id() + " has no config '" + RepoId.printable(config) + "'");
        }
        List<FileEntry> list = split(id, config, splits, split);
        int i;
        try {
            i = Integer.parseInt(n);
        } catch (NumberFormatException e) {
            i = -1;
        }
        if (i < 0 || i >= list.size()) {
            throw HubError.notFound("EntryNotFound", "split '" + RepoId.printable(split) + "' of " + id.id() + " has " + list.size()
                    + " Parquet files, numbered from 0.parquet");
        }
        ex.setHeader("Location", "/" + id.urlPath() + "/resolve/" + c.id() + "/" + Html.path(list.get(i).path()));
        ex.sendEmpty(302);
    }

    private static List<FileEntry> split(RepoId id, String config, Map<String, List<FileEntry>> splits, String split) {
        List<FileEntry> list = splits.get(split);
        if (list == null) {
            throw HubError.notFound("SplitNotFound", "config '" + RepoId.printable(config) + "' of " + id.id() + " has no Parquet files for split '"
                    + RepoId.printable(split) + "'; its splits: " + splits.keySet());
        }
        return list;
    }

    private static void urls(ArrayNode out, String base, String config, String split, List<FileEntry> files) {
        for (int i = 0; i < files.size(); i++) {
            out.add(base + Html.path(config) + "/" + Html.path(split) + "/" + i + ".parquet");
        }
    }
}
