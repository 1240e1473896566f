package dev.graft.hub;

import dev.graft.GraftException;
import dev.graft.util.Glob;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Names and paths as the Hugging Face Hub spells them: repository ids, paths inside a repository,
 * revisions, URL quoting, and fnmatch-style file patterns.
 */
public final class RepoPaths {
    /** {@code owner/name}: letters, digits, '-', '_', '.'; no leading '-' or '.', no "--" or "..". */
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,95}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private RepoPaths() {}

    /** Checks {@code owner/name} and returns it; a {@link GraftException} names what is wrong. */
    public static String checkRepoId(String repo) {
        if (repo == null || repo.isBlank()) {
            throw new GraftException("empty repository name", "write it as owner/name, e.g. alice/mnist-resnet");
        }
        String[] parts = repo.split("/", -1);
        if (parts.length != 2) {
            throw new GraftException("repository name '" + repo + "' is not of the form owner/name",
                    "write it as owner/name, e.g. alice/mnist-resnet");
        }
        for (String p : parts) {
            if (!PART.matcher(p).matches() || p.contains("--") || p.contains("..") || p.endsWith(".")) {
                throw new GraftException("repository name '" + repo + "' has an invalid part '" + p + "'",
                        "use letters, digits, '-', '_' and '.' (no leading '-' or '.', no '--' or '..')");
            }
        }
        return repo;
    }

    /**
     * Like {@link #checkRepoId} but also accepts a bare {@code name}: the Hugging Face Hub still
     * serves a few old repositories without an owner (e.g. {@code gpt2}), so reads allow it.
     */
    public static String checkReadableRepoId(String repo) {
        if (repo != null && !repo.contains("/") && PART.matcher(repo).matches() && !repo.contains("--")
                && !repo.contains("..") && !repo.endsWith(".")) {
            return repo;
        }
        return checkRepoId(repo);
    }

    /** Checks a relative, forward-slash path inside a repository and returns it. */
    public static String checkPathInRepo(String path) {
        if (path == null || path.isEmpty()) {
            throw new GraftException("empty path in repository", "name the file, e.g. config.json");
        }
        if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0 || path.startsWith("/")) {
            throw new GraftException("invalid path in repository '" + path.replace('\0', '?') + "'",
                    "use a relative path with '/' separators and no NUL bytes");
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new GraftException("invalid path in repository '" + path + "'",
                        "no empty, '.' or '..' segments");
            }
        }
        return path;
    }

    /** True for a full 40-hex commit sha (then no ref lookup is needed). */
    public static boolean isCommitSha(String revision) {
        return revision != null && COMMIT.matcher(revision).matches();
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
