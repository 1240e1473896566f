package dev.graft.hub.protocol;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * The rules for file paths inside a repository and for branch and tag names, as the server enforces
 * them on every commit and the client checks them before it sends one.
 *
 * <pre>{@code
 * String stored = RepoPaths.checkFile("weights/model.safetensors");
 * RepoPaths.checkRef("v1.0");
 * }</pre>
 */
public final class RepoPaths {
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

    private RepoPaths() {}

    /**
     * Checks a file path: relative, {@code /}-separated, no empty, {@code .} or {@code ..} segment, no
     * backslash, NUL or control character, no bidirectional or zero-width formatting character, no
     * segment over 255 UTF-8 bytes, not inside {@code .git/}, at most 1024 characters. Returns the path in
     * Unicode NFC, the form it is stored and looked up in (so an NFD spelling names the same file).
     */
    public static String checkFile(String path) {
        String nfc = path == null ? null : Normalizer.normalize(path, Normalizer.Form.NFC);
        String why = problem(nfc);
        if (why != null) {
            throw new HubProtocolException("invalid file path '" + RepoId.printable(path) + "'", why);
        }
        return nfc;
    }

    /** Longest path segment in UTF-8 bytes: what common file systems allow for one file name. */
    public static final int MAX_SEGMENT_BYTES = 255;

    /**
     * Invisible characters that change how a path reads without changing how it looks: bidirectional
     * overrides, embeddings, isolates and marks, zero-width spaces and joiners, the byte-order mark,
     * line and paragraph separators.
     */
    private static boolean isInvisibleControl(int c) {
        return (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x061C || c == 0x2060 || c == 0xFEFF || c == 0x2028 || c == 0x2029 || c == 0x180E;
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
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return "control characters are not allowed";
            }
            if (isInvisibleControl(c)) {
                return String.format("the invisible formatting character U+%04X (bidirectional or zero-width) is not allowed", (int) c);
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < path.length()
                    && Character.isLowSurrogate(path.charAt(i + 1))) && !(Character.isLowSurrogate(c) && i > 0
                    && Character.isHighSurrogate(path.charAt(i - 1)))) {
                return "the path is not valid Unicode (a lone surrogate)";
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "empty, '.' and '..' segments are not allowed";
            }
            int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_SEGMENT_BYTES) {
                return "the name '" + RepoId.printable(segment.substring(0, Math.min(40, segment.length()))) + "...' is " + bytes
                        + " bytes in UTF-8, over the " + MAX_SEGMENT_BYTES + " that file systems allow for one name";
            }
        }
        if (path.equals(".git") || path.startsWith(".git/")) {
            return "'.git' is reserved";
        }
        return null;
    }

    /**
     * Checks a branch or tag name with git's rules ({@code git check-ref-format --branch}) and refuses names
     * that would make a revision ambiguous: letters, digits, {@code . _ - /}; no empty part, no part
     * starting with {@code .} or ending with {@code .lock}, no {@code ..}; not starting with {@code -},
     * not ending with {@code .}; not {@code HEAD}, not {@code refs} or {@code refs/...} (revisions may be
     * spelled {@code refs/heads/x}), not 40 hex digits (a commit id); at most 200 characters.
     */
    public static String checkRef(String name) {
        String why = refProblem(name);
        if (why != null) {
            throw new HubProtocolException("invalid branch or tag name '" + RepoId.printable(name) + "'", why);
        }
        return name;
    }

    /**
     * Checks the name of a ref to look up or delete: only that it is safe as a path under {@code refs/}
     * (names created before a rule was added stay deletable).
     */
    public static String checkExistingRef(String name) {
        if (name == null || name.length() > 200 || !REF.matcher(name).matches() || name.contains("..")) {
            throw new HubProtocolException("invalid branch or tag name '" + RepoId.printable(name) + "'",
                    "use letters, digits, '.', '_', '-' and '/' between non-empty parts");
        }
        return name;
    }

    private static String refProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "the name is empty";
        }
        if (name.length() > 200) {
            return "longer than 200 characters";
        }
        if (!REF.matcher(name).matches()) {
            return "use letters, digits, '.', '_', '-' and '/' between non-empty parts";
        }
        if (name.contains("..")) {
            return "'..' is not allowed";
        }
        if (name.startsWith("-")) {
            return "a name may not start with '-' (it would read as a command-line option)";
        }
        if (name.endsWith(".")) {
            return "a name may not end with '.'";
        }
        for (String part : name.split("/")) {
            if (part.startsWith(".") || part.endsWith(".lock")) {
                return "no part may start with '.' or end with '.lock'";
            }
        }
        if (name.equals("HEAD")) {
            return "HEAD names the main branch's head already";
        }
        if (name.equals("refs") || name.startsWith("refs/")) {
            return "'refs/...' is how revisions are spelled in full (refs/heads/x, refs/tags/x); drop the prefix";
        }
        if (isCommitId(name)) {
            return "40 hex digits read as a commit id";
        }
        return null;
    }

    /** Whether the text looks like a full commit id. */
    public static boolean isCommitId(String s) {
        return s != null && HEX40.matcher(s).matches();
    }
}
