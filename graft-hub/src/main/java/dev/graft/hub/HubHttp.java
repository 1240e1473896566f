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
 *
 * <p>Every request goes through {@link #send}, which behaves as huggingface.co needs:
 * <ul>
 *   <li>the bearer token never leaves the endpoint's origin (scheme, host, port): a request to any
 *       other host (a CDN a redirect points at, a presigned upload URL) goes without it;</li>
 *   <li>a {@code 429 Too Many Requests} is retried, at most {@link #MAX_TRIES} tries in all, after the
 *       wait the hub advertises ({@code Retry-After} seconds, the IETF draft's
 *       {@code RateLimit: "api";r=0;t=55} or {@code RateLimit-Reset}), else 1, 2, 4... s; each wait
 *       is capped at 60 s (the system property {@value #MAX_WAIT_PROPERTY}, in seconds, lowers the
 *       cap); after the last try it is one error that says when to try again.</li>
 * </ul>
 * {@link #sendFollowingRedirects} follows redirects by hand for GETs (the client never follows
 * them on its own), so the rule on the token holds for every hop.
 */
final class HubHttp {
    private static final String USER_AGENT = "graft-hub/" + version();
    /** Tries of one request that the hub answers 429, the first included. */
    static final int MAX_TRIES = 5;
    /** The longest wait before a retry after a 429, in seconds, unless {@value #MAX_WAIT_PROPERTY} says less. */
    static final long MAX_WAIT_SECONDS = 60;
    /** System property: the cap of one wait after a 429, in seconds (decimals allowed; tests use tiny ones). */
    static final String MAX_WAIT_PROPERTY = "graft.hub.rate-limit.max-wait";
    static final int MAX_REDIRECTS = 5;
    private static final java.util.regex.Pattern CONTENT_RANGE = java.util.regex.Pattern.compile("bytes\\s+(\\d+)-");
    private static final java.util.regex.Pattern RATELIMIT_T = java.util.regex.Pattern.compile("(?:^|;)\\s*t\\s*=\\s*(\\d+)");

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
        HttpResponse<String> resp = sendFollowingRedirects(request(url).GET().header("Accept", "application/json").build(),
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

    /**
     * A GET of a file's bytes as stored (no content encoding), to the hub or where it redirects;
     * {@code range} is a {@code Range} header value ({@code bytes=0-99}) or {@code null} for all of it.
     */
    HttpRequest byteRequest(String url, String range) {
        HttpRequest.Builder b = request(url).header("Accept-Encoding", "identity");
        if (range != null) {
            b.header("Range", range);
        }
        return b.GET().build();
    }

    /** The first byte a {@code 206} answer holds ({@code Content-Range: bytes N-...}), or -1 when it does not say. */
    static long contentRangeStart(HttpResponse<?> resp) {
        java.util.regex.Matcher m = CONTENT_RANGE.matcher(resp.headers().firstValue("Content-Range").orElse(""));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The error of an answer to {@link #byteRequest} that holds no bytes of the file; reads the start of its body. */
    HubException streamError(HttpResponse<?> resp, java.io.InputStream body) throws IOException {
        String text = new String(body.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
        return httpError(resp.statusCode(), resp.headers().firstValue("X-Error-Code").orElse(null),
                errorMessage(resp.headers().firstValue("X-Error-Message").orElse(null), text), resp.request().uri().toString());
    }

    HttpRequest.Builder bareRequest(String url) {
        try {
            return HttpRequest.newBuilder(URI.create(url)).header("User-Agent", USER_AGENT)
                    .timeout(Duration.ofMinutes(10));
        } catch (IllegalArgumentException e) {
            throw protocolError("invalid URL " + url);
        }
    }

    /**
     * Sends one request: without the bearer token where it goes to another origin than the endpoint,
     * and again after the advertised wait while the hub answers 429 (see the class comment).
     * Redirects are returned, not followed.
     */
    <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        HttpRequest r = withoutForeignToken(req);
        for (int attempt = 1; ; attempt++) {
            HttpResponse<T> resp = sendOnce(r, handler);
            if (resp.statusCode() != 429) {
                return resp;
            }
            discard(resp);
            long advertised = advertisedWaitMillis(resp.headers());
            long wait = advertised >= 0 ? advertised : 1000L << (attempt - 1);
            if (attempt >= MAX_TRIES) {
                long seconds = Math.max(1, (wait + 999) / 1000);
                throw new HubException("the hub at " + origin(r.uri()) + " is rate-limiting requests (HTTP 429); try again in "
                        + seconds + " s", "wait, then run again" + (config.token() == null
                        ? "; anonymous requests get a lower limit, a token (GRAFT_TOKEN / HF_TOKEN) a higher one" : ""),
                        429, resp.headers().firstValue("X-Error-Code").orElse(null));
            }
            sleep(Math.min(wait, maxWaitMillis()));
        }
    }

    /**
     * {@link #send} for a GET, following redirects (relative ones, e.g. of a renamed repository, and
     * absolute ones, e.g. to a CDN) up to {@link #MAX_REDIRECTS} hops; each hop carries the first
     * request's headers, less the token where it leaves the endpoint's origin.
     */
    <T> HttpResponse<T> sendFollowingRedirects(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        HttpRequest r = req;
        for (int hop = 0; ; hop++) {
            HttpResponse<T> resp = send(r, handler);
            String location = isRedirect(resp.statusCode()) ? resp.headers().firstValue("Location").orElse(null) : null;
            if (location == null) {
                return resp;
            }
            discard(resp);
            if (hop >= MAX_REDIRECTS) {
                throw protocolError("more than " + MAX_REDIRECTS + " redirects for " + req.uri());
            }
            URI target;
            try {
                target = r.uri().resolve(location);
            } catch (IllegalArgumentException e) {
                throw protocolError("invalid redirect '" + location + "' from " + r.uri());
            }
            r = HttpRequest.newBuilder(req, (name, value) -> true).uri(target).build();
        }
    }

    static boolean isRedirect(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    /** The request without our bearer token where it goes to another origin than the endpoint. */
    HttpRequest withoutForeignToken(HttpRequest req) {
        String token = config.token();
        if (token == null || sameOrigin(req.uri(), URI.create(config.endpoint()))
                || !req.headers().allValues("Authorization").contains("Bearer " + token)) {
            return req;
        }
        return HttpRequest.newBuilder(req, (name, value) -> !name.equalsIgnoreCase("Authorization")).build();
    }

    /**
     * The wait a 429 answer advertises, in milliseconds, or -1 when it names none: {@code Retry-After}
     * in seconds, else the {@code t} of the IETF draft's {@code RateLimit: "api";r=0;t=55}, else
     * {@code RateLimit-Reset} in seconds.
     */
    static long advertisedWaitMillis(java.net.http.HttpHeaders headers) {
        String retryAfter = headers.firstValue("Retry-After").orElse("").trim();
        if (retryAfter.matches("\\d{1,9}")) {
            return Long.parseLong(retryAfter) * 1000;
        }
        if (!retryAfter.isEmpty()) {
            try {
                java.time.ZonedDateTime at = java.time.ZonedDateTime.parse(retryAfter, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(java.time.Instant.now(), at.toInstant()).toMillis());
            } catch (java.time.format.DateTimeParseException e) {
                // neither seconds nor a date: look at the other headers
            }
        }
        for (String v : headers.allValues("RateLimit")) {
            java.util.regex.Matcher m = RATELIMIT_T.matcher(v);
            if (m.find() && m.group(1).length() <= 9) {
                return Long.parseLong(m.group(1)) * 1000;
            }
        }
        String reset = headers.firstValue("RateLimit-Reset").orElse("").trim();
        return reset.matches("\\d{1,9}") ? Long.parseLong(reset) * 1000 : -1;
    }

    /** The cap of one wait after a 429: {@value #MAX_WAIT_SECONDS} s, or less where {@value #MAX_WAIT_PROPERTY} says so. */
    static long maxWaitMillis() {
        long cap = MAX_WAIT_SECONDS * 1000;
        String p = System.getProperty(MAX_WAIT_PROPERTY);
        if (p != null && !p.isBlank()) {
            try {
                double s = Double.parseDouble(p.trim());
                if (s >= 0) {
                    cap = Math.min(cap, (long) (s * 1000));
                }
            } catch (NumberFormatException e) {
                // not a number: the default cap
            }
        }
        return cap;
    }

    private static void sleep(long millis) {
        pause(millis, "the hub's rate limit");
    }

    /** Sleeps before a retry; an interrupt ends the wait with an error naming {@code forWhat}. */
    static void pause(long millis, String forWhat) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraftException("interrupted while waiting for " + forWhat);
        }
    }

    /** Closes a response body that is a stream, so an unread answer does not hold its connection. */
    static void discard(HttpResponse<?> resp) {
        if (resp.body() instanceof java.io.InputStream in) {
            try {
                in.close();
            } catch (IOException e) {
                // nothing to keep
            }
        }
    }

    private static String origin(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
    }

    private <T> HttpResponse<T> sendOnce(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        try {
            return client.send(req, handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new HubException("cannot reach the hub at " + config.endpoint() + " (" + e.getClass().getSimpleName() + ")",
                    config.endpoint().equals(HubConfig.DEFAULT_ENDPOINT)
                            ? "check the network; for this machine's hub set GRAFT_ENDPOINT=" + HubConfig.LOCAL_ENDPOINT
                                    + " (graft hub serve), or use the cache with GRAFT_HUB_OFFLINE=1"
                            : "start it (graft hub serve for this machine's hub), set GRAFT_ENDPOINT to another, or use the cache with GRAFT_HUB_OFFLINE=1",
                    0, HubException.UNREACHABLE);
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
        if (repo != null && (code == 401 || code == 403) && ("GatedRepo".equals(errorCode)
                || (errorCode == null && message != null && message.contains(" is restricted")))) {
            // huggingface.co: 401 without a token, 403 with one whose account has not accepted the licence
            String page = repoPage(resp.request().uri(), repo);
            if (config.token() == null || code == 401) {
                throw new HubException(repo + " is gated" + (config.token() == null ? "" : " and the hub did not accept the token"),
                        "accept its licence at " + page + " and set HF_TOKEN (or GRAFT_TOKEN)", code, "GatedRepo");
            }
            throw new HubException(repo + " is gated: your token has no access to " + repo + " yet",
                    "accept the licence at " + page + " with the account the token belongs to", code, "GatedRepo");
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
            throw new HubException("repository " + (repo == null ? "" : repo + " ") + "is gated",
                    "accept its licence on the repository's page on " + config.endpoint() + " and set HF_TOKEN (or GRAFT_TOKEN)", code, errorCode);
        }
        throw httpError(code, errorCode, message, resp.request().uri().toString());
    }

    /** The repository's web page: {@code endpoint/org/x}, {@code endpoint/datasets/org/x} for a data set's request. */
    String repoPage(URI requested, String repo) {
        String path = requested.getRawPath() == null ? "" : requested.getRawPath();
        String prefix = path.startsWith("/datasets/") || path.startsWith("/api/datasets/") ? "datasets/"
                : path.startsWith("/spaces/") || path.startsWith("/api/spaces/") ? "spaces/" : "";
        return config.endpoint() + "/" + prefix + repo;
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
            return sameOrigin(URI.create(a), URI.create(b));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean sameOrigin(URI x, URI y) {
        return x.getScheme() != null && x.getScheme().equalsIgnoreCase(y.getScheme())
                && x.getHost() != null && x.getHost().equalsIgnoreCase(y.getHost()) && port(x) == port(y);
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
