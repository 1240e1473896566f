package dev.graft.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small in-memory server that answers like the Hugging Face Hub for the routes the client uses:
 * resolve (HEAD/GET, ETag, X-Repo-Commit, X-Linked-*, 302 to a "CDN" host for LFS files, Range,
 * If-None-Match, X-Error-Code), {@code /api/{type}s} listings with Link paging, repo info,
 * repos create/delete, preupload, NDJSON commit and the Git LFS batch API. Faults can be injected
 * (cut a download after N bytes, corrupt bytes, ignore Range) to test the client's resilience.
 * Behaviours of huggingface.co are replayed on demand: gated repositories (401/403 with
 * {@code X-Error-Code: GatedRepo}), renamed repositories (307 to the new name, relative), regular
 * files served from the CDN host (307, absolute) and rate limiting (429 with {@code Retry-After} or
 * {@code RateLimit}).
 */
public final class FakeHfHub implements AutoCloseable {
    public static final String TOKEN = "hf_fake_write_token";
    private static final ObjectMapper JSON = new ObjectMapper();

    final HttpServer server;
    public final String endpoint;
    /** The same server under another host name: where LFS bytes "live", like a CDN. */
    final String cdn;
    public final List<String> log = Collections.synchronizedList(new ArrayList<>());
    public final List<String> commitBodies = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> authSeen = new ConcurrentHashMap<>();
    public final Map<String, Repo> repos = new ConcurrentHashMap<>();
    final Map<String, byte[]> lfsStore = new ConcurrentHashMap<>();
    final AtomicInteger getCount = new AtomicInteger();
    public volatile int lfsThreshold = 64;
    volatile int pageSize = 2;
    volatile long cutAfterBytes = -1;
    volatile boolean corrupt;
    volatile boolean ignoreRange;
    volatile long delayMillis;
    /** Answer any request whose bearer token is not {@link #TOKEN} with 401, as huggingface.co does for a bad token. */
    public volatile boolean refuseUnknownTokens;
    /** Let this many LFS uploads (PUT) through, then drop the connection of each after reading part of it (-1 = never). */
    public final AtomicInteger lfsUploadsBeforeCut = new AtomicInteger(-1);
    /** Send this many bytes of the next download, then stall (until the server closes). */
    volatile long stallAfterBytes = -1;
    /** Old repository id to new one (models): every request naming the old id gets a relative 307 to the new, as after a rename. */
    public final Map<String, String> renamed = new ConcurrentHashMap<>();
    /** Answer HEAD of a regular file on the endpoint's host with an absolute 307 to the same path on the {@link #cdn} host. */
    volatile boolean headRegularFromCdn;
    /** Answer GET of a regular file on the endpoint's host with an absolute 307 to the same path on the {@link #cdn} host. */
    volatile boolean getRegularFromCdn;
    /** Answer this many requests whose log line starts with {@link #rateLimitPrefix} with 429 and {@link #rateLimitHeaders}. */
    final AtomicInteger rateLimited = new AtomicInteger();
    volatile String rateLimitPrefix = "";
    final Map<String, String> rateLimitHeaders = new ConcurrentHashMap<>();

    public static final class Repo {
        final String type;
        final String id;
        final boolean isPrivate;
        /** Files need a token whose account accepted the licence ({@link #accepted}), as on huggingface.co. */
        public volatile boolean gated;
        /** The tokens whose accounts accepted a gated repository's licence. */
        public final java.util.Set<String> accepted = ConcurrentHashMap.newKeySet();
        public final Map<String, String> branches = new ConcurrentHashMap<>();
        public final Map<String, String> tags = new ConcurrentHashMap<>();
        final Map<String, Map<String, Blob>> commits = new ConcurrentHashMap<>();
        public final List<String> repoTags = new ArrayList<>();

        Repo(String type, String id, boolean isPrivate) {
            this.type = type;
            this.id = id;
            this.isPrivate = isPrivate;
        }
    }

    record Blob(byte[] data, boolean lfs, String sha256, String gitSha1) {}

    public FakeHfHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-hub");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
        int port = server.getAddress().getPort();
        endpoint = "http://127.0.0.1:" + port;
        cdn = "http://localhost:" + port;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ------------------------------------------------------------ fixtures

    public Repo createRepo(String type, String id, boolean isPrivate) {
        Repo r = new Repo(type, id, isPrivate);
        repos.put(type + ":" + id, r);
        return r;
    }

    /** Commits files directly (no HTTP) and returns the commit sha. */
    public String commit(Repo repo, String branch, Map<String, byte[]> files) {
        Map<String, Blob> tree = new TreeMap<>();
        String parent = repo.branches.get(branch);
        if (parent != null) {
            tree.putAll(repo.commits.get(parent));
        }
        files.forEach((p, d) -> tree.put(p, blob(d, d.length >= lfsThreshold)));
        String sha = newCommitSha(repo.id + branch + tree.keySet() + System.nanoTime());
        repo.commits.put(sha, tree);
        repo.branches.put(branch, sha);
        return sha;
    }

    static Blob blob(byte[] data, boolean lfs) {
        return new Blob(data, lfs, hex("SHA-256", data, null), hex("SHA-1", data, ("blob " + data.length + "\0").getBytes()));
    }

    static String hex(String algo, byte[] data, byte[] prefix) {
        try {
            MessageDigest d = MessageDigest.getInstance(algo);
            if (prefix != null) {
                d.update(prefix);
            }
            return HexFormat.of().formatHex(d.digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String newCommitSha(String seed) {
        return hex("SHA-1", seed.getBytes(StandardCharsets.UTF_8), null);
    }

    long countRequests(String prefix) {
        synchronized (log) {
            return log.stream().filter(l -> l.startsWith(prefix)).count();
        }
    }

    // ------------------------------------------------------------ routing

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String raw = ex.getRequestURI().getRawPath();
            String range = ex.getRequestHeaders().getFirst("Range");
            String line = method + " " + raw + (range != null ? " Range:" + range : "");
            log.add(line);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            authSeen.put(ex.getRequestHeaders().getFirst("Host") + " " + method + " " + raw, auth == null ? "" : auth);
            if (line.startsWith(rateLimitPrefix) && rateLimited.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0) {
                rateLimitHeaders.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
                error(ex, 429, null, "You have been rate-limited; you can retry this action in about 1 minute.");
                return;
            }
            if (redirectRenamed(ex, raw)) {
                return;
            }
            List<String> seg = new ArrayList<>();
            for (String s : raw.substring(1).split("/", -1)) {
                seg.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
            String token = bearer(ex);
            if (refuseUnknownTokens && token != null && !TOKEN.equals(token)) {
                error(ex, 401, null, "Invalid credentials in Authorization header");
                return;
            }
            if (raw.startsWith("/lfs-cdn/")) {
                serveBytes(ex, lfsStore.get(seg.get(1)), seg.get(1), null);
            } else if (raw.startsWith("/lfs-upload/") && method.equals("PUT")) {
                lfsPut(ex, seg.get(1));
            } else if (raw.equals("/lfs-verify") && method.equals("POST")) {
                JsonNode b = JSON.readTree(ex.getRequestBody());
                byte[] d = lfsStore.get(b.path("oid").asText());
                send(ex, d != null && d.length == b.path("size").asLong() ? 200 : 404, "{}");
            } else if (raw.equals("/api/whoami-v2")) {
                if (!TOKEN.equals(bearer(ex))) {
                    error(ex, 401, null, "Invalid credentials");
                } else {
                    send(ex, 200, "{\"type\":\"user\",\"name\":\"alice\",\"auth\":{\"accessToken\":{\"role\":\"write\"}}}");
                }
            } else if (raw.equals("/api/repos/create") && method.equals("POST")) {
                repoRequest(ex, this::repoCreate);
            } else if (raw.equals("/api/repos/delete") && method.equals("DELETE")) {
                repoRequest(ex, this::repoDelete);
            } else if (seg.get(0).equals("api") && seg.size() == 2 && method.equals("GET")) {
                list(ex, seg.get(1).replaceAll("s$", ""));
            } else if (seg.get(0).equals("api") && seg.size() >= 4) {
                api(ex, method, seg);
            } else if (raw.endsWith(".git/info/lfs/objects/batch") && method.equals("POST")) {
                String repoPath = raw.substring(1, raw.length() - ".git/info/lfs/objects/batch".length());
                String type = repoPath.startsWith("datasets/") ? "dataset" : "model";
                lfsBatch(ex, find(type, type.equals("dataset") ? repoPath.substring(9) : repoPath));
            } else {
                resolve(ex, method, seg);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    /** A request naming a {@link #renamed} repository: 307 with a relative Location naming the new id. */
    private boolean redirectRenamed(HttpExchange ex, String raw) throws IOException {
        for (Map.Entry<String, String> e : renamed.entrySet()) {
            for (String prefix : List.of("/", "/api/models/")) {
                String from = prefix + e.getKey();
                if (raw.equals(from) || raw.startsWith(from + "/")) {
                    String q = ex.getRequestURI().getRawQuery();
                    ex.getResponseHeaders().set("Location", prefix + e.getValue() + raw.substring(from.length()) + (q == null ? "" : "?" + q));
                    ex.sendResponseHeaders(307, -1);
                    return true;
                }
            }
        }
        return false;
    }

    private boolean onCdnHost(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        return host != null && cdn.endsWith("//" + host);
    }

    private static String bearer(HttpExchange ex) {
        String a = ex.getRequestHeaders().getFirst("Authorization");
        return a != null && a.startsWith("Bearer ") ? a.substring(7) : null;
    }

    private Repo find(String type, String id) {
        return repos.get(type + ":" + id);
    }

    private boolean canRead(HttpExchange ex, Repo r) {
        return r != null && (!r.isPrivate || TOKEN.equals(bearer(ex)));
    }

    private static String resolveRev(Repo r, String rev) {
        if (r.branches.containsKey(rev)) {
            return r.branches.get(rev);
        }
        if (r.tags.containsKey(rev)) {
            return r.tags.get(rev);
        }
        return r.commits.containsKey(rev) ? rev : null;
    }

    // ------------------------------------------------------------ file resolve

    private void resolve(HttpExchange ex, String method, List<String> seg) throws IOException {
        String type = "model";
        int i = 0;
        if (seg.get(0).equals("datasets")) {
            type = "dataset";
            i = 1;
        }
        if (seg.size() < i + 5 || !seg.get(i + 2).equals("resolve")) {
            error(ex, 404, null, "no route");
            return;
        }
        Repo r = find(type, seg.get(i) + "/" + seg.get(i + 1));
        if (!canRead(ex, r)) {
            error(ex, r == null ? 404 : 401, "RepoNotFound", "Repository not found");
            return;
        }
        String commit = resolveRev(r, seg.get(i + 3));
        if (commit == null) {
            error(ex, 404, "RevisionNotFound", "Invalid rev id: " + seg.get(i + 3));
            return;
        }
        if (r.gated && (bearer(ex) == null || !r.accepted.contains(bearer(ex)))) {
            // huggingface.co: 401 without a token, 403 for a token whose account has not accepted the licence
            boolean anonymous = bearer(ex) == null;
            error(ex, anonymous ? 401 : 403, "GatedRepo", "Access to " + type + " " + r.id + " is restricted"
                    + (anonymous ? ". You must have access to it and be authenticated to access it. Please log in."
                    : " and you are not in the authorized list. Visit " + endpoint + "/" + (type.equals("dataset") ? "datasets/" : "")
                    + r.id + " to ask for access."));
            return;
        }
        String path = String.join("/", seg.subList(i + 4, seg.size()));
        Blob b = r.commits.get(commit).get(path);
        ex.getResponseHeaders().set("X-Repo-Commit", commit);
        if (b == null) {
            error(ex, 404, "EntryNotFound", path + " does not exist on \"" + seg.get(i + 3) + "\"");
            return;
        }
        if (!b.lfs() && !onCdnHost(ex) && (method.equals("HEAD") ? headRegularFromCdn : getRegularFromCdn)) {
            ex.getResponseHeaders().set("Location", cdn + ex.getRequestURI().getRawPath());
            ex.sendResponseHeaders(307, -1);
            return;
        }
        if (b.lfs()) {
            // As on huggingface.co: the pointer's headers plus a redirect to where the bytes live.
            lfsStore.putIfAbsent(b.sha256(), b.data());
            ex.getResponseHeaders().set("X-Linked-Etag", "\"" + b.sha256() + "\"");
            ex.getResponseHeaders().set("X-Linked-Size", Long.toString(b.data().length));
            ex.getResponseHeaders().set("ETag", "\"" + b.gitSha1() + "\"");
            ex.getResponseHeaders().set("Location", cdn + "/lfs-cdn/" + b.sha256());
            ex.getResponseHeaders().set("Content-Length", "0");
            ex.sendResponseHeaders(302, -1);
            return;
        }
        if (method.equals("HEAD")) {
            ex.getResponseHeaders().set("ETag", "\"" + b.gitSha1() + "\"");
            ex.getResponseHeaders().set("Content-Length", Long.toString(b.data().length));
            ex.getResponseHeaders().set("Accept-Ranges", "bytes");
            ex.sendResponseHeaders(200, -1);
            return;
        }
        serveBytes(ex, b.data(), b.gitSha1(), commit);
    }

    private void serveBytes(HttpExchange ex, byte[] data, String etag, String commit) throws IOException {
        if (data == null) {
            error(ex, 404, null, "no such object");
            return;
        }
        ex.getResponseHeaders().set("ETag", "\"" + etag + "\"");
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        String inm = ex.getRequestHeaders().getFirst("If-None-Match");
        if (inm != null && Hub.unquoteEtag(inm).equals(etag)) {
            ex.sendResponseHeaders(304, -1);
            return;
        }
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Long.toString(data.length));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        getCount.incrementAndGet();
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int start = 0;
        int end = data.length - 1;
        int code = 200;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && !ignoreRange) {
            Matcher m = Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range);
            if (m.matches()) {
                start = Integer.parseInt(m.group(1));
                if (!m.group(2).isEmpty()) {
                    end = Math.min(end, Integer.parseInt(m.group(2)));
                }
                if (start >= data.length) {
                    ex.getResponseHeaders().set("Content-Range", "bytes */" + data.length);
                    ex.sendResponseHeaders(416, -1);
                    return;
                }
                code = 206;
                ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + data.length);
            }
        }
        int len = end - start + 1;
        byte[] body = java.util.Arrays.copyOfRange(data, start, end + 1);
        if (corrupt) {
            body[body.length - 1] ^= 0x5a;
        }
        ex.sendResponseHeaders(code, len);
        OutputStream out = ex.getResponseBody();
        long stall = stallAfterBytes;
        if (stall >= 0 && stall < len) {
            stallAfterBytes = -1;
            out.write(body, 0, (int) stall);
            out.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("stalled by test");
        }
        long cut = cutAfterBytes;
        if (cut >= 0 && cut < len) {
            cutAfterBytes = -1;
            out.write(body, 0, (int) cut);
            out.flush();
            // Drop the connection mid-body, like a network failure.
            throw new IOException("cut by test");
        }
        out.write(body);
    }

    // ------------------------------------------------------------ API

    private void list(HttpExchange ex, String type) throws IOException {
        Map<String, String> q = query(ex);
        List<Repo> all = new ArrayList<>();
        repos.values().stream().filter(r -> r.type.equals(type) && canRead(ex, r))
                .filter(r -> q.get("search") == null || r.id.contains(q.get("search")))
                .filter(r -> q.get("author") == null || r.id.startsWith(q.get("author") + "/"))
                .filter(r -> q.get("filter") == null || r.repoTags.contains(q.get("filter")))
                .sorted((a, b) -> a.id.compareTo(b.id)).forEach(all::add);
        int cursor = Integer.parseInt(q.getOrDefault("cursor", "0"));
        int end = Math.min(all.size(), cursor + pageSize);
        ArrayNode arr = JSON.createArrayNode();
        for (Repo r : all.subList(Math.min(cursor, all.size()), end)) {
            ObjectNode o = arr.addObject();
            o.put("_id", r.id.hashCode());
            o.put("id", r.id);
            o.put("private", r.isPrivate);
            ArrayNode tags = o.putArray("tags");
            r.repoTags.forEach(tags::add);
            o.put("downloads", 0);
        }
        if (end < all.size()) {
            String base = ex.getRequestURI().getRawQuery() == null ? ""
                    : ex.getRequestURI().getRawQuery().replaceAll("&?cursor=\\d+", "");
            ex.getResponseHeaders().set("Link", "<" + endpoint + "/api/" + type + "s?" + base
                    + (base.isEmpty() ? "" : "&") + "cursor=" + end + ">; rel=\"next\"");
        }
        send(ex, 200, arr.toString());
    }

    private void api(HttpExchange ex, String method, List<String> seg) throws IOException {
        String type = seg.get(1).replaceAll("s$", "");
        Repo r = find(type, seg.get(2) + "/" + seg.get(3));
        boolean write = method.equals("POST");
        if (!canRead(ex, r) || (write && !TOKEN.equals(bearer(ex)))) {
            error(ex, r == null ? 404 : 401, "RepoNotFound", "Repository not found");
            return;
        }
        if (seg.size() == 4 || (seg.size() == 6 && seg.get(4).equals("revision"))) {
            String rev = seg.size() == 6 ? seg.get(5) : "main";
            String commit = resolveRev(r, rev);
            if (commit == null) {
                error(ex, 404, "RevisionNotFound", "Invalid rev id: " + rev);
                return;
            }
            ObjectNode o = JSON.createObjectNode();
            o.put("id", r.id);
            o.put("author", r.id.split("/")[0]);
            o.put("sha", commit);
            o.put("private", r.isPrivate);
            o.put("downloads", 3);
            o.put("lastModified", "2026-01-01T00:00:00.000Z");
            ArrayNode tags = o.putArray("tags");
            r.repoTags.forEach(tags::add);
            ArrayNode sib = o.putArray("siblings");
            boolean blobs = "true".equals(query(ex).get("blobs"));
            r.commits.get(commit).forEach((p, b) -> {
                ObjectNode s = sib.addObject().put("rfilename", p);
                if (blobs) {
                    s.put("size", b.data().length).put("blobId", b.gitSha1());
                    if (b.lfs()) {
                        s.putObject("lfs").put("sha256", b.sha256()).put("size", b.data().length);
                    }
                }
            });
            o.putObject("cardData").put("license", "mit");
            send(ex, 200, o.toString());
            return;
        }
        if (seg.size() == 6 && seg.get(4).equals("preupload") && write) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode f : body.path("files")) {
                byte[] sample = Base64.getDecoder().decode(f.path("sample").asText());
                boolean binary = false;
                for (byte b : sample) {
                    binary |= b == 0;
                }
                out.addObject().put("path", f.path("path").asText())
                        .put("uploadMode", binary || f.path("size").asLong() >= lfsThreshold ? "lfs" : "regular")
                        .put("shouldIgnore", f.path("path").asText().endsWith(".ignored"));
            }
            send(ex, 200, JSON.createObjectNode().set("files", out).toString());
            return;
        }
        if (seg.size() == 6 && seg.get(4).equals("commit") && write) {
            commitNdjson(ex, r, seg.get(5));
            return;
        }
        error(ex, 404, null, "no route");
    }

    private void commitNdjson(HttpExchange ex, Repo r, String branch) throws IOException {
        if (!"application/x-ndjson".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
            error(ex, 400, null, "expected application/x-ndjson");
            return;
        }
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        commitBodies.add(body);
        String parent = r.branches.get(branch);
        Map<String, Blob> tree = new TreeMap<>(parent == null ? Map.of() : r.commits.get(parent));
        boolean first = true;
        for (String line : body.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            JsonNode v = n.path("value");
            String key = n.path("key").asText();
            if (first) {
                if (!key.equals("header") || !v.path("summary").isTextual()) {
                    error(ex, 400, null, "first line must be the header");
                    return;
                }
                if (v.hasNonNull("parentCommit") && !v.path("parentCommit").asText().equals(parent)) {
                    error(ex, 412, null, "A commit has happened since. Please refresh and try again.");
                    return;
                }
                first = false;
                continue;
            }
            String path = v.path("path").asText();
            switch (key) {
                case "file" -> tree.put(path, blob(Base64.getDecoder().decode(v.path("content").asText()), false));
                case "lfsFile" -> {
                    byte[] d = lfsStore.get(v.path("oid").asText());
                    if (d == null || !"sha256".equals(v.path("algo").asText())) {
                        error(ex, 422, null, "LFS object " + v.path("oid").asText() + " was not uploaded");
                        return;
                    }
                    tree.put(path, blob(d, true));
                }
                case "deletedFile" -> tree.remove(path);
                case "deletedFolder" -> tree.keySet().removeIf(p -> p.startsWith(path + "/"));
                default -> {
                    error(ex, 400, null, "unknown key " + key);
                    return;
                }
            }
        }
        String sha = newCommitSha(body + System.nanoTime());
        r.commits.put(sha, tree);
        r.branches.put(branch, sha);
        send(ex, 200, JSON.createObjectNode().put("commitOid", sha)
                .put("commitUrl", endpoint + "/" + r.id + "/commit/" + sha).toString());
    }

    private void lfsBatch(HttpExchange ex, Repo r) throws IOException {
        if (r == null || !TOKEN.equals(bearer(ex))) {
            error(ex, 401, null, "unauthorized");
            return;
        }
        JsonNode body = JSON.readTree(ex.getRequestBody());
        ObjectNode out = JSON.createObjectNode().put("transfer", "basic");
        ArrayNode objs = out.putArray("objects");
        for (JsonNode o : body.path("objects")) {
            String oid = o.path("oid").asText();
            ObjectNode res = objs.addObject().put("oid", oid).put("size", o.path("size").asLong());
            if (!lfsStore.containsKey(oid)) {
                ObjectNode actions = res.putObject("actions");
                actions.putObject("upload").put("href", cdn + "/lfs-upload/" + oid)
                        .putObject("header").put("X-Upload-Ticket", "t-" + oid.substring(0, 8));
                actions.putObject("verify").put("href", endpoint + "/lfs-verify");
            }
        }
        ex.getResponseHeaders().set("Content-Type", "application/vnd.git-lfs+json");
        byte[] b = out.toString().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
    }

    private void lfsPut(HttpExchange ex, String oid) throws IOException {
        if (lfsUploadsBeforeCut.get() == 0 || lfsUploadsBeforeCut.getAndUpdate(n -> n > 0 ? n - 1 : n) == 0) {
            ex.getRequestBody().readNBytes(1024);
            throw new IOException("upload cut by the test"); // the server drops the connection without an answer
        }
        if (!("t-" + oid.substring(0, 8)).equals(ex.getRequestHeaders().getFirst("X-Upload-Ticket"))) {
            error(ex, 403, null, "missing upload ticket header");
            return;
        }
        byte[] data = ex.getRequestBody().readAllBytes();
        if (!hex("SHA-256", data, null).equals(oid)) {
            error(ex, 400, null, "sha256 mismatch");
            return;
        }
        lfsStore.put(oid, data);
        ex.sendResponseHeaders(200, -1);
    }

    /** A create or delete request's body and the repository it names. */
    private record RepoRequest(JsonNode body, String type, String id) {}

    /** What answers a {@link RepoRequest}. */
    private interface RepoHandler {
        void handle(HttpExchange ex, RepoRequest req) throws IOException;
    }

    /** Checks a create or delete request's token (401 when wrong), then lets {@code handler} answer it. */
    private void repoRequest(HttpExchange ex, RepoHandler handler) throws IOException {
        if (!TOKEN.equals(bearer(ex))) {
            error(ex, 401, null, "Invalid credentials");
            return;
        }
        JsonNode b = JSON.readTree(ex.getRequestBody());
        handler.handle(ex, new RepoRequest(b, b.path("type").asText("model"), b.path("organization").asText() + "/" + b.path("name").asText()));
    }

    private void repoCreate(HttpExchange ex, RepoRequest req) throws IOException {
        String type = req.type();
        if (find(type, req.id()) != null) {
            error(ex, 409, null, "You already created this " + type + " repo");
            return;
        }
        Repo r = createRepo(type, req.id(), req.body().path("private").asBoolean(false));
        commit(r, "main", Map.of(".gitattributes", "*.safetensors filter=lfs\n".getBytes(StandardCharsets.UTF_8)));
        send(ex, 200, JSON.createObjectNode().put("url", endpoint + "/" + (type.equals("dataset") ? "datasets/" : "") + req.id()).toString());
    }

    private void repoDelete(HttpExchange ex, RepoRequest req) throws IOException {
        if (repos.remove(req.type() + ":" + req.id()) == null) {
            error(ex, 404, "RepoNotFound", "Repository not found");
            return;
        }
        send(ex, 200, "{}");
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static void error(HttpExchange ex, int code, String errorCode, String message) throws IOException {
        if (errorCode != null) {
            ex.getResponseHeaders().set("X-Error-Code", errorCode);
        }
        ex.getResponseHeaders().set("X-Error-Message", message);
        send(ex, code, JSON.createObjectNode().put("error", message).toString());
    }

    private static void send(HttpExchange ex, int code, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
    }
}
