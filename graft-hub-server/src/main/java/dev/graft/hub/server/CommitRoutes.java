package dev.graft.hub.server;

import static dev.graft.hub.server.Requests.strictBase64;
import static dev.graft.hub.server.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.hub.server.store.Commit;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoPaths;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Routes of uploads: preupload (which files go through LFS) and NDJSON commits. */
final class CommitRoutes {
    /** Files of at least this size go through LFS (Hugging Face uses 10 MB). */
    static final long LFS_THRESHOLD = 10L * 1000 * 1000;
    private static final Set<String> LFS_EXTENSIONS = Set.of("bin", "ckpt", "h5", "npy", "npz", "onnx", "parquet", "pt",
            "pth", "safetensors", "zip", "gz", "tar", "pkl", "msgpack", "arrow", "tflite", "ot", "model");

    private final HubService hub;
    private final HubLimits limits;

    CommitRoutes(HubService hub, HubLimits limits) {
        this.hub = hub;
        this.limits = limits;
    }

    private static String uploadMode(String path, long size, byte[] sample) {
        if (size >= LFS_THRESHOLD) {
            return "lfs";
        }
        int dot = path.lastIndexOf('.');
        if (dot >= 0 && LFS_EXTENSIONS.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT))) {
            return "lfs";
        }
        for (byte b : sample) {
            if (b == 0) {
                return "lfs"; // binary content
            }
        }
        return "regular";
    }

    void preupload(Exchange ex, Principal who, RepoId id, String revision) throws IOException {
        hub.requireWrite(id, who);
        JsonNode body = ex.jsonBody(who);
        refusePullRequest(ex);
        Commit head = hub.store().commitAt(id, revision);
        ArrayNode files = Exchange.JSON.createArrayNode();
        for (JsonNode f : body.path("files")) {
            String path = RepoPaths.checkFile(text(f, "path"));
            long size = f.path("size").asLong(-1);
            byte[] sample = f.hasNonNull("sample") ? strictBase64(f.get("sample").asText(), "the sample of " + RepoId.printable(path))
                    : new byte[0];
            ObjectNode n = files.addObject();
            n.put("path", path);
            n.put("uploadMode", uploadMode(path, size, sample));
            n.put("shouldIgnore", false);
            FileEntry existing = head.file(path);
            if (existing != null) {
                n.put("oid", existing.gitOid());
            }
        }
        ObjectNode out = Exchange.JSON.createObjectNode();
        out.set("files", files);
        out.put("commitOid", head.id());
        ex.sendJson(200, out);
    }

    void commit(Exchange ex, Principal who, RepoId id, String branch) throws IOException {
        hub.requireWrite(id, who);
        refusePullRequest(ex);
        CommitLines.Request request;
        try (InputStream in = ex.body(limits.maxRequestBytes(), "commit bodies are limited by --max-request-size;"
                + " send large files through LFS (preupload answers uploadMode lfs for them)")) {
            request = CommitLines.read(in, hub.store().blobs());
        }
        Commit c = hub.commit(id, branch, request.parent(), who.user(), request.title(), request.description(), request.ops());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", true);
        out.put("commitOid", c.id());
        out.put("commitUrl", ex.baseUrl() + "/" + id.urlPath() + "/commit/" + c.id());
        out.put("hookOutput", "");
        ex.sendJson(200, out);
    }

    private static void refusePullRequest(Exchange ex) {
        if (ex.param("create_pr") != null && !ex.param("create_pr").equals("0")) {
            throw HubError.badRequest("pull requests are not supported by this hub: commit to a branch instead");
        }
    }
}
