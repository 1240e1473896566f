package dev.graft.hub.server.store;

import dev.graft.hub.server.HubError;
import java.util.regex.Pattern;

/**
 * A repository name {@code owner/name} with its type, validated with the Hugging Face rules: letters,
 * digits, {@code - _ .}, at most 96 characters, no {@code --} or {@code ..}, not starting or ending
 * with {@code -} or {@code .}.
 *
 * <pre>{@code
 * RepoId id = RepoId.of(RepoType.MODEL, "alice/tiny-resnet");
 * }</pre>
 */
public record RepoId(RepoType type, String owner, String name) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_]|[A-Za-z0-9_][A-Za-z0-9_.-]{0,94}[A-Za-z0-9_]");

    public RepoId {
        checkPart(owner, "owner");
        checkPart(name, "name");
    }

    /** Parses {@code owner/name}; a 400 error explains what is wrong. */
    public static RepoId of(RepoType type, String id) {
        if (id == null) {
            throw HubError.badRequest("missing repository id: use owner/name");
        }
        int slash = id.indexOf('/');
        if (slash < 0 || id.indexOf('/', slash + 1) >= 0) {
            throw HubError.badRequest("invalid repository id '" + printable(id) + "': use owner/name");
        }
        return new RepoId(type, id.substring(0, slash), id.substring(slash + 1));
    }

    /** Checks one part of a name (also used for user names). */
    public static void checkPart(String part, String what) {
        if (part == null || !PART.matcher(part).matches() || part.contains("--") || part.contains("..")) {
            throw HubError.badRequest("invalid repository " + what + " '" + printable(part)
                    + "': use 1-96 letters, digits, '-', '_' or '.', without '--' or '..', not starting or ending with '-' or '.'");
        }
    }

    /**
     * Owner names a user or repository may not take: the server's own first path segments (API, data sets,
     * static files, web pages) and the Hub's, so that a URL never means two things.
     */
    public static final java.util.Set<String> RESERVED_OWNERS = java.util.Set.of("api", "datasets", "models", "spaces", "static",
            "lfs", "settings", "new", "docs", "organizations", "collections", "login", "logout", "join", "search", "papers",
            "blog", "pricing");

    /** Checks a name a new repository or user may take: reserved owner names are refused (any case). */
    public static void checkNewOwner(String owner) {
        checkPart(owner, "owner");
        if (RESERVED_OWNERS.contains(owner.toLowerCase(java.util.Locale.ROOT))) {
            throw HubError.badRequest("the name '" + owner + "' is reserved (it is a path of the server); choose another");
        }
    }

    /** Checks a name a new repository may take: no {@code .git} ending (it would read as the LFS endpoint). */
    public void checkNew() {
        checkNewOwner(owner);
        if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".git")) {
            throw HubError.badRequest("invalid repository name '" + name + "': a name may not end with '.git'");
        }
    }

    /** {@code owner/name}. */
    public String id() {
        return owner + "/" + name;
    }

    /** URL path of the repository on the web: {@code owner/name} or {@code datasets/owner/name}. */
    public String urlPath() {
        return type.urlPrefix() + id();
    }

    /** The text with control characters replaced by {@code ?} and cut at 120 characters, for error messages. */
    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.length() > 120 ? b.substring(0, 120) + "..." : b.toString();
    }

    @Override
    public String toString() {
        return urlPath();
    }
}
