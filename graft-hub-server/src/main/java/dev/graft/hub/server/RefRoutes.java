package dev.graft.hub.server;

import static dev.graft.hub.server.Requests.ISO;
import static dev.graft.hub.server.Requests.parseInt;
import static dev.graft.hub.server.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.hub.server.store.Commit;
import dev.graft.hub.protocol.RepoId;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Routes of a repository's refs and history: the refs listing, commit history, and branch and tag create and delete. */
final class RefRoutes {
    private final HubService hub;

    RefRoutes(HubService hub) {
        this.hub = hub;
    }

    void refs(Exchange ex, Principal who, RepoId id) throws IOException {
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

    void commits(Exchange ex, Principal who, RepoId id, String revision) throws IOException {
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

    void branch(Exchange ex, Principal who, RepoId id, String method, String branch) throws IOException {
        hub.requireWrite(id, who);
        JsonNode body = method.equals("POST") ? ex.jsonBody(who) : null;
        if (method.equals("POST")) {
            String start = body == null || text(body, "startingPoint") == null ? "main" : text(body, "startingPoint");
            hub.store().createBranch(id, branch, start);
        } else {
            hub.store().deleteRef(id, false, branch);
        }
        ex.sendJson(200, Map.of());
    }

    void tag(Exchange ex, Principal who, RepoId id, String method, String revOrTag) throws IOException {
        hub.requireWrite(id, who);
        JsonNode body = method.equals("POST") ? ex.jsonBody(who) : null;
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
}
