package dev.graft.hub.server.web;

/** HTML escaping for text and attribute values. */
public final class Html {
    private Html() {}

    /** Escapes {@code & < > " '} so any text is safe inside elements and quoted attributes. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Percent-encodes a URL query value. */
    public static String q(String s) {
        return java.net.URLEncoder.encode(s == null ? "" : s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Percent-encodes each segment of a path, keeping the slashes. */
    public static String path(String p) {
        StringBuilder b = new StringBuilder();
        for (String seg : p.split("/", -1)) {
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(q(seg).replace("+", "%20"));
        }
        return b.toString();
    }

    /** Human-readable byte size. */
    public static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int i = -1;
        while (v >= 1000 && i < units.length - 1) {
            v /= 1000;
            i++;
        }
        return String.format(java.util.Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[i]);
    }
}
