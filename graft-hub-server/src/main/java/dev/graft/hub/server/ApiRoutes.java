package dev.graft.hub.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoPaths;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.card.ModelCard;
import dev.graft.hub.server.index.RepoQuery;
import dev.graft.hub.server.index.RepoRecord;
import dev.graft.hub.server.store.BlobStore;
import dev.graft.hub.server.store.Commit;
import dev.graft.hub.server.store.CommitOp;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.Hashes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Hugging Face Hub HTTP API: listing, repository info, tree, paths-info, refs, commits, file
 * resolve, repository create/delete/settings, branches and tags, preupload, NDJSON commits and the Git
 * LFS batch API (basic transfer, with signed upload/download/verify URLs pointing back at this server).
 */
final class ApiRoutes {
    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String LFS_JSON = "application/vnd.git-lfs+json";
    /** Files of at least this size go through LFS (Hugging Face uses 10 MB). */
    static final long LFS_THRESHOLD = 10L * 1000 * 1000;
    private static final Set<String> LFS_EXTENSIONS = Set.of("bin", "ckpt", "h5", "npy", "npz", "onnx", "parquet", "pt",
            "pth", "safetensors", "zip", "gz", "tar", "pkl", "msgpack", "arrow", "tflite", "ot", "model");
    private static final long LINK_TTL_SECONDS = 3600;

    private final HubService hub;
    private final HubLimits limits;
    private final byte[] signingKey;

    ApiRoutes(HubService hub, HubLimits limits) {
        this.hub = hub;
        this.limits = limits;
        this.signingKey = hub.signingKey();
    }

    /** Handles the request if it is an API or file route; {@code false} if no route matched. */
    boolean handle(Exchange ex, Principal who) throws IOException {
        List<String> s = ex.segments;
        String m = ex.method.equals("HEAD") ? "GET" : ex.method;
        if (s.size() >= 1 && s.get(0).equals("api")) {
            return api(ex, who, m, s);
        }
        // /{owner}/{name}/resolve/{rev}/{path...} and /datasets/{owner}/{name}/resolve/...
        int base = !s.isEmpty() && s.get(0).equals("datasets") ? 1 : 0;
        RepoType type = base == 1 ? RepoType.DATASET : RepoType.MODEL;
        if (s.size() >= base + 5 && (s.get(base + 2).equals("resolve") || s.get(base + 2).equals("raw")) && m.equals("GET")) {
            RepoId id = new RepoId(type, s.get(base), s.get(base + 1));
            resolve(ex, who, id, s.get(base + 3), String.join("/", s.subList(base + 4, s.size())), s.get(base + 2).equals("raw"));
            return true;
        }
        if (s.size() == base + 6 && s.get(base + 1).endsWith(".git") && s.subList(base + 2, base + 6).equals(List.of("info", "lfs", "objects", "batch"))
                && m.equals("POST")) {
            String name = s.get(base + 1);
            lfsBatch(ex, who, new RepoId(type, s.get(base), name.substring(0, name.length() - 4)));
            return true;
        }
        return false;
    }

    private boolean api(Exchange ex, Principal who, String m, List<String> s) throws IOException {
        if (s.size() == 2 && s.get(1).equals("whoami-v2") && m.equals("GET")) {
            whoami(ex, who);
            return true;
        }
        if (s.size() == 2 && (s.get(1).equals("models") || s.get(1).equals("datasets")) && m.equals("GET")) {
            list(ex, who, RepoType.parse(s.get(1)));
            return true;
        }
        if (s.size() == 3 && s.get(1).equals("repos") && s.get(2).equals("create") && m.equals("POST")) {
            createRepo(ex, who);
            return true;
        }
        if (s.size() == 3 && s.get(1).equals("repos") && s.get(2).equals("delete") && (m.equals("DELETE") || m.equals("POST"))) {
            deleteRepo(ex, who);
            return true;
        }
        if (s.size() == 6 && s.get(1).equals("repos") && s.get(5).equals("settings") && m.equals("PUT")) {
            settings(ex, who, new RepoId(RepoType.parse(s.get(2)), s.get(3), s.get(4)));
            return true;
        }
        if (s.size() >= 7 && s.get(1).equals("lfs")) {
            lfsTransfer(ex, who, m, s);
            return true;
        }
        if (s.size() >= 4 && (s.get(1).equals("models") || s.get(1).equals("datasets"))) {
            RepoId id = new RepoId(RepoType.parse(s.get(1)), s.get(2), s.get(3));
            List<String> rest = s.subList(4, s.size());
            String verb = rest.isEmpty() ? "" : rest.get(0);
            switch (verb) {
                case "" -> {
                    if (m.equals("GET")) {
                        info(ex, who, id, "main");
                        return true;
                    }
                }
                case "revision" -> {
                    if (m.equals("GET") && rest.size() >= 2) {
                        info(ex, who, id, String.join("/", rest.subList(1, rest.size())));
                        return true;
                    }
                }
                case "tree" -> {
                    if (m.equals("GET") && rest.size() >= 2) {
                        tree(ex, who, id, rest.get(1), String.join("/", rest.subList(2, rest.size())));
                        return true;
                    }
                }
                case "paths-info" -> {
                    if (m.equals("POST") && rest.size() == 2) {
                        pathsInfo(ex, who, id, rest.get(1));
                        return true;
                    }
                }
                case "refs" -> {
                    if (m.equals("GET") && rest.size() == 1) {
                        refs(ex, who, id);
                        return true;
                    }
                }
                case "commits" -> {
                    if (m.equals("GET") && rest.size() >= 2) {
                        commits(ex, who, id, String.join("/", rest.subList(1, rest.size())));
                        return true;
                    }
                }
                case "preupload" -> {
                    if (m.equals("POST") && rest.size() == 2) {
                        preupload(ex, who, id, rest.get(1));
                        return true;
                    }
                }
                case "commit" -> {
                    if (m.equals("POST") && rest.size() == 2) {
                        commit(ex, who, id, rest.get(1));
                        return true;
                    }
                }
                case "branch" -> {
                    if ((m.equals("POST") || m.equals("DELETE")) && rest.size() >= 2) {
                        branch(ex, who, id, m, String.join("/", rest.subList(1, rest.size())));
                        return true;
                    }
                }
                case "tag" -> {
                    if ((m.equals("POST") || m.equals("DELETE")) && rest.size() >= 2) {
                        tag(ex, who, id, m, String.join("/", rest.subList(1, rest.size())));
                        return true;
                    }
                }
                case "settings" -> {
                    if (m.equals("PUT") && rest.size() == 1) {
                        settings(ex, who, id);
                        return true;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    // ---- identity ----

    private void whoami(Exchange ex, Principal who) throws IOException {
        if (who == null) {
            throw HubError.unauthorized("Invalid credentials in Authorization header: send 'Authorization: Bearer <token>'");
        }
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("displayName", who.tokenName());
        token.put("role", who.canWrite() ? "write" : "read");
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("type", "access_token");
        auth.put("accessToken", token);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "user");
        out.put("id", objectId("user/" + who.user()));
        out.put("name", who.user());
        out.put("fullname", who.user());
        out.put("email", null);
        out.put("emailVerified", false);
        out.put("canPay", false);
        out.put("isPro", false);
        out.put("periodEnd", null);
        out.put("avatarUrl", "");
        out.put("orgs", List.of());
        out.put("auth", auth);
        ex.sendJson(200, out);
    }

    // ---- listing and info ----

    private void list(Exchange ex, Principal who, RepoType type) throws IOException {
        List<String> filters = new ArrayList<>();
        for (String f : ex.params("filter")) {
            for (String part : f.split(",")) {
                if (!part.isBlank()) {
                    filters.add(part.trim());
                }
            }
        }
        for (String key : List.of("pipeline_tag", "library", "language", "license")) {
            String v = ex.param(key);
            if (v != null && !v.isBlank()) {
                filters.add(key.equals("license") ? "license:" + v : v);
            }
        }
        String sort = ex.param("sort") == null ? "id" : ex.param("sort");
        String direction = ex.param("direction");
        boolean descending = direction == null ? !sort.equals("id") && !sort.equals("modelId") : direction.equals("-1");
        int limit = parseInt(ex.param("limit"), 1000, "limit");
        if (limit < 1 || limit > 1000) {
            throw HubError.badRequest("limit must be between 1 and 1000");
        }
        int offset = 0;
        String cursor = ex.param("cursor");
        if (cursor != null) {
            try {
                offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw HubError.badRequest("invalid cursor: use the URL of the Link header as it is");
            }
        }
        boolean full = "true".equalsIgnoreCase(ex.param("full")) || "1".equals(ex.param("full"))
                || ex.params("expand").contains("siblings") || ex.params("expand[]").contains("siblings");
        boolean cardData = full || "true".equalsIgnoreCase(ex.param("cardData")) || ex.params("expand").contains("cardData");
        List<RepoRecord> page = hub.index().list(new RepoQuery(type.singular(), ex.param("search"), ex.param("author"), filters,
                sort, descending, who == null ? null : who.user(), offset, limit));
        ArrayNode out = Exchange.JSON.createArrayNode();
        for (RepoRecord r : page) {
            RepoId id = RepoId.of(type, r.id());
            ObjectNode node = summary(r, type);
            if (full || cardData) {
                node.set("cardData", Exchange.JSON.readTree(r.cardJson() == null ? "{}" : r.cardJson()));
            }
            if (full) {
                try {
                    node.set("siblings", siblings(hub.store().commitAt(id, "main")));
                } catch (HubError e) {
                    continue; // deleted between the query and now
                }
            }
            out.add(node);
        }
        if (page.size() == limit) {
            Map<String, List<String>> next = new LinkedHashMap<>(ex.query);
            next.put("cursor", List.of(Base64.getUrlEncoder().encodeToString(String.valueOf(offset + limit).getBytes(StandardCharsets.UTF_8))));
            ex.setHeader("Link", "<" + ex.baseUrl() + "/api/" + type.plural() + "?" + queryString(next) + ">; rel=\"next\"");
        }
        ex.sendJson(200, out);
    }

    private static String queryString(Map<String, List<String>> q) {
        StringBuilder b = new StringBuilder();
        q.forEach((k, vs) -> vs.forEach(v -> {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        }));
        return b.toString();
    }

    private ObjectNode summary(RepoRecord r, RepoType type) {
        ObjectNode n = Exchange.JSON.createObjectNode();
        n.put("_id", objectId(type.singular() + "/" + r.id()));
        n.put("id", r.id());
        if (type == RepoType.MODEL) {
            n.put("modelId", r.id());
        }
        n.put("author", r.owner());
        n.put("sha", r.sha());
        n.put("lastModified", ISO.format(Instant.ofEpochMilli(r.lastModified())));
        n.put("createdAt", ISO.format(Instant.ofEpochMilli(r.createdAt())));
        n.put("private", r.isPrivate());
        n.put("gated", false);
        n.put("disabled", false);
        n.put("downloads", r.downloads());
        n.put("likes", 0);
        ArrayNode tags = n.putArray("tags");
        r.tags().forEach(tags::add);
        if (r.pipelineTag() != null) {
            n.put("pipeline_tag", r.pipelineTag());
        }
        if (r.libraryName() != null) {
            n.put("library_name", r.libraryName());
        }
        return n;
    }

    /** A stable 24-hex id, shaped like the Hub's {@code _id}. */
    static String objectId(String key) {
        return Hashes.sha256(key).substring(0, 24);
    }

    private ArrayNode siblings(Commit c) {
        ArrayNode arr = Exchange.JSON.createArrayNode();
        for (FileEntry f : c.files()) {
            ObjectNode s = arr.addObject();
            s.put("rfilename", f.path());
            s.put("size", f.size());
            s.put("blobId", f.gitOid());
            if (f.lfs()) {
                ObjectNode lfs = s.putObject("lfs");
                lfs.put("sha256", f.sha256());
                lfs.put("size", f.size());
                lfs.put("pointerSize", f.pointerSize());
            }
        }
        return arr;
    }

    private void info(Exchange ex, Principal who, RepoId id, String revision) throws IOException {
        hub.readable(id, who);
        Commit c = hub.store().commitAt(id, revision);
        RepoRecord r = hub.index().get(id.type().singular(), id.id());
        if (r == null) {
            hub.reindex(id);
            r = hub.index().get(id.type().singular(), id.id());
        }
        ModelCard card = hub.card(id, c);
        ObjectNode n = summary(r, id.type());
        n.put("sha", c.id());
        n.put("lastModified", ISO.format(Instant.ofEpochMilli(c.time())));
        ArrayNode tags = n.putArray("tags");
        card.tags().forEach(tags::add);
        n.remove("pipeline_tag");
        n.remove("library_name");
        if (card.string("pipeline_tag") != null) {
            n.put("pipeline_tag", card.string("pipeline_tag"));
        }
        if (card.string("library_name") != null) {
            n.put("library_name", card.string("library_name"));
        }
        n.set("cardData", Exchange.JSON.valueToTree(card.data()));
        n.set("siblings", siblings(c));
        long used = 0;
        for (FileEntry f : c.files()) {
            used += f.size();
        }
        n.put("usedStorage", used);
        ex.setHeader("X-Repo-Commit", c.id());
        ex.sendJson(200, n);
    }

    // ---- tree and paths-info ----

    private ObjectNode fileNode(FileEntry f) {
        ObjectNode n = Exchange.JSON.createObjectNode();
        n.put("type", "file");
        n.put("oid", f.gitOid());
        n.put("size", f.size());
        n.put("path", f.path());
        if (f.lfs()) {
            ObjectNode lfs = n.putObject("lfs");
            lfs.put("oid", f.sha256());
            lfs.put("size", f.size());
            lfs.put("pointerSize", f.pointerSize());
        }
        return n;
    }

    private static ObjectNode dirNode(String path, List<FileEntry> inside) {
        StringBuilder b = new StringBuilder();
        for (FileEntry f : inside) {
            b.append(f.path()).append(' ').append(f.gitOid()).append('\n');
        }
        ObjectNode n = Exchange.JSON.createObjectNode();
        n.put("type", "directory");
        n.put("oid", Hashes.gitBlobSha1(b.toString().getBytes(StandardCharsets.UTF_8)));
        n.put("size", 0);
        n.put("path", path);
        return n;
    }

    private static List<FileEntry> under(Commit c, String dir) {
        List<FileEntry> out = new ArrayList<>();
        String prefix = dir.isEmpty() ? "" : dir + "/";
        for (FileEntry f : c.files()) {
            if (f.path().startsWith(prefix)) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * A path to look up in a commit: as it is if the commit has that file, else checked and in NFC (the
     * form new paths are stored in), so an NFD spelling finds the file and a malformed path is a 400.
     */
    private static String lookupPath(Commit c, String path) {
        if (c.file(path) != null) {
            return path;
        }
        return RepoPaths.checkFile(path);
    }

    private void tree(Exchange ex, Principal who, RepoId id, String revision, String path) throws IOException {
        hub.readable(id, who);
        Commit c = hub.store().commitAt(id, revision);
        if (!path.isEmpty()) {
            path = lookupPath(c, path);
        }
        boolean recursive = "true".equalsIgnoreCase(ex.param("recursive")) || "1".equals(ex.param("recursive"));
        List<FileEntry> inside = under(c, path);
        if (inside.isEmpty()) {
            if (!path.isEmpty() && c.file(path) != null) {
                throw HubError.badRequest(path + " is a file, not a folder; use paths-info or resolve for files");
            }
            if (!path.isEmpty()) {
                throw HubError.notFound("EntryNotFound", "folder " + path + " not found in " + id + "@" + revision);
            }
        }
        String prefix = path.isEmpty() ? "" : path + "/";
        TreeMap<String, ObjectNode> entries = new TreeMap<>();
        for (FileEntry f : inside) {
            String rel = f.path().substring(prefix.length());
            String[] parts = rel.split("/");
            if (parts.length == 1) {
                entries.put(f.path(), fileNode(f));
            } else {
                String dir = prefix + parts[0];
                entries.computeIfAbsent(dir, d -> dirNode(d, under(c, d)));
                if (recursive) {
                    String sub = dir;
                    for (int i = 1; i < parts.length - 1; i++) {
                        sub = sub + "/" + parts[i];
                        String key = sub;
                        entries.computeIfAbsent(key, d -> dirNode(d, under(c, d)));
                    }
                    entries.put(f.path(), fileNode(f));
                }
            }
        }
        ArrayNode out = Exchange.JSON.createArrayNode();
        entries.values().forEach(out::add);
        ex.setHeader("X-Repo-Commit", c.id());
        ex.sendJson(200, out);
    }

    private void pathsInfo(Exchange ex, Principal who, RepoId id, String revision) throws IOException {
        hub.readable(id, who);
        Commit c = hub.store().commitAt(id, revision);
        byte[] body = smallBody(ex, who);
        List<String> paths = new ArrayList<>();
        boolean expand = isTrue(ex.param("expand"));
        String contentType = ex.header("Content-Type");
        if (contentType != null && contentType.startsWith("application/json")) {
            JsonNode json = parseJson(body);
            JsonNode p = json == null ? null : json.get("paths");
            if (p != null && p.isArray()) {
                p.forEach(x -> paths.add(x.asText()));
            } else if (p != null && p.isTextual()) {
                paths.add(p.asText());
            }
            JsonNode e = json == null ? null : json.get("expand");
            expand |= e != null && (e.asBoolean(false) || isTrue(e.asText()));
        } else {
            Map<String, List<String>> form = Exchange.parseQuery(new String(body, StandardCharsets.UTF_8));
            paths.addAll(form.getOrDefault("paths", List.of()));
            expand |= form.getOrDefault("expand", List.of()).stream().anyMatch(ApiRoutes::isTrue);
        }
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        for (String path : paths) {
            String p = lookupPath(c, path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
            FileEntry f = c.file(p);
            if (f != null) {
                found.put(p, fileNode(f));
            } else if (!under(c, p).isEmpty()) {
                found.put(p, dirNode(p, under(c, p)));
            }
        }
        if (expand) {
            Map<String, Commit> last = lastCommits(id, c, found.keySet());
            found.forEach((p, node) -> {
                Commit lc = last.get(p);
                if (lc != null) {
                    node.putObject("lastCommit").put("id", lc.id()).put("title", lc.title())
                            .put("date", ISO.format(Instant.ofEpochMilli(lc.time())));
                }
            });
        }
        ArrayNode out = Exchange.JSON.createArrayNode();
        found.values().forEach(out::add);
        ex.setHeader("X-Repo-Commit", c.id());
        ex.sendJson(200, out);
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equalsIgnoreCase("true") || v.equals("1"));
    }

    /** How many first-parent commits one paths-info request may read to find the commits that last changed its paths. */
    static final int LAST_COMMIT_WALK = 5000;

    /**
     * For each path (file or folder) of {@code head}, the newest commit on its first-parent line that changed
     * it (as {@code git log -1 --first-parent -- path}). The history is walked once for all paths and stops as
     * soon as every path is settled; a path still unsettled after {@link #LAST_COMMIT_WALK} commits gets no
     * entry rather than a guess.
     */
    Map<String, Commit> lastCommits(RepoId id, Commit head, java.util.Collection<String> paths) {
        Map<String, Commit> out = new LinkedHashMap<>();
        Map<String, String> pending = new LinkedHashMap<>();
        TreeMap<String, FileEntry> newerTree = treeOf(head);
        for (String p : paths) {
            pending.put(p, signature(newerTree, p));
        }
        Commit newer = head;
        for (int step = 0; !pending.isEmpty() && step < LAST_COMMIT_WALK; step++) {
            if (newer.parent() == null) {
                // The first commit added everything it holds.
                for (String p : pending.keySet()) {
                    out.put(p, newer);
                }
                pending.clear();
                break;
            }
            Commit older = hub.store().readCommit(id, newer.parent());
            TreeMap<String, FileEntry> olderTree = treeOf(older);
            for (java.util.Iterator<Map.Entry<String, String>> it = pending.entrySet().iterator(); it.hasNext();) {
                Map.Entry<String, String> e = it.next();
                if (!e.getValue().equals(signature(olderTree, e.getKey()))) {
                    out.put(e.getKey(), newer);
                    it.remove();
                }
            }
            newer = older;
        }
        return out;
    }

    private static TreeMap<String, FileEntry> treeOf(Commit c) {
        TreeMap<String, FileEntry> tree = new TreeMap<>();
        for (FileEntry f : c.files()) {
            tree.put(f.path(), f);
        }
        return tree;
    }

    /** What a path is in a tree: a file's git id, or a folder's files and their ids; empty when absent. */
    private static String signature(TreeMap<String, FileEntry> tree, String path) {
        FileEntry f = tree.get(path);
        if (f != null) {
            return "file " + f.gitOid();
        }
        StringBuilder b = new StringBuilder();
        String prefix = path + "/";
        for (FileEntry inside : tree.subMap(prefix, prefix + Character.MAX_VALUE).values()) {
            b.append(inside.path()).append(' ').append(inside.gitOid()).append('\n');
        }
        return b.toString();
    }

    // ---- refs and history ----

    private void refs(Exchange ex, Principal who, RepoId id) throws IOException {
        hub.readable(id, who);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("branches", refList(hub.store().branches(id), "refs/heads/"));
        out.put("converts", List.of());
        out.put("tags", refList(hub.store().tags(id), "refs/tags/"));
        ex.sendJson(200, out);
    }

    private static List<Map<String, String>> refList(Map<String, String> refs, String prefix) {
        List<Map<String, String>> out = new ArrayList<>();
        refs.forEach((name, target) -> out.add(Map.of("name", name, "ref", prefix + name, "targetCommit", target)));
        return out;
    }

    private void commits(Exchange ex, Principal who, RepoId id, String revision) throws IOException {
        hub.readable(id, who);
        String head = hub.store().resolve(id, revision);
        int page = parseInt(ex.param("p"), 0, "p");
        int perPage = parseInt(ex.param("limit"), 50, "limit");
        if (page < 0 || perPage < 1 || perPage > 1000) {
            throw HubError.badRequest("p must be >= 0 and limit between 1 and 1000");
        }
        List<Commit> history = hub.store().history(id, head, page * perPage, perPage + 1);
        ArrayNode out = Exchange.JSON.createArrayNode();
        for (Commit c : history.subList(0, Math.min(perPage, history.size()))) {
            ObjectNode n = out.addObject();
            n.put("id", c.id());
            n.put("title", c.title());
            n.put("message", c.message());
            n.putArray("authors").addObject().put("user", c.author());
            n.put("date", ISO.format(Instant.ofEpochMilli(c.time())));
        }
        if (history.size() > perPage) {
            ex.setHeader("Link", "<" + ex.baseUrl() + "/api/" + id.type().plural() + "/" + id.id() + "/commits/"
                    + URLEncoder.encode(revision, StandardCharsets.UTF_8) + "?p=" + (page + 1) + "&limit=" + perPage + ">; rel=\"next\"");
        }
        ex.sendJson(200, out);
    }

    // ---- repositories ----

    /** The hint of a 413 for a JSON or form body. */
    private String jsonHint(Principal who) {
        return who == null ? "requests without a token may send at most " + limits.jsonLimit(null) + " bytes; send a token, or fewer items per request"
                : "JSON request bodies are limited to " + limits.maxJsonBytes() + " bytes; send fewer items per request";
    }

    /** A small JSON or form body, refused with 413 before it is read when over this caller's limit. */
    private byte[] smallBody(Exchange ex, Principal who) throws IOException {
        return ex.bodyBytes(limits.jsonLimit(who), jsonHint(who));
    }

    private JsonNode jsonBody(Exchange ex, Principal who) throws IOException {
        byte[] body = smallBody(ex, who);
        JsonNode n = body.length == 0 ? Exchange.JSON.createObjectNode() : parseJson(body);
        if (n == null || !n.isObject()) {
            throw HubError.badRequest("the request body must be a JSON object");
        }
        return n;
    }

    /** Parses a JSON body; 400 for malformed JSON and for bytes that are no valid text in the encoding Jackson detects. */
    private static JsonNode parseJson(byte[] body) throws IOException {
        try {
            return Exchange.JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw HubError.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.CharConversionException e) {
            throw HubError.badRequest("the request body is not valid JSON text (" + e.getMessage() + "): send UTF-8");
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private void createRepo(Exchange ex, Principal who) throws IOException {
        JsonNode body = jsonBody(ex, who);
        RepoType type = RepoType.parse(text(body, "type"));
        String name = text(body, "name");
        String owner = text(body, "organization");
        if (owner == null || owner.isBlank()) {
            if (who == null) {
                throw HubError.unauthorized("creating a repository needs a write token: send 'Authorization: Bearer <token>'");
            }
            owner = who.user();
        }
        if (name != null && name.contains("/")) {
            RepoId full = RepoId.of(type, name);
            owner = full.owner();
            name = full.name();
        }
        RepoId id = new RepoId(type, owner, name);
        id.checkNew();
        hub.requireWriteNamespace(owner, who);
        Boolean requested = visibility(body);
        boolean isPrivate = requested != null && requested;
        List<CommitOp> initialFiles = new ArrayList<>();
        if (body.has("files") && body.get("files").isArray()) {
            for (JsonNode f : body.get("files")) {
                String path = RepoPaths.checkFile(text(f, "path"));
                byte[] data = decodeContent(f);
                if (path.equals("README.md")) {
                    ModelCard.parse(new String(data, StandardCharsets.UTF_8)); // 400 before anything is created
                }
                initialFiles.add(regularFile(path, data));
            }
        }
        hub.createRepo(id, isPrivate, who.user(), initialFiles);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("url", ex.baseUrl() + "/" + id.urlPath());
        out.put("name", id.id());
        out.put("id", objectId(type.singular() + "/" + id.id()));
        ex.sendJson(200, out);
    }

    private RepoId repoFromBody(JsonNode body, Principal who) {
        RepoType type = RepoType.parse(text(body, "type"));
        String name = text(body, "name");
        String owner = text(body, "organization");
        if (name != null && name.contains("/")) {
            return RepoId.of(type, name);
        }
        if (owner == null || owner.isBlank()) {
            if (who == null) {
                throw HubError.unauthorized("this request needs a write token: send 'Authorization: Bearer <token>'");
            }
            owner = who.user();
        }
        return new RepoId(type, owner, name);
    }

    private void deleteRepo(Exchange ex, Principal who) throws IOException {
        RepoId id = repoFromBody(jsonBody(ex, who), who);
        hub.requireWrite(id, who);
        hub.deleteRepo(id);
        ex.sendEmpty(200);
    }

    private void settings(Exchange ex, Principal who, RepoId id) throws IOException {
        hub.requireWrite(id, who);
        JsonNode body = jsonBody(ex, who);
        Boolean requested = visibility(body);
        boolean isPrivate = requested == null ? hub.store().meta(id).isPrivate() : requested;
        if (requested != null) {
            hub.setPrivate(id, isPrivate);
        }
        ex.sendJson(200, Map.of("private", isPrivate));
    }

    /**
     * The visibility a create or settings body asks for: {@code private} as a JSON boolean or
     * {@code visibility} exactly {@code public} or {@code private}; {@code null} when it names neither.
     * Anything else is a 400: a typo must never turn a private repository public.
     */
    static Boolean visibility(JsonNode body) {
        Boolean fromPrivate = null;
        Boolean fromVisibility = null;
        if (body.has("private")) {
            JsonNode v = body.get("private");
            if (!v.isBoolean()) {
                throw HubError.badRequest("'private' must be true or false (a JSON boolean), got " + RepoId.printable(v.toString())
                        + "; nothing was changed");
            }
            fromPrivate = v.booleanValue();
        }
        if (body.has("visibility")) {
            JsonNode v = body.get("visibility");
            if (!v.isTextual() || !(v.textValue().equals("public") || v.textValue().equals("private"))) {
                throw HubError.badRequest("'visibility' must be \"public\" or \"private\", got " + RepoId.printable(v.toString())
                        + "; nothing was changed");
            }
            fromVisibility = v.textValue().equals("private");
        }
        if (fromPrivate != null && fromVisibility != null && !fromPrivate.equals(fromVisibility)) {
            throw HubError.badRequest("'private' and 'visibility' disagree; send one of them; nothing was changed");
        }
        return fromPrivate != null ? fromPrivate : fromVisibility;
    }

    private void branch(Exchange ex, Principal who, RepoId id, String method, String branch) throws IOException {
        hub.requireWrite(id, who);
        JsonNode body = method.equals("POST") ? jsonBody(ex, who) : null;
        if (method.equals("POST")) {
            String start = body == null || text(body, "startingPoint") == null ? "main" : text(body, "startingPoint");
            hub.store().createBranch(id, branch, start);
        } else {
            hub.store().deleteRef(id, false, branch);
        }
        ex.sendJson(200, Map.of());
    }

    private void tag(Exchange ex, Principal who, RepoId id, String method, String revOrTag) throws IOException {
        hub.requireWrite(id, who);
        JsonNode body = method.equals("POST") ? jsonBody(ex, who) : null;
        if (method.equals("POST")) {
            String tag = text(body, "tag");
            if (tag == null) {
                throw HubError.badRequest("missing 'tag' in the request body: {\"tag\": \"v1.0\"}");
            }
            hub.store().createTag(id, tag, revOrTag);
        } else {
            hub.store().deleteRef(id, true, revOrTag);
        }
        ex.sendJson(200, Map.of());
    }

    // ---- uploads ----

    private String uploadMode(String path, long size, byte[] sample) {
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

    private void preupload(Exchange ex, Principal who, RepoId id, String revision) throws IOException {
        hub.requireWrite(id, who);
        JsonNode body = jsonBody(ex, who);
        if (ex.param("create_pr") != null && !ex.param("create_pr").equals("0")) {
            throw HubError.badRequest("pull requests are not supported by this hub: commit to a branch instead");
        }
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

    /**
     * Decodes base64 strictly (RFC 4648 alphabet, padding only at the end, no other characters): a lenient
     * decoder skips what it does not know and would store a different file than was sent.
     */
    static byte[] strictBase64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw HubError.badRequest(what + " is not valid base64 (" + e.getMessage()
                    + "): send the standard alphabet A-Z a-z 0-9 + /, '=' padding only at the end, no line breaks");
        }
    }

    private static byte[] decodeContent(JsonNode file) {
        String content = text(file, "content");
        if (content == null) {
            throw HubError.badRequest("file " + text(file, "path") + " has no 'content'");
        }
        String encoding = text(file, "encoding");
        if (encoding == null || encoding.equalsIgnoreCase("base64")) {
            return strictBase64(content, "content of " + RepoId.printable(text(file, "path")));
        }
        if (encoding.equalsIgnoreCase("utf-8") || encoding.equalsIgnoreCase("utf8")) {
            return content.getBytes(StandardCharsets.UTF_8);
        }
        throw HubError.badRequest("unknown encoding '" + encoding + "' of " + text(file, "path") + ": use base64");
    }

    private CommitOp regularFile(String path, byte[] data) throws IOException {
        String sha = hub.store().blobs().put(data);
        return new CommitOp.Put(new FileEntry(path, data.length, sha, Hashes.gitBlobSha1(data), false));
    }

    private void commit(Exchange ex, Principal who, RepoId id, String branch) throws IOException {
        hub.requireWrite(id, who);
        if (ex.param("create_pr") != null && !ex.param("create_pr").equals("0")) {
            throw HubError.badRequest("pull requests are not supported by this hub: commit to a branch instead");
        }
        String title = null;
        String description = "";
        String parent = null;
        boolean sawHeader = false;
        List<CommitOp> ops = new ArrayList<>();
        byte[] readme = null;
        try (InputStream in = ex.body(limits.maxRequestBytes(), "commit bodies are limited by --max-request-size;"
                + " send large files through LFS (preupload answers uploadMode lfs for them)")) {
            CommitLines lines = new CommitLines(in, hub.store().blobs());
            for (CommitLines.Line line; (line = lines.next()) != null; ) {
                int number = line.number();
                String key = line.key();
                JsonNode value = line.value();
                if (key == null) {
                    throw HubError.badRequest("commit line " + number + " has no 'key' (header, file, lfsFile, deletedFile, deletedFolder)");
                }
                if (!sawHeader && !key.equals("header")) {
                    throw HubError.badRequest("the first line of a commit must be the header: {\"key\":\"header\",\"value\":{\"summary\":...}}");
                }
                switch (key) {
                    case "header" -> {
                        sawHeader = true;
                        title = text(value, "summary");
                        description = text(value, "description") == null ? "" : text(value, "description");
                        parent = text(value, "parentCommit");
                    }
                    case "file" -> {
                        String path = RepoPaths.checkFile(text(value, "path"));
                        BlobStore.Stored stored = line.content();
                        if (stored == null) {
                            stored = hub.store().blobs().putStreamed(out -> out.write(decodeContent(value)));
                        }
                        if (path.equals("README.md")) {
                            readme = stored.size() <= HubService.MAX_CARD_FILE ? hub.store().blobs().read(stored.sha256()) : null;
                        }
                        ops.add(new CommitOp.Put(new FileEntry(path, stored.size(), stored.sha256(), stored.gitOid(), false)));
                    }
                    case "lfsFile" -> {
                        String path = RepoPaths.checkFile(text(value, "path"));
                        String algo = text(value, "algo");
                        if (algo != null && !algo.equals("sha256")) {
                            throw HubError.badRequest("lfsFile " + path + ": algo must be sha256");
                        }
                        String oid = text(value, "oid");
                        long size = value.path("size").asLong(-1);
                        if (!Hashes.isSha256(oid)) {
                            throw HubError.badRequest("lfsFile " + path + ": oid must be a sha256 (64 hex digits)");
                        }
                        long stored = hub.store().blobs().size(oid);
                        if (stored < 0 || !hub.store().hasLfsObject(id, oid, stored)) {
                            throw HubError.badRequest("lfsFile " + path + ": object " + oid
                                    + " was not uploaded to " + id + "; upload it through the LFS batch API before committing");
                        }
                        if (stored != size) {
                            throw HubError.badRequest("lfsFile " + path + ": size " + size + " does not match the uploaded object ("
                                    + stored + " bytes)");
                        }
                        if (path.equals("README.md")) {
                            readme = size <= HubService.MAX_CARD_FILE ? hub.store().blobs().read(oid) : null;
                        }
                        ops.add(new CommitOp.Put(FileEntry.lfsFile(path, oid, size)));
                    }
                    case "deletedFile" -> {
                        String path = RepoPaths.checkFile(text(value, "path"));
                        if (path.equals("README.md")) {
                            readme = null;
                        }
                        ops.add(new CommitOp.Delete(path));
                    }
                    case "deletedFolder" -> {
                        String path = text(value, "path");
                        ops.add(new CommitOp.DeleteFolder(RepoPaths.checkFile(path != null && path.endsWith("/")
                                ? path.substring(0, path.length() - 1) : path)));
                    }
                    default -> throw HubError.badRequest("unknown commit operation '" + key
                            + "': use header, file, lfsFile, deletedFile or deletedFolder");
                }
            }
        }
        if (!sawHeader) {
            throw HubError.badRequest("empty commit: send a header line and at least one operation");
        }
        if (title == null || title.isBlank()) {
            throw HubError.badRequest("the commit header needs a 'summary'");
        }
        if (readme != null) {
            ModelCard.parse(new String(readme, StandardCharsets.UTF_8)); // 400 before anything moves
        }
        Commit c = hub.commit(id, branch, parent, who.user(), title, description, ops);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", true);
        out.put("commitOid", c.id());
        out.put("commitUrl", ex.baseUrl() + "/" + id.urlPath() + "/commit/" + c.id());
        out.put("hookOutput", "");
        ex.sendJson(200, out);
    }

    // ---- Git LFS ----

    private String sign(String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return Hashes.hex(mac.doFinal(String.join("\n", parts).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private String signedUrl(Exchange ex, String action, RepoId id, String oid, long size, String user) {
        long expires = Instant.now().getEpochSecond() + LINK_TTL_SECONDS;
        String sig = sign(action, id.type().singular(), id.owner(), id.name(), oid, Long.toString(size), Long.toString(expires), user);
        return ex.baseUrl() + "/api/lfs/" + action + "/" + id.type().singular() + "/" + id.owner() + "/" + id.name() + "/" + oid
                + "?size=" + size + "&expires=" + expires + "&user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&sig=" + sig;
    }

    private void lfsBatch(Exchange ex, Principal who, RepoId id) throws IOException {
        JsonNode body = jsonBody(ex, who);
        String operation = text(body, "operation");
        boolean upload = "upload".equals(operation);
        if (!upload && !"download".equals(operation)) {
            throw HubError.badRequest("LFS batch 'operation' must be upload or download");
        }
        if (upload) {
            hub.requireWrite(id, who);
        } else {
            hub.readable(id, who);
        }
        String user = who == null ? "" : who.user();
        ArrayNode objects = Exchange.JSON.createArrayNode();
        for (JsonNode o : body.path("objects")) {
            String oid = text(o, "oid");
            long size = o.path("size").asLong(-1);
            ObjectNode n = objects.addObject();
            n.put("oid", oid);
            n.put("size", size);
            if (!Hashes.isSha256(oid) || size < 0) {
                n.putObject("error").put("code", 422).put("message", "oid must be a sha256 and size a byte count");
                continue;
            }
            n.put("authenticated", true);
            if (upload) {
                if (size > limits.maxUploadBytes()) {
                    n.putObject("error").put("code", 413).put("message", "object of " + size + " bytes is over the upload limit of "
                            + limits.maxUploadBytes() + " bytes");
                } else if (!hub.store().hasLfsObject(id, oid, size)) {
                    ObjectNode actions = n.putObject("actions");
                    actions.putObject("upload").put("href", signedUrl(ex, "upload", id, oid, size, user))
                            .put("expires_in", LINK_TTL_SECONDS).putObject("header");
                    actions.putObject("verify").put("href", signedUrl(ex, "verify", id, oid, size, user))
                            .put("expires_in", LINK_TTL_SECONDS).putObject("header");
                }
            } else {
                if (!hub.store().hasLfsObject(id, oid, size)) {
                    n.putObject("error").put("code", 404).put("message", "object " + oid + " not found in " + id);
                } else {
                    n.putObject("actions").putObject("download").put("href", signedUrl(ex, "object", id, oid, size, user))
                            .put("expires_in", LINK_TTL_SECONDS).putObject("header");
                }
            }
        }
        ObjectNode out = Exchange.JSON.createObjectNode();
        out.put("transfer", "basic");
        out.set("objects", objects);
        out.put("hash_algo", "sha256");
        ex.send(200, LFS_JSON, Exchange.JSON.writeValueAsBytes(out));
    }

    /** {@code /api/lfs/{upload|verify|object}/{type}/{owner}/{name}/{oid}?size&expires&user&sig}. */
    private void lfsTransfer(Exchange ex, Principal who, String m, List<String> s) throws IOException {
        if (s.size() != 7) {
            throw HubError.notFound(null, "no such LFS transfer URL");
        }
        String action = s.get(2);
        RepoId id = new RepoId(RepoType.parse(s.get(3)), s.get(4), s.get(5));
        String oid = s.get(6);
        String size = ex.param("size");
        String expires = ex.param("expires");
        String user = ex.param("user") == null ? "" : ex.param("user");
        String sig = ex.param("sig");
        if (size == null || expires == null || sig == null
                || !java.security.MessageDigest.isEqual(sig.getBytes(StandardCharsets.US_ASCII),
                        sign(action, id.type().singular(), id.owner(), id.name(), oid, size, expires, user).getBytes(StandardCharsets.US_ASCII))) {
            throw HubError.forbidden("invalid LFS transfer signature: ask the batch API for a new URL");
        }
        if (Long.parseLong(expires) < Instant.now().getEpochSecond()) {
            throw HubError.forbidden("this LFS transfer URL has expired: ask the batch API for a new one");
        }
        long expectedSize = Long.parseLong(size);
        // The signature says who the link was handed to; access is checked again now, so a link handed out
        // while the repository was public stops working once it is private (and a deleted one 404s).
        Principal holder = user.isEmpty() ? null : new Principal(user, "signed-url", true);
        hub.readable(id, holder);
        if (!action.equals("object")) {
            hub.requireWriteNamespace(id.owner(), holder);
        }
        switch (action) {
            case "upload" -> {
                if (!m.equals("PUT")) {
                    throw new HubError(405, null, "LFS uploads use PUT");
                }
                if (expectedSize > limits.maxUploadBytes()) {
                    throw HubError.tooLarge("object of " + expectedSize + " bytes is over the upload limit of " + limits.maxUploadBytes());
                }
                // Always receive and check the bytes, even when the shared store has them already:
                // a repository gets an object only by proving it has the content.
                try (InputStream in = ex.body(expectedSize + 1, "an upload may not be longer than the size it was announced with")) {
                    hub.store().blobs().put(in, oid, expectedSize);
                }
                hub.store().markLfsObject(id, oid);
                ex.setHeader("ETag", "\"" + oid + "\"");
                ex.sendEmpty(200);
            }
            case "verify" -> {
                JsonNode body = jsonBody(ex, who);
                String vOid = text(body, "oid") == null ? oid : text(body, "oid");
                long vSize = body.path("size").asLong(expectedSize);
                if (!vOid.equals(oid) || !hub.store().hasLfsObject(id, oid, vSize)) {
                    throw HubError.notFound(null, "object " + oid + " of " + vSize + " bytes was not uploaded");
                }
                ex.send(200, LFS_JSON, "{}".getBytes(StandardCharsets.UTF_8));
            }
            case "object" -> {
                if (!m.equals("GET")) {
                    throw new HubError(405, null, "LFS downloads use GET");
                }
                if (!hub.store().hasLfsObject(id, oid, expectedSize)) {
                    throw HubError.notFound(null, "object " + oid + " not found");
                }
                ex.status(200);
                ex.setHeader("Content-Type", "application/octet-stream");
                ex.sendBlob(hub.store().blobs(), oid, 0, expectedSize);
            }
            default -> throw HubError.notFound(null, "no such LFS transfer action '" + action + "'");
        }
    }

    // ---- file download ----

    private void resolve(Exchange ex, Principal who, RepoId id, String revision, String path, boolean raw) throws IOException {
        hub.readable(id, who);
        String commitId = hub.store().resolve(id, revision);
        Commit c = hub.store().readCommit(id, commitId);
        path = lookupPath(c, path);
        // Set before the lookup: a 404 for a missing file still names the commit (the error handler keeps
        // this header), so clients can cache the miss for that commit as they do with the Hugging Face Hub.
        ex.setHeader("X-Repo-Commit", commitId);
        ex.setHeader("Access-Control-Expose-Headers",
                "X-Repo-Commit, X-Linked-Etag, X-Linked-Size, ETag, Content-Range, Content-Length, X-Error-Code, X-Error-Message");
        FileEntry f = c.file(path);
        if (f == null) {
            throw HubError.notFound("EntryNotFound", "Entry not found: " + path + " in " + id + "@" + revision);
        }
        ex.setHeader("Accept-Ranges", "bytes");
        String name = path.substring(path.lastIndexOf('/') + 1);
        ex.setHeader("Content-Disposition", "inline; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        if (raw && f.lfs()) {
            // raw/ answers what git stores: the LFS pointer.
            byte[] pointer = FileEntry.lfsPointer(f.sha256(), f.size()).getBytes(StandardCharsets.UTF_8);
            String etag = "\"" + f.gitOid() + "\"";
            ex.setHeader("ETag", etag);
            if (etag.equals(ex.header("If-None-Match"))) {
                ex.sendEmpty(304);
                return;
            }
            ex.send(200, "text/plain; charset=utf-8", pointer);
            return;
        }
        String etag = "\"" + f.etag() + "\"";
        ex.setHeader("ETag", etag);
        if (f.lfs()) {
            ex.setHeader("X-Linked-Etag", etag);
            ex.setHeader("X-Linked-Size", Long.toString(f.size()));
        }
        String ifNoneMatch = ex.header("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.equals("*") || List.of(ifNoneMatch.split("\\s*,\\s*")).contains(etag)
                || List.of(ifNoneMatch.split("\\s*,\\s*")).contains("W/" + etag))) {
            ex.sendEmpty(304);
            return;
        }
        long size = f.size();
        ex.setHeader("Content-Type", contentType(name));
        long[] range = ifRangeAllows(ex.header("If-Range"), etag) ? parseRange(ex.header("Range"), size) : null;
        if (range == null) {
            ex.status(200);
            ex.sendBlob(hub.store().blobs(), f.sha256(), 0, size);
            if (ex.method.equals("GET")) {
                hub.countDownload(id);
            }
        } else if (range.length == 0) {
            ex.setHeader("Content-Range", "bytes */" + size);
            ex.send(416, "application/json; charset=utf-8",
                    Exchange.JSON.writeValueAsBytes(Map.of("error", "Requested range not satisfiable: the file has " + size + " bytes")));
        } else {
            ex.status(206);
            ex.setHeader("Content-Range", "bytes " + range[0] + "-" + range[1] + "/" + size);
            ex.sendBlob(hub.store().blobs(), f.sha256(), range[0], range[1] - range[0] + 1);
        }
    }

    private static String contentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json")) {
            return "application/json";
        }
        if (lower.endsWith(".md") || lower.endsWith(".txt") || lower.endsWith(".csv") || lower.endsWith(".gitattributes")
                || lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }

    private static final java.util.regex.Pattern BYTE_RANGE = java.util.regex.Pattern.compile(
            "(?i:bytes)[ \\t]*=[ \\t]*([0-9]*)[ \\t]*-[ \\t]*([0-9]*)[ \\t]*");

    /**
     * Parses a single {@code bytes=} range (RFC 9110 section 14.1): {@code null} to send the whole file (no
     * header, a syntactically invalid one, which a server ignores, or several ranges, which this server
     * does not split), an empty array for 416 (valid but unsatisfiable), or {first, last}.
     */
    static long[] parseRange(String header, long size) {
        if (header == null) {
            return null;
        }
        java.util.regex.Matcher m = BYTE_RANGE.matcher(header);
        if (!m.matches()) {
            return null;
        }
        String a = m.group(1);
        String b = m.group(2);
        if (a.isEmpty() && b.isEmpty()) {
            return null;
        }
        if (a.isEmpty()) {
            // Suffix range: the last n bytes; a zero length is valid syntax but selects nothing.
            long suffix = digits(b);
            if (suffix == 0 || size == 0) {
                return new long[0];
            }
            return new long[] {Math.max(0, size - suffix), size - 1};
        }
        long first = digits(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : digits(b);
        if (last < first) {
            return null; // invalid: ignore the header
        }
        if (first >= size) {
            return new long[0];
        }
        return new long[] {first, Math.min(last, size - 1)};
    }

    /** A run of decimal digits as a number, saturating at {@link Long#MAX_VALUE} (beyond any file size). */
    private static long digits(String s) {
        String trimmed = s.replaceFirst("^0+(?=.)", "");
        return trimmed.length() > 18 ? Long.MAX_VALUE : Long.parseLong(trimmed);
    }

    /**
     * Whether a range request may be answered with a part (RFC 9110 section 13.1.5): without
     * {@code If-Range} yes; with it only when it is this file's strong entity tag. A date never matches
     * here (no {@code Last-Modified} is sent), nor does a weak tag, so the whole file is sent instead.
     */
    static boolean ifRangeAllows(String ifRange, String etag) {
        return ifRange == null || ifRange.trim().equals(etag);
    }

    private static int parseInt(String v, int fallback, String name) {
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw HubError.badRequest(name + " must be a whole number, got '" + v + "'");
        }
    }
}
