package dev.graft.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.graft.GraftException;
import dev.graft.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * HTTP plumbing shared by {@link Hub} and {@link CommitUploader}: requests with the user agent and
 * (to the hub's own origin only) the bearer token, and the hub's errors turned into
 * {@link HubException}s that name the problem and the fix.
 */
final class HubHttp {
    private static final String USER_AGENT = "graft-hub/" + version();

    private final HubConfig config;
    private final HttpClient client;

    HubHttp(HubConfig config) {
        this.config = config;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    HubConfig config() {
        return config;
    }

    <T> T getJson(String url, Class<T> cls, String repo, String revision) {
        HttpResponse<String> resp = send(request(url).GET().header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        raiseForStatus(resp, resp.body(), repo, revision, null);
        try {
            return Json.MAPPER.readValue(resp.body(), cls);
        } catch (IOException e) {
            throw protocolError("cannot parse the answer of " + url + ": " + e.getMessage());
        }
    }

    HttpRequest jsonRequest(String url, String method, JsonNode body) {
        return request(url).header("Content-Type", "application/json").header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(compact(body))).build();
    }

    /** A request to the hub itself: user agent and, when there is one, the bearer token. */
    HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = bareRequest(url);
        if (config.token() != null) {
            b.header("Authorization", "Bearer " + config.token());
        }
        return b;
    }

    HttpRequest.Builder bareRequest(String url) {
        try {
            return HttpRequest.newBuilder(URI.create(url)).header("User-Agent", USER_AGENT)
                    .timeout(Duration.ofMinutes(10));
        } catch (IllegalArgumentException e) {
            throw protocolError("invalid URL " + url);
        }
    }

    <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        try {
            return client.send(req, handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new HubException("cannot reach the hub at " + config.endpoint() + " (" + e.getClass().getSimpleName() + ")",
                    "start one with 'graft hub serve', set GRAFT_ENDPOINT, or use the cache with GRAFT_HUB_OFFLINE=1",
                    0, null);
        } catch (IOException e) {
            // only downloads resume (from .incomplete); an upload starts its files over, so say what a rerun really does
            boolean download = req.method().equals("GET") || req.method().equals("HEAD");
            throw new HubException("connection to " + req.uri().getHost() + " failed: " + e.getMessage(), download
                    ? "run again; a download resumes where it stopped"
                    : "run the upload again: the commit is made only after every file is up, and large files the hub already holds are not sent again",
                    0, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraftException("interrupted while talking to the hub");
        }
    }

    void raiseForStatus(HttpResponse<?> resp, String body, String repo, String revision, String file) {
        int code = resp.statusCode();
        if (code / 100 == 2) {
            return;
        }
        String errorCode = resp.headers().firstValue("X-Error-Code").orElse(null);
        String message = errorMessage(resp.headers().firstValue("X-Error-Message").orElse(null), body);
        String tokenHint = config.token() == null ? "set GRAFT_TOKEN or run graft hub login" : "check that your token can read it";
        if (code == 404 && errorCode == null && file != null) {
            throw new HubException(file + " not found in " + repo + " at " + revision + " (or no such repository)",
                    "check the names (graft hub info " + repo + " lists the files)", code, null);
        }
        if (code == 401 && config.token() != null && !"RepoNotFound".equals(errorCode)) {
            // a refused token is not a missing repository: a public one answers 401 too when the token is bad
            throw new HubException("the hub at " + config.endpoint() + " refused the token (HTTP 401"
                    + (message == null || message.isBlank() ? "" : ": " + message) + ")",
                    "the token is wrong, expired or revoked: set a valid GRAFT_TOKEN / HF_TOKEN, or run graft hub login again", code, errorCode);
        }
        if ("RepoNotFound".equals(errorCode) || (repo != null && (code == 401 || (code == 404 && errorCode == null)))) {
            throw new HubException("repository " + repo + " not found on " + config.endpoint()
                    + (code == 401 ? " (or it is private)" : ""),
                    "check the name; for a private repository " + tokenHint, code, errorCode);
        }
        if ("RevisionNotFound".equals(errorCode)) {
            throw new HubException("revision '" + revision + "' not found in " + repo,
                    "use a branch, tag or commit sha that exists (main by default)", code, errorCode);
        }
        if ("EntryNotFound".equals(errorCode)) {
            throw new HubException(file + " not found in " + repo + " at " + revision,
                    "check the file name (graft hub info " + repo + " lists the files)", code, errorCode);
        }
        if ("GatedRepo".equals(errorCode)) {
            throw new HubException("repository " + repo + " is gated", "request access on the hub's page", code, errorCode);
        }
        throw httpError(code, errorCode, message, resp.request().uri().toString());
    }

    HubException httpError(int code, String errorCode, String message, String url) {
        String fix;
        switch (code) {
            case 401: fix = "set GRAFT_TOKEN or run graft hub login"; break;
            case 403: fix = "use a token with write access to this namespace (graft hub login)"; break;
            case 409: fix = "someone else changed it first; run again on the latest state"; break;
            case 413: fix = "the file is over the hub's size limit"; break;
            default: fix = code >= 500 ? "the hub failed; run again or check its log" : null;
        }
        return new HubException("the hub answered HTTP " + code + " for " + url
                + (message == null || message.isBlank() ? "" : ": " + message), fix, code, errorCode);
    }

    static String errorMessage(String header, String body) {
        if (header != null && !header.isBlank()) {
            return header;
        }
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n.hasNonNull("error")) {
                return n.get("error").isTextual() ? n.get("error").asText() : n.get("error").toString();
            }
        } catch (IOException e) {
            // not JSON: keep the first line
        }
        String first = body.lines().findFirst().orElse("");
        return first.length() > 200 ? first.substring(0, 200) + "..." : first;
    }

    void requireOnline(String what) {
        if (config.offline()) {
            throw new GraftException(what + " needs the hub, and offline mode is on",
                    "unset GRAFT_HUB_OFFLINE and HF_HUB_OFFLINE");
        }
    }

    static GraftException protocolError(String problem) {
        return new GraftException(problem, "check GRAFT_ENDPOINT points at a Hugging Face-compatible hub");
    }

    static boolean sameOrigin(String a, String b) {
        try {
            URI x = URI.create(a);
            URI y = URI.create(b);
            return x.getScheme() != null && x.getScheme().equalsIgnoreCase(y.getScheme())
                    && x.getHost() != null && x.getHost().equalsIgnoreCase(y.getHost()) && port(x) == port(y);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    static String compact(JsonNode n) {
        try {
            return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String version() {
        Package p = HubHttp.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v.toLowerCase(Locale.ROOT);
    }
}
