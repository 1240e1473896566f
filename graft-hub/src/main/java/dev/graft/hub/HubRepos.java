package dev.graft.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import dev.graft.util.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub's REST API for repositories ({@code /api/...}): their info and listings, the token's owner,
 * and creating or deleting repositories, branches and tags. {@link Hub} answers with these.
 */
final class HubRepos {
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final HubConfig config;
    private final HubHttp http;

    HubRepos(HubConfig config, HubHttp http) {
        this.config = config;
        this.http = http;
    }

    /** See {@link Hub#info(RepoType, String, String)}. */
    RepoInfo info(RepoType type, String repo, String revision) {
        RepoPaths.checkReadableRepoId(repo);
        http.requireOnline("reading repository info");
        String url = api(type, repo) + (revision == null ? "" : "/revision/" + RepoPaths.quoteSegment(revision)) + "?blobs=true";
        return http.getJson(url, RepoInfo.class, repo, revision);
    }

    /** See {@link Hub#list(RepoType, ListQuery)}. */
    List<RepoInfo> list(RepoType type, ListQuery query) {
        http.requireOnline("listing repositories");
        List<RepoInfo> out = new ArrayList<>();
        String next = config.endpoint() + "/api/" + type.plural() + query.queryString();
        int pages = 0;
        while (next != null) {
            if (++pages > 10_000) {
                throw HubHttp.protocolError("more than 10000 pages of results; the hub's Link headers loop");
            }
            HttpResponse<String> resp = http.sendFollowingRedirects(http.request(next).GET().header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            http.raiseForStatus(resp, resp.body(), null, null, null);
            try {
                RepoInfo[] page = Json.MAPPER.readValue(resp.body(), RepoInfo[].class);
                for (RepoInfo r : page) {
                    out.add(r);
                    if (query.limit() != null && out.size() >= query.limit()) {
                        return out;
                    }
                }
            } catch (IOException e) {
                throw HubHttp.protocolError("cannot parse the listing from " + next + ": " + e.getMessage());
            }
            next = nextLink(resp.headers().allValues("Link"), next);
        }
        return out;
    }

    /** The page a {@code Link: <...>; rel="next"} header names, resolved against {@code current}; null on the last page. */
    static String nextLink(List<String> linkHeaders, String current) {
        for (String h : linkHeaders) {
            Matcher m = LINK_NEXT.matcher(h);
            if (m.find()) {
                return URI.create(current).resolve(m.group(1)).toString();
            }
        }
        return null;
    }

    /** See {@link Hub#whoami()}. */
    JsonNode whoami() {
        http.requireOnline("checking the token");
        if (config.token() == null) {
            throw new GraftException("no hub token", "set GRAFT_TOKEN or run graft hub login");
        }
        return http.getJson(config.endpoint() + "/api/whoami-v2", JsonNode.class, null, null);
    }

    /** See {@link Hub#createRepo(RepoType, String, boolean, boolean)}. */
    String createRepo(RepoType type, String repo, boolean isPrivate, boolean existOk) {
        RepoPaths.checkNewRepoId(repo);
        http.requireOnline("creating a repository");
        ObjectNode body = repoBody(type, repo);
        body.put("private", isPrivate);
        HttpResponse<String> resp = http.send(http.jsonRequest(config.endpoint() + "/api/repos/create", "POST", body),
                HttpResponse.BodyHandlers.ofString());
        String url = config.endpoint() + "/" + type.urlPrefix() + repo;
        if (resp.statusCode() == 409 && existOk) {
            return url;
        }
        if (resp.statusCode() == 409) {
            throw new HubException("repository " + repo + " already exists", "pick another name or push to it",
                    409, resp.headers().firstValue("X-Error-Code").orElse(null));
        }
        http.raiseForStatus(resp, resp.body(), repo, null, null);
        try {
            JsonNode n = Json.MAPPER.readTree(resp.body());
            return n.hasNonNull("url") ? n.get("url").asText() : url;
        } catch (IOException e) {
            return url;
        }
    }

    /** See {@link Hub#deleteRepo(RepoType, String, boolean)}. */
    void deleteRepo(RepoType type, String repo, boolean missingOk) {
        RepoPaths.checkRepoId(repo);
        http.requireOnline("deleting a repository");
        HttpResponse<String> resp = http.send(http.jsonRequest(config.endpoint() + "/api/repos/delete", "DELETE", repoBody(type, repo)),
                HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() == 404 && missingOk) {
            return;
        }
        http.raiseForStatus(resp, resp.body(), repo, null, null);
    }

    /** The body naming a repository in create and delete: {@code name}, {@code organization} and, unless a model, {@code type}. */
    private static ObjectNode repoBody(RepoType type, String repo) {
        String[] parts = repo.split("/");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", parts[1]);
        body.put("organization", parts[0]);
        if (type != RepoType.MODEL) {
            body.put("type", type.singular());
        }
        return body;
    }

    /** See {@link Hub#createBranch(RepoType, String, String, String)}. */
    void createBranch(RepoType type, String repo, String branch, String startingPoint) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (startingPoint != null) {
            body.put("startingPoint", startingPoint);
        }
        postRef(type, repo, "branch", branch, body, startingPoint, "creating a branch");
    }

    /** See {@link Hub#createTag(RepoType, String, String, String, String)}. */
    void createTag(RepoType type, String repo, String tag, String revision, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("tag", tag);
        if (message != null) {
            body.put("message", message);
        }
        String rev = Hub.revisionOrMain(revision);
        postRef(type, repo, "tag", rev, body, rev, "creating a tag");
    }

    /** {@code POST /api/{type}s/{repo}/{kind}/{quoted name}} with {@code body}; errors name {@code revision}. */
    private void postRef(RepoType type, String repo, String kind, String name, ObjectNode body, String revision, String what) {
        RepoPaths.checkRepoId(repo);
        http.requireOnline(what);
        String url = api(type, repo) + "/" + kind + "/" + RepoPaths.quoteSegment(name);
        HttpResponse<String> resp = http.send(http.jsonRequest(url, "POST", body), HttpResponse.BodyHandlers.ofString());
        http.raiseForStatus(resp, resp.body(), repo, revision, null);
    }

    /** {@code {endpoint}/api/{models|datasets|spaces}/{repo}}. */
    private String api(RepoType type, String repo) {
        return config.endpoint() + "/api/" + type.plural() + "/" + repo;
    }
}
