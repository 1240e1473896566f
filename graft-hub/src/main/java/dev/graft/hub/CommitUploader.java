package dev.graft.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import dev.graft.progress.Progress;
import dev.graft.util.Json;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The upload half of {@link Hub}: one commit as the Hugging Face Hub takes it — {@code preupload}
 * decides regular vs LFS per file, LFS objects go through the Git LFS batch API ({@code basic}
 * transfer: PUT to the action's href, then verify), and the NDJSON commit names them all.
 */
final class CommitUploader {
    private static final int SAMPLE_BYTES = 512;
    private static final int PREUPLOAD_CHUNK = 100;
    /** Headers the JDK sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED_HEADERS =
            Set.of("content-length", "host", "connection", "expect", "upgrade", "transfer-encoding");

    private final HubHttp http;

    CommitUploader(HubHttp http) {
        this.http = http;
    }

    /** See {@link Hub#commit}. */
    CommitInfo commit(RepoType type, String repo, String revision, String message, String description,
                      List<CommitOperation> operations, String parentCommit) {
        RepoPaths.checkRepoId(repo);
        http.requireOnline("uploading");
        if (http.config().token() == null) {
            throw new GraftException("uploading needs a hub token", "set GRAFT_TOKEN or run graft hub login");
        }
        if (message == null || message.isBlank()) {
            throw new GraftException("empty commit message", "say what changed, e.g. --message \"Add weights\"");
        }
        String rev = Hub.revisionOrMain(revision);
        List<PreparedFile> files = new ArrayList<>();
        for (CommitOperation op : operations) {
            if (op instanceof CommitOperation.Add add) {
                files.add(PreparedFile.of(add));
            }
        }
        Map<String, String> modes = preupload(type, repo, rev, files);
        List<PreparedFile> lfs = new ArrayList<>();
        List<PreparedFile> regular = new ArrayList<>();
        for (PreparedFile f : files) {
            String mode = modes.get(f.path);
            if (mode == null) {
                throw HubHttp.protocolError("preupload gave no upload mode for " + f.path);
            }
            if (!mode.equals("ignore")) {
                (mode.equals("lfs") ? lfs : regular).add(f);
            }
        }
        if (!lfs.isEmpty()) {
            uploadLfs(type, repo, rev, lfs);
        }
        String ndjson = commitPayload(message, description, parentCommit, operations, lfs, regular);
        String url = http.config().endpoint() + "/api/" + type.plural() + "/" + repo + "/commit/" + RepoPaths.quoteSegment(rev);
        HttpResponse<String> resp = http.send(http.request(url).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        http.raiseForStatus(resp, resp.body(), repo, rev, null);
        try {
            JsonNode n = Json.MAPPER.readTree(resp.body());
            return new CommitInfo(n.path("commitOid").asText(null), n.path("commitUrl").asText(null),
                    lfs.size() + regular.size(), lfs.size());
        } catch (IOException e) {
            throw HubHttp.protocolError("cannot parse the commit answer: " + e.getMessage());
        }
    }

    /** The NDJSON body of {@code /commit/{rev}}: a header line, then one line per operation. */
    static String commitPayload(String message, String description, String parentCommit,
                                List<CommitOperation> operations, List<PreparedFile> lfs,
                                List<PreparedFile> regular) {
        Map<String, PreparedFile> lfsByPath = new LinkedHashMap<>();
        lfs.forEach(f -> lfsByPath.put(f.path, f));
        Map<String, PreparedFile> regularByPath = new LinkedHashMap<>();
        regular.forEach(f -> regularByPath.put(f.path, f));
        StringBuilder sb = new StringBuilder();
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("key", "header");
        ObjectNode hv = header.putObject("value");
        hv.put("summary", message);
        hv.put("description", description == null ? "" : description);
        if (parentCommit != null) {
            hv.put("parentCommit", parentCommit);
        }
        sb.append(HubHttp.compact(header)).append('\n');
        for (CommitOperation op : operations) {
            ObjectNode line = Json.MAPPER.createObjectNode();
            ObjectNode v = Json.MAPPER.createObjectNode();
            if (op instanceof CommitOperation.Add) {
                PreparedFile l = lfsByPath.get(op.pathInRepo());
                PreparedFile r = regularByPath.get(op.pathInRepo());
                if (l != null) {
                    line.put("key", "lfsFile");
                    v.put("path", l.path);
                    v.put("algo", "sha256");
                    v.put("oid", l.sha256);
                    v.put("size", l.size);
                } else if (r != null) {
                    line.put("key", "file");
                    v.put("content", r.base64());
                    v.put("path", r.path);
                    v.put("encoding", "base64");
                } else {
                    continue; // the hub said to ignore it
                }
            } else if (op instanceof CommitOperation.Delete) {
                line.put("key", "deletedFile");
                v.put("path", op.pathInRepo());
            } else {
                line.put("key", "deletedFolder");
                v.put("path", op.pathInRepo());
            }
            line.set("value", v);
            sb.append(HubHttp.compact(line)).append('\n');
        }
        return sb.toString();
    }

    private Map<String, String> preupload(RepoType type, String repo, String rev, List<PreparedFile> files) {
        Map<String, String> modes = new LinkedHashMap<>();
        String url = http.config().endpoint() + "/api/" + type.plural() + "/" + repo + "/preupload/" + RepoPaths.quoteSegment(rev);
        for (int i = 0; i < files.size(); i += PREUPLOAD_CHUNK) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            ArrayNode arr = body.putArray("files");
            for (PreparedFile f : files.subList(i, Math.min(files.size(), i + PREUPLOAD_CHUNK))) {
                ObjectNode o = arr.addObject();
                o.put("path", f.path);
                o.put("sample", Base64.getEncoder().encodeToString(f.sample));
                o.put("size", f.size);
            }
            HttpResponse<String> resp = http.send(http.jsonRequest(url, "POST", body), HttpResponse.BodyHandlers.ofString());
            http.raiseForStatus(resp, resp.body(), repo, rev, null);
            try {
                for (JsonNode f : Json.MAPPER.readTree(resp.body()).path("files")) {
                    String mode = f.path("shouldIgnore").asBoolean(false) ? "ignore" : f.path("uploadMode").asText("");
                    if (!mode.equals("lfs") && !mode.equals("regular") && !mode.equals("ignore")) {
                        throw HubHttp.protocolError("unknown upload mode '" + mode + "' for " + f.path("path").asText());
                    }
                    modes.put(f.path("path").asText(), mode);
                }
            } catch (IOException e) {
                throw HubHttp.protocolError("cannot parse the preupload answer: " + e.getMessage());
            }
        }
        return modes;
    }

    /** Git LFS batch API ({@code basic} transfer): ask where to put each object, PUT it, verify. */
    private void uploadLfs(RepoType type, String repo, String rev, List<PreparedFile> lfs) {
        String batchUrl = http.config().endpoint() + "/" + type.urlPrefix() + repo + ".git/info/lfs/objects/batch";
        long total = lfs.stream().mapToLong(f -> f.size).sum();
        try (Progress progress = Progress.start("upload " + repo, total, "B")) {
            for (int i = 0; i < lfs.size(); i += PREUPLOAD_CHUNK) {
                List<PreparedFile> chunk = lfs.subList(i, Math.min(lfs.size(), i + PREUPLOAD_CHUNK));
                ObjectNode body = Json.MAPPER.createObjectNode();
                body.put("operation", "upload");
                body.putArray("transfers").add("basic");
                ArrayNode objects = body.putArray("objects");
                for (PreparedFile f : chunk) {
                    objects.addObject().put("oid", f.sha256).put("size", f.size);
                }
                body.put("hash_algo", "sha256");
                body.putObject("ref").put("name", rev);
                HttpRequest req = http.request(batchUrl).header("Accept", "application/vnd.git-lfs+json")
                        .header("Content-Type", "application/vnd.git-lfs+json")
                        .POST(HttpRequest.BodyPublishers.ofString(HubHttp.compact(body))).build();
                HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
                http.raiseForStatus(resp, resp.body(), repo, rev, null);
                JsonNode answer;
                try {
                    answer = Json.MAPPER.readTree(resp.body());
                } catch (IOException e) {
                    throw HubHttp.protocolError("cannot parse the LFS batch answer: " + e.getMessage());
                }
                String transfer = answer.path("transfer").asText("basic");
                if (!transfer.equals("basic")) {
                    throw HubHttp.protocolError("the hub chose LFS transfer '" + transfer + "'; only 'basic' is supported");
                }
                Map<String, PreparedFile> byOid = new LinkedHashMap<>();
                chunk.forEach(f -> byOid.put(f.sha256, f));
                for (JsonNode obj : answer.path("objects")) {
                    PreparedFile f = byOid.get(obj.path("oid").asText());
                    if (f == null) {
                        throw HubHttp.protocolError("the LFS batch answer names an object that was not asked for");
                    }
                    if (obj.has("error")) {
                        throw new HubException("LFS upload of " + f.path + " refused: "
                                + obj.path("error").path("message").asText(obj.path("error").toString()),
                                "check the token's write access and the size limits",
                                obj.path("error").path("code").asInt(0), null);
                    }
                    JsonNode upload = obj.path("actions").path("upload");
                    if (upload.isMissingNode()) {
                        progress.step(f.size); // already on the hub
                        continue;
                    }
                    putObject(upload, f, progress);
                    JsonNode verify = obj.path("actions").path("verify");
                    if (!verify.isMissingNode()) {
                        ObjectNode vb = Json.MAPPER.createObjectNode().put("oid", f.sha256).put("size", f.size);
                        HttpRequest.Builder vr = HubHttp.sameOrigin(verify.path("href").asText(), http.config().endpoint())
                                ? http.request(verify.path("href").asText()) : http.bareRequest(verify.path("href").asText());
                        applyActionHeaders(vr, verify.path("header"), "application/vnd.git-lfs+json");
                        HttpResponse<String> vresp = http.send(vr.header("Accept", "application/vnd.git-lfs+json")
                                .POST(HttpRequest.BodyPublishers.ofString(HubHttp.compact(vb))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        http.raiseForStatus(vresp, vresp.body(), repo, rev, f.path);
                    }
                }
            }
        }
    }

    private void putObject(JsonNode upload, PreparedFile f, Progress progress) {
        String href = upload.path("href").asText(null);
        if (href == null) {
            throw HubHttp.protocolError("LFS upload action without href for " + f.path);
        }
        if (upload.path("header").has("chunk_size")) {
            throw HubHttp.protocolError("the hub asked for a multipart LFS upload; only 'basic' is supported");
        }
        // Presigned URLs on another host must not see our token; the hub's own URLs may.
        HttpRequest.Builder b = HubHttp.sameOrigin(href, http.config().endpoint()) ? http.request(href) : http.bareRequest(href);
        applyActionHeaders(b, upload.path("header"), "application/octet-stream");
        long[] sent = {0};
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        progress.step(-sent[0]); // a retried body starts over
                        sent[0] = 0;
                        return new FilterInputStream(Files.newInputStream(f.source)) {
                            @Override
                            public int read(byte[] buf, int off, int len) throws IOException {
                                int n = super.read(buf, off, len);
                                if (n > 0) {
                                    sent[0] += n;
                                    progress.step(n);
                                }
                                return n;
                            }
                        };
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }), f.size);
        HttpResponse<String> resp = http.send(b.PUT(body).build(),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() / 100 != 2) {
            throw http.httpError(resp.statusCode(), resp.headers().firstValue("X-Error-Code").orElse(null),
                    HubHttp.errorMessage(null, resp.body()), href);
        }
    }

    /** Adds an LFS action's headers (but those the JDK owns) and a Content-Type unless it has one. */
    private static void applyActionHeaders(HttpRequest.Builder b, JsonNode headers, String defaultType) {
        boolean[] typed = {false};
        headers.fields().forEachRemaining(e -> {
            String k = e.getKey().toLowerCase(Locale.ROOT);
            if (!RESTRICTED_HEADERS.contains(k)) {
                b.header(e.getKey(), e.getValue().asText());
                typed[0] |= k.equals("content-type");
            }
        });
        if (!typed[0]) {
            b.header("Content-Type", defaultType);
        }
    }

    /** A file to add, hashed once: size, sha256, the first 512 bytes for the hub's preupload check. */
    static final class PreparedFile {
        final String path;
        final Path source;
        final long size;
        final String sha256;
        final byte[] sample;

        private PreparedFile(String path, Path source, long size, String sha256, byte[] sample) {
            this.path = path;
            this.source = source;
            this.size = size;
            this.sha256 = sha256;
            this.sample = sample;
        }

        static PreparedFile of(CommitOperation.Add add) {
            Path src = add.source();
            if (!Files.isRegularFile(src)) {
                throw new GraftException("cannot upload " + src + ": not a readable file", "check the path");
            }
            try (InputStream in = Files.newInputStream(src)) {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                byte[] sample = in.readNBytes(SAMPLE_BYTES);
                d.update(sample);
                long size = sample.length;
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    d.update(buf, 0, n);
                    size += n;
                }
                return new PreparedFile(add.pathInRepo(), src, size, HexFormat.of().formatHex(d.digest()), sample);
            } catch (IOException e) {
                throw new GraftException("cannot read " + src + ": " + e.getMessage(), "check the file", e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        String base64() {
            try {
                return Base64.getEncoder().encodeToString(Files.readAllBytes(source));
            } catch (IOException e) {
                throw new GraftException("cannot read " + source + ": " + e.getMessage(), "check the file", e);
            }
        }
    }
}
