package dev.graft.hub.server.store;

import dev.graft.hub.server.HubError;
import java.util.regex.Pattern;

/** Validation of file paths inside a repository and of branch and tag names. */
public final class RepoPaths {
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

    private RepoPaths() {}

    /**
     * Checks a file path: relative, {@code /}-separated, no empty, {@code .} or {@code ..} segment, no
     * backslash, NUL or control character, not inside {@code .git/}, at most 1024 characters.
     */
    public static String checkFile(String path) {
        String why = problem(path);
        if (why != null) {
            throw HubError.badRequest("invalid file path '" + RepoId.printable(path) + "': " + why);
        }
        return path;
    }

    private static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "empty path";
        }
        if (path.length() > 1024) {
            return "longer than 1024 characters";
        }
        if (path.startsWith("/")) {
            return "absolute paths are not allowed; use a path relative to the repository root";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == 0) {
                return "NUL bytes are not allowed";
            }
            if (c == '\\') {
                return "backslashes are not allowed; separate folders with '/'";
            }
            if (c < 0x20 || c == 0x7f) {
                return "control characters are not allowed";
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "empty, '.' and '..' segments are not allowed";
            }
        }
        if (path.equals(".git") || path.startsWith(".git/")) {
            return "'.git' is reserved";
        }
        return null;
    }

    /** Checks a branch or tag name (letters, digits, {@code . _ - /}, no {@code ..}, not 40 hex digits). */
    public static String checkRef(String name) {
        if (name == null || name.length() > 200 || !REF.matcher(name).matches() || name.contains("..")
                || isCommitId(name) || name.endsWith(".lock")) {
            throw HubError.badRequest("invalid branch or tag name '" + RepoId.printable(name)
                    + "': use letters, digits, '.', '_', '-' and '/' (not 40 hex digits, no '..')");
        }
        return name;
    }

    /** Whether the text looks like a full commit id. */
    public static boolean isCommitId(String s) {
        return s != null && HEX40.matcher(s).matches();
    }
}
