package dev.graft.hub;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where the client talks to and where it caches.
 *
 * <p>From the environment ({@link #fromEnvironment()}):
 * <ul>
 *   <li>endpoint: {@code GRAFT_ENDPOINT}, else {@code HF_ENDPOINT}, else {@link #DEFAULT_ENDPOINT}
 *       (the Hugging Face Hub); this machine's hub ({@code graft hub serve}) is
 *       {@link #LOCAL_ENDPOINT};</li>
 *   <li>token: {@code GRAFT_TOKEN}, else {@code HF_TOKEN}, else the file written by
 *       {@code graft hub login} ({@code GRAFT_HOME/hub/token}), used only for the endpoint it was
 *       stored for ({@code GRAFT_HOME/hub/token-endpoint}) so it never travels to another hub;</li>
 *   <li>offline: {@code GRAFT_HUB_OFFLINE} or {@code HF_HUB_OFFLINE} set to 1/true/yes/on;</li>
 *   <li>cache: {@code GRAFT_HUB_CACHE}, else {@code HF_HUB_CACHE}, else {@code HF_HOME/hub} (when
 *       {@code HF_HOME} is set), else {@code GRAFT_HOME/hub/cache} (see {@code cacheDirFrom}); a leading
 *       {@code ~/} means the home folder, as in Python. The layout is huggingface_hub's, so a cache
 *       that Python's huggingface_hub (or transformers, timm) filled is used as is, and the other way
 *       round: what one downloaded the other finds, offline too.</li>
 * </ul>
 * System properties {@code graft.endpoint}, {@code graft.token}, {@code graft.hub.offline} and
 * {@code graft.hub.cache} win over the environment (tests use them).
 *
 * <pre>{@code
 * Hub hub = new Hub(HubConfig.fromEnvironment("http://hub.example:8080"));
 * }</pre>
 *
 * @param endpoint base URL without a trailing slash
 * @param token    bearer token, or {@code null} for anonymous access
 * @param offline  serve only from the cache, never touch the network
 * @param cacheDir root of the Hugging Face-layout cache
 */
public record HubConfig(String endpoint, String token, boolean offline, Path cacheDir) {
    /** The Hugging Face Hub: what {@code hf-hub:} means, as in timm, transformers and huggingface_hub. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    /**
     * This machine's hub ({@code graft hub serve} with its default port), one setting away:
     * {@code GRAFT_ENDPOINT=http://127.0.0.1:8080}. Publishing without an endpoint set
     * ({@code --push-to}, the quickstart) writes into it directly, without a server.
     */
    public static final String LOCAL_ENDPOINT = "http://127.0.0.1:8080";

    public HubConfig {
        endpoint = normalizeEndpoint(endpoint);
        if (token != null && token.isBlank()) {
            token = null;
        }
        cacheDir = cacheDir.toAbsolutePath();
    }

    /** The configuration the environment describes (see the class comment). */
    public static HubConfig fromEnvironment() {
        return fromEnvironment(null);
    }

    /**
     * The environment's configuration for another hub: token, offline mode and cache as the
     * environment says, the stored token only if it was stored for {@code endpoint}.
     */
    public static HubConfig fromEnvironment(String endpointOrNull) {
        String endpoint = first(endpointOrNull, System.getProperty("graft.endpoint"), System.getenv("GRAFT_ENDPOINT"),
                System.getenv("HF_ENDPOINT"), DEFAULT_ENDPOINT);
        String token = first(System.getProperty("graft.token"), System.getenv("GRAFT_TOKEN"),
                System.getenv("HF_TOKEN"), readStoredToken(normalizeEndpoint(endpoint)));
        boolean offline = truthy(System.getProperty("graft.hub.offline"))
                || truthy(System.getenv("GRAFT_HUB_OFFLINE")) || truthy(System.getenv("HF_HUB_OFFLINE"));
        return new HubConfig(endpoint, token, offline, cacheDirFrom(System.getProperty("graft.hub.cache"), System.getenv()));
    }

    /**
     * The cache folder that the system property {@code graft.hub.cache} (when set) or else {@code env}
     * names: {@code GRAFT_HUB_CACHE}, else {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else
     * {@code GRAFT_HOME/hub/cache}. A leading {@code ~/} is the home folder.
     */
    static Path cacheDirFrom(String property, Map<String, String> env) {
        String cache = first(property, env.get("GRAFT_HUB_CACHE"), env.get("HF_HUB_CACHE"));
        if (cache != null) {
            return expandHome(cache.trim());
        }
        String hfHome = first(env.get("HF_HOME"));
        if (hfHome != null) {
            return expandHome(hfHome.trim()).resolve("hub");
        }
        return GraftHome.root().resolve("hub").resolve("cache");
    }

    private static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(path.length() <= 2 ? "" : path.substring(2));
        }
        return Path.of(path);
    }

    /** Another endpoint with the same token: use {@link #fromEnvironment(String)} to pick the token for it. */
    public HubConfig withEndpoint(String newEndpoint) {
        return new HubConfig(newEndpoint, token, offline, cacheDir);
    }

    public HubConfig withToken(String newToken) {
        return new HubConfig(endpoint, newToken, offline, cacheDir);
    }

    public HubConfig withOffline(boolean newOffline) {
        return new HubConfig(endpoint, token, newOffline, cacheDir);
    }

    public HubConfig withCacheDir(Path newCacheDir) {
        return new HubConfig(endpoint, token, offline, newCacheDir);
    }

    /** The file {@code graft hub login} writes: {@code GRAFT_HOME/hub/token}. */
    public static Path tokenFile() {
        return GraftHome.root().resolve("hub").resolve("token");
    }

    /** Beside the token: the endpoint it belongs to. */
    public static Path tokenEndpointFile() {
        return GraftHome.root().resolve("hub").resolve("token-endpoint");
    }

    /**
     * The stored token for {@code endpoint}, or {@code null} when there is none or it was stored
     * for another hub.
     */
    public static String readStoredToken(String endpoint) {
        Path f = tokenFile();
        Path e = tokenEndpointFile();
        try {
            if (!Files.isRegularFile(f)) {
                return null;
            }
            if (Files.isRegularFile(e) && !Files.readString(e, StandardCharsets.UTF_8).trim().equals(normalizeEndpoint(endpoint))) {
                return null;
            }
            String t = Files.readString(f, StandardCharsets.UTF_8).trim();
            return t.isEmpty() ? null : t;
        } catch (IOException ex) {
            throw new GraftException("cannot read the hub token " + f + ": " + ex.getMessage(),
                    "fix its permissions or run 'graft hub login' again", ex);
        }
    }

    /**
     * Stores a token for later runs against {@code endpoint}, readable only by its owner (mode 600
     * where the file system has modes).
     */
    public static Path storeToken(String token, String endpoint) {
        if (token == null || token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
            throw new GraftException("the token is empty or contains spaces", "paste the token exactly as issued");
        }
        Path f = tokenFile();
        try {
            Files.createDirectories(f.getParent());
            writePrivate(tokenEndpointFile(), normalizeEndpoint(endpoint));
            writePrivate(f, token.trim());
        } catch (IOException e) {
            throw new GraftException("cannot write the hub token to " + f + ": " + e.getMessage(),
                    "set GRAFT_HOME to a writable folder", e);
        }
        return f;
    }

    private static void writePrivate(Path target, String text) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".token", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the folder's own access rules apply.
        }
        Files.writeString(tmp, text + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Where a setting came from, for {@code graft hub login} and error messages. */
    public static Map<String, String> sources() {
        return Map.of("endpoint", "GRAFT_ENDPOINT / HF_ENDPOINT (default " + DEFAULT_ENDPOINT + ")",
                "token", "GRAFT_TOKEN / HF_TOKEN / " + tokenFile(),
                "offline", "GRAFT_HUB_OFFLINE / HF_HUB_OFFLINE",
                "cache", CACHE_PRECEDENCE);
    }

    /** How the cache folder is chosen, in words (for help texts and {@link #sources()}). */
    public static final String CACHE_PRECEDENCE = "GRAFT_HUB_CACHE, else HF_HUB_CACHE, else HF_HOME/hub, else GRAFT_HOME/hub/cache";

    static String normalizeEndpoint(String endpoint) {
        String e = endpoint == null ? DEFAULT_ENDPOINT : endpoint.trim();
        while (e.endsWith("/")) {
            e = e.substring(0, e.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(e);
        } catch (IllegalArgumentException ex) {
            throw new GraftException("invalid hub endpoint '" + endpoint + "'",
                    "set GRAFT_ENDPOINT to a URL such as " + DEFAULT_ENDPOINT);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new GraftException("invalid hub endpoint '" + endpoint + "'",
                    "set GRAFT_ENDPOINT to an http(s) URL such as " + DEFAULT_ENDPOINT);
        }
        return e;
    }

    static boolean truthy(String v) {
        if (v == null) {
            return false;
        }
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        return t.equals("1") || t.equals("true") || t.equals("yes") || t.equals("on");
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
