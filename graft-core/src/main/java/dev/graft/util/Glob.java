package dev.graft.util;

import java.util.regex.Pattern;

/**
 * Shell-style wildcard patterns with Python's {@code fnmatch} semantics, as timm's
 * {@code list_models('resnet*')} and huggingface_hub's allow/ignore patterns use them: {@code *} is
 * any run of characters (also across '/'), {@code ?} one character, {@code [seq]} one of a set and
 * {@code [!seq]} one not in it; everything else is literal; matching is case-sensitive and covers
 * the whole string.
 *
 * <pre>{@code
 * Glob.matches("resnet*", "resnet50");          // true
 * Glob.matches("*.safetensors", "a/b.safetensors"); // true
 * Pattern p = Glob.compile("model-[!a-z].bin");
 * }</pre>
 */
public final class Glob {
    private Glob() {}

    /** Whether {@code text} as a whole matches {@code glob}. */
    public static boolean matches(String glob, String text) {
        return compile(glob).matcher(text).matches();
    }

    /** The glob as a regular expression to match whole strings with ({@code Matcher.matches}). */
    public static Pattern compile(String glob) {
        return Pattern.compile(toRegex(glob), Pattern.DOTALL);
    }

    /** Python's {@code fnmatch.translate} without its anchors. */
    public static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        int n = glob.length();
        while (i < n) {
            char c = glob.charAt(i++);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (c == '[') {
                // As fnmatch: a ']' right after '[' or '[!' belongs to the set; no closing ']' means a literal '['.
                int j = i;
                if (j < n && glob.charAt(j) == '!') {
                    j++;
                }
                if (j < n && glob.charAt(j) == ']') {
                    j++;
                }
                while (j < n && glob.charAt(j) != ']') {
                    j++;
                }
                if (j >= n) {
                    re.append("\\[");
                } else {
                    // Java reads '[' and "&&" inside a set as nested sets and intersections; fnmatch does not.
                    String body = glob.substring(i, j).replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&");
                    i = j + 1;
                    if (body.startsWith("!")) {
                        body = "^" + body.substring(1);
                    } else if (body.startsWith("^")) {
                        body = "\\" + body;
                    }
                    re.append('[').append(body).append(']');
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }
}
