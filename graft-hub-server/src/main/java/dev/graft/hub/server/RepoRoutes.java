package dev.graft.hub.server;

import static dev.graft.hub.server.Requests.ISO;
import static dev.graft.hub.server.Requests.decodeContent;
import static dev.graft.hub.server.Requests.parseInt;
import static dev.graft.hub.server.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.hub.server.card.ModelCard;
import dev.graft.hub.server.index.RepoQuery;
import dev.graft.hub.server.index.RepoRecord;
import dev.graft.hub.server.store.Commit;
import dev.graft.hub.server.store.CommitOp;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.Hashes;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoPaths;
import dev.graft.hub.protocol.RepoType;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Routes of repositories as a whole: the caller's identity, listing, info, create, delete and settings. */
final class RepoRoutes {
    private final HubService hub;

    RepoRoutes(HubService hub) {
        this.hub = hub;
    }

    void whoami(Exchange ex, Principal who) throws IOException {
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

    void list(Exchange ex, Principal who, RepoType type) throws IOException {
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
            FileRoutes.putLfs(s, f, "sha256");
        }
        return arr;
    }

    void info(Exchange ex, Principal who, RepoId id, String revision) throws IOException {
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

    void createRepo(Exchange ex, Principal who) throws IOException {
        JsonNode body = ex.jsonBody(who);
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

    void deleteRepo(Exchange ex, Principal who) throws IOException {
        RepoId id = repoFromBody(ex.jsonBody(who), who);
        hub.requireWrite(id, who);
        hub.deleteRepo(id);
        ex.sendEmpty(200);
    }

    void settings(Exchange ex, Principal who, RepoId id) throws IOException {
        hub.requireWrite(id, who);
        JsonNode body = ex.jsonBody(who);
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

    private CommitOp regularFile(String path, byte[] data) throws IOException {
        String sha = hub.store().blobs().put(data);
        return new CommitOp.Put(new FileEntry(path, data.length, sha, Hashes.gitBlobSha1(data), false));
    }
}
