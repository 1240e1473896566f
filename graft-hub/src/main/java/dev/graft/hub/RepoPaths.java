package dev.graft.hub;

import dev.graft.GraftException;
import dev.graft.hub.protocol.HubProtocolException;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.util.Glob;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Names and paths as the Hugging Face Hub spells them: repository ids, paths inside a repository,
 * revisions, URL quoting, and fnmatch-style file patterns. The rules for names and paths are the hub
 * protocol's ({@link RepoId}, {@link dev.graft.hub.protocol.RepoPaths}), the server's own: a name or
 * path this class accepts is not refused by the server for its spelling.
 */
public final class RepoPaths {
    private RepoPaths() {}

    /** Checks {@code owner/name} of a repository to write to and returns it; a {@link GraftException} names what is wrong. */
    public static String checkRepoId(String repo) {
        return checked(repo, r -> RepoId.of(RepoType.MODEL, r));
    }

    /**
     * Checks {@code owner/name} of a repository to create: also no reserved owner ({@code api/x}) and no
     * {@code .git} ending, as the server refuses them; returns it.
     */
    public static String checkNewRepoId(String repo) {
        return checked(repo, r -> RepoId.of(RepoType.MODEL, r).checkNew());
    }

    /**
     * Checks {@code owner/name} of a repository to read, or a bare {@code name}: the Hugging Face Hub still
     * serves a few old repositories without an owner (e.g. {@code gpt2}), so reads allow it.
     */
    public static String checkReadableRepoId(String repo) {
        return repo != null && !repo.contains("/") && RepoId.isValidPart(repo) ? repo : checkRepoId(repo);
    }

    /**
     * Checks a relative, forward-slash path inside a repository with the server's rules and returns it as
     * given (the server stores it in Unicode NFC; a download asks for the spelling the caller used).
     */
    public static String checkPathInRepo(String path) {
        return checked(path, dev.graft.hub.protocol.RepoPaths::checkFile);
    }

    /** Applies a protocol rule to {@code value} and returns the value unchanged, or the client's error. */
    private static String checked(String value, Consumer<String> rule) {
        try {
            rule.accept(value);
            return value;
        } catch (HubProtocolException e) {
            throw userError(e);
        }
    }

    /** A protocol rule broken, as the client reports user errors. */
    static GraftException userError(HubProtocolException e) {
        return new GraftException(e.getMessage(), e.fix(), e);
    }

    /** True for a full 40-hex commit sha (then no ref lookup is needed). */
    public static boolean isCommitSha(String revision) {
        return dev.graft.hub.protocol.RepoPaths.isCommitId(revision);
    }

    /** Quotes one URL path segment: everything but unreserved characters, '/' included ({@code refs%2Fpr%2F1}). */
    public static String quoteSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%7E", "~");
    }

    /** Quotes a path keeping '/' separators ({@code sub dir/a.txt} -> {@code sub%20dir/a.txt}). */
    public static String quotePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String seg : path.split("/", -1)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(quoteSegment(seg));
        }
        return sb.toString();
    }

    /** Quotes a query parameter value. */
    public static String quoteQuery(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Cache folder of a repository: {@code models--owner--name}. */
    public static String cacheFolderName(RepoType type, String repo) {
        return type.plural() + "--" + repo.replace("/", "--");
    }

    /**
     * fnmatch ({@link Glob}) as huggingface_hub uses it for allow/ignore patterns: {@code *} also
     * crosses '/', {@code ?} is one character, {@code [abc]} a class; a pattern ending in '/' means the folder.
     */
    public static boolean matches(String path, String pattern) {
        return Glob.matches(pattern.endsWith("/") ? pattern + "*" : pattern, path);
    }

    /** True when {@code patterns} is empty/null or any pattern matches. */
    public static boolean matchesAny(String path, List<String> patterns) {
        if (patterns == null || patterns.isEmpty()) {
            return true;
        }
        for (String p : patterns) {
            if (matches(path, p)) {
                return true;
            }
        }
        return false;
    }
}
