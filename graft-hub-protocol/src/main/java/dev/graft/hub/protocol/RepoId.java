package dev.graft.hub.protocol;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A repository name {@code owner/name} with its type, validated with the Hugging Face Hub's rule
 * ({@code huggingface_hub}'s {@code validate_repo_id}): each part of letters, digits, {@code - _ .},
 * 1 to 96 characters, no {@code --} or {@code ..}, not starting or ending with {@code -} or {@code .}.
 * A new repository (and a new user) also may not take a {@linkplain #RESERVED_OWNERS reserved owner}
 * name, and a new repository's name may not end with {@code .git} ({@link #checkNew}).
 *
 * <pre>{@code
 * RepoId id = RepoId.of(RepoType.MODEL, "alice/tiny-resnet");   // any existing repository
 * RepoId.of(RepoType.MODEL, "alice/new-model").checkNew();      // one that is to be created
 * }</pre>
 *
 * @param type  model or data set
 * @param owner the user or organisation
 * @param name  the repository's name under its owner
 */
public record RepoId(RepoType type, String owner, String name) {
    /** Longest owner and longest name, in characters. */
    public static final int MAX_PART_CHARS = 96;

    /** Owner and name: a letter, digit or '_' at both ends (the Hub's word boundaries), '-' and '.' inside. */
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_]|[A-Za-z0-9_][A-Za-z0-9_.-]{0," + (MAX_PART_CHARS - 2) + "}[A-Za-z0-9_]");

    /** The rule as a user reads it, for the fix of every refusal. */
    private static final String PART_RULE =
            "use 1-96 letters, digits, '-', '_' or '.', without '--' or '..', not starting or ending with '-' or '.'";
    private static final String FORM = "write it as owner/name, e.g. alice/mnist-resnet";

    /**
     * Owner names a user or repository may not take: the server's own first path segments (API, data sets,
     * static files, web pages) and the Hub's, so that a URL never means two things. Compared ignoring case.
     */
    public static final Set<String> RESERVED_OWNERS = Set.of("api", "datasets", "models", "spaces", "static", "lfs", "settings",
            "new", "docs", "organizations", "collections", "login", "logout", "join", "search", "papers", "blog", "pricing");

    /** Checks both parts; a {@link HubProtocolException} names the part that is wrong. */
    public RepoId {
        for (String part : new String[] {owner, name}) {
            if (!isValidPart(part)) {
                throw new HubProtocolException("repository name '" + printable(owner) + "/" + printable(name)
                        + "' has an invalid part '" + printable(part) + "'", PART_RULE);
            }
        }
    }

    /** Parses {@code owner/name}; a {@link HubProtocolException} says what is wrong. */
    public static RepoId of(RepoType type, String id) {
        if (id == null || id.isEmpty()) {
            throw new HubProtocolException("empty repository name", FORM);
        }
        int slash = id.indexOf('/');
        if (slash < 0 || id.indexOf('/', slash + 1) >= 0) {
            throw new HubProtocolException("repository name '" + printable(id) + "' is not owner/name", FORM);
        }
        return new RepoId(type, id.substring(0, slash), id.substring(slash + 1));
    }

    /** Whether one part (an owner, a name, a user name) follows the rule. */
    public static boolean isValidPart(String part) {
        return part != null && PART.matcher(part).matches() && !part.contains("--") && !part.contains("..");
    }

    /**
     * Checks one part on its own (a user name, or the bare name of an old owner-less repository) and returns
     * it; {@code what} names it in the message ("owner", "user name").
     */
    public static String checkPart(String part, String what) {
        if (!isValidPart(part)) {
            throw new HubProtocolException("invalid " + what + " '" + printable(part) + "'", PART_RULE);
        }
        return part;
    }

    /** Checks a name a new repository or user may take as owner: reserved owner names are refused (any case). */
    public static String checkNewOwner(String owner) {
        checkPart(owner, "owner");
        if (RESERVED_OWNERS.contains(owner.toLowerCase(Locale.ROOT))) {
            throw new HubProtocolException("the name '" + owner + "' is reserved (it is a path of the server)", "choose another");
        }
        return owner;
    }

    /**
     * Checks the name may be taken by a new repository: its owner is not reserved ({@link #checkNewOwner})
     * and its name does not end with {@code .git} (it would read as the Git LFS endpoint). Returns this.
     */
    public RepoId checkNew() {
        checkNewOwner(owner);
        if (name.toLowerCase(Locale.ROOT).endsWith(".git")) {
            throw new HubProtocolException("invalid repository name '" + id() + "': a name may not end with '.git'",
                    "choose a name without it");
        }
        return this;
    }

    /** {@code owner/name}. */
    public String id() {
        return owner + "/" + name;
    }

    /** URL path of the repository on the web: {@code owner/name} or {@code datasets/owner/name}. */
    public String urlPath() {
        return type.urlPrefix() + id();
    }

    /**
     * The text with control characters replaced by {@code ?} and cut at 120 characters, for error messages
     * (a message goes into an HTTP header and a terminal, where control characters do harm).
     */
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
