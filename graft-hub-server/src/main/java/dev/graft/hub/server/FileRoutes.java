package dev.graft.hub.server;

import static dev.graft.hub.server.Requests.ISO;
import static dev.graft.hub.server.Requests.isTrue;
import static dev.graft.hub.server.Requests.parseJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.hub.server.store.Commit;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.Hashes;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoPaths;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Routes of a repository's files: the tree, paths-info (with the commits that last changed each path) and file downloads. */
final class FileRoutes {
    private final HubService hub;

    FileRoutes(HubService hub) {
        this.hub = hub;
    }

    private ObjectNode fileNode(FileEntry f) {
        ObjectNode n = Exchange.JSON.createObjectNode();
        n.put("type", "file");
        n.put("oid", f.gitOid());
        n.put("size", f.size());
        n.put("path", f.path());
        putLfs(n, f, "oid");
        return n;
    }

    /** An LFS file's {@code lfs} object (nothing for a regular file); tree entries name its sha256 {@code oid}, siblings {@code sha256}. */
    static void putLfs(ObjectNode entry, FileEntry f, String shaField) {
        if (f.lfs()) {
            ObjectNode lfs = entry.putObject("lfs");
            lfs.put(shaField, f.sha256());
            lfs.put("size", f.size());
            lfs.put("pointerSize", f.pointerSize());
        }
    }

    private static ObjectNode dirNode(String path, List<FileEntry> inside) {
        StringBuilder b = new StringBuilder();
        for (FileEntry f : inside) {
            b.append(f.path()).append(' ').append(f.gitOid()).append('\n');
        }
        ObjectNode n = Exchange.JSON.createObjectNode();
        n.put("type", "directory");
        n.put("oid", Hashes.gitBlobSha1(b.toString().getBytes(StandardCharsets.UTF_8)));
        n.put("size", 0);
        n.put("path", path);
        return n;
    }

    private static List<FileEntry> under(Commit c, String dir) {
        List<FileEntry> out = new ArrayList<>();
        String prefix = dir.isEmpty() ? "" : dir + "/";
        for (FileEntry f : c.files()) {
            if (f.path().startsWith(prefix)) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * A path to look up in a commit: as it is if the commit has that file, else checked and in NFC (the
     * form new paths are stored in), so an NFD spelling finds the file and a malformed path is a 400.
     */
    private static String lookupPath(Commit c, String path) {
        if (c.file(path) != null) {
            return path;
        }
        return RepoPaths.checkFile(path);
    }

    void tree(Exchange ex, Principal who, RepoId id, String revision, String path) throws IOException {
        hub.readable(id, who);
        Commit c = hub.store().commitAt(id, revision);
        if (!path.isEmpty()) {
            path = lookupPath(c, path);
        }
        boolean recursive = "true".equalsIgnoreCase(ex.param("recursive")) || "1".equals(ex.param("recursive"));
        List<FileEntry> inside = under(c, path);
        if (inside.isEmpty()) {
            if (!path.isEmpty() && c.file(path) != null) {
                throw HubError.badRequest(path + " is a file, not a folder; use paths-info or resolve for files");
            }
            if (!path.isEmpty()) {
                throw HubError.notFound("EntryNotFound", "folder " + path + " not found in " + id + "@" + revision);
            }
        }
        String prefix = path.isEmpty() ? "" : path + "/";
        TreeMap<String, ObjectNode> entries = new TreeMap<>();
        for (FileEntry f : inside) {
            String rel = f.path().substring(prefix.length());
            String[] parts = rel.split("/");
            if (parts.length == 1) {
                entries.put(f.path(), fileNode(f));
            } else {
                String dir = prefix + parts[0];
                entries.computeIfAbsent(dir, d -> dirNode(d, under(c, d)));
                if (recursive) {
                    String sub = dir;
                    for (int i = 1; i < parts.length - 1; i++) {
                        sub = sub + "/" + parts[i];
                        String key = sub;
                        entries.computeIfAbsent(key, d -> dirNode(d, under(c, d)));
                    }
                    entries.put(f.path(), fileNode(f));
                }
            }
        }
        ArrayNode out = Exchange.JSON.createArrayNode();
        entries.values().forEach(out::add);
        ex.setHeader("X-Repo-Commit", c.id());
        ex.sendJson(200, out);
    }

    void pathsInfo(Exchange ex, Principal who, RepoId id, String revision) throws IOException {
        hub.readable(id, who);
        Commit c = hub.store().commitAt(id, revision);
        byte[] body = ex.smallBody(who);
        List<String> paths = new ArrayList<>();
        boolean expand = isTrue(ex.param("expand"));
        String contentType = ex.header("Content-Type");
        if (contentType != null && contentType.startsWith("application/json")) {
            JsonNode json = parseJson(body);
            JsonNode p = json == null ? null : json.get("paths");
            if (p != null && p.isArray()) {
                p.forEach(x -> paths.add(x.asText()));
            } else if (p != null && p.isTextual()) {
                paths.add(p.asText());
            }
            JsonNode e = json == null ? null : json.get("expand");
            expand |= e != null && (e.asBoolean(false) || isTrue(e.asText()));
        } else {
            Map<String, List<String>> form = Exchange.parseQuery(new String(body, StandardCharsets.UTF_8));
            paths.addAll(form.getOrDefault("paths", List.of()));
            expand |= form.getOrDefault("expand", List.of()).stream().anyMatch(Requests::isTrue);
        }
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        for (String path : paths) {
            String p = lookupPath(c, path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
            FileEntry f = c.file(p);
            if (f != null) {
                found.put(p, fileNode(f));
            } else if (!under(c, p).isEmpty()) {
                found.put(p, dirNode(p, under(c, p)));
            }
        }
        if (expand) {
            Map<String, Commit> last = lastCommits(id, c, found.keySet());
            found.forEach((p, node) -> {
                Commit lc = last.get(p);
                if (lc != null) {
                    node.putObject("lastCommit").put("id", lc.id()).put("title", lc.title())
                            .put("date", ISO.format(Instant.ofEpochMilli(lc.time())));
                }
            });
        }
        ArrayNode out = Exchange.JSON.createArrayNode();
        found.values().forEach(out::add);
        ex.setHeader("X-Repo-Commit", c.id());
        ex.sendJson(200, out);
    }

    /** How many first-parent commits one paths-info request may read to find the commits that last changed its paths. */
    static final int LAST_COMMIT_WALK = 5000;

    /**
     * For each path (file or folder) of {@code head}, the newest commit on its first-parent line that changed
     * it (as {@code git log -1 --first-parent -- path}). The history is walked once for all paths and stops as
     * soon as every path is settled; a path still unsettled after {@link #LAST_COMMIT_WALK} commits gets no
     * entry rather than a guess.
     */
    Map<String, Commit> lastCommits(RepoId id, Commit head, java.util.Collection<String> paths) {
        Map<String, Commit> out = new LinkedHashMap<>();
        Map<String, String> pending = new LinkedHashMap<>();
        TreeMap<String, FileEntry> newerTree = treeOf(head);
        for (String p : paths) {
            pending.put(p, signature(newerTree, p));
        }
        Commit newer = head;
        for (int step = 0; !pending.isEmpty() && step < LAST_COMMIT_WALK; step++) {
            if (newer.parent() == null) {
                // The first commit added everything it holds.
                for (String p : pending.keySet()) {
                    out.put(p, newer);
                }
                pending.clear();
                break;
            }
            Commit older = hub.store().readCommit(id, newer.parent());
            TreeMap<String, FileEntry> olderTree = treeOf(older);
            for (java.util.Iterator<Map.Entry<String, String>> it = pending.entrySet().iterator(); it.hasNext();) {
                Map.Entry<String, String> e = it.next();
                if (!e.getValue().equals(signature(olderTree, e.getKey()))) {
                    out.put(e.getKey(), newer);
                    it.remove();
                }
            }
            newer = older;
        }
        return out;
    }

    private static TreeMap<String, FileEntry> treeOf(Commit c) {
        TreeMap<String, FileEntry> tree = new TreeMap<>();
        for (FileEntry f : c.files()) {
            tree.put(f.path(), f);
        }
        return tree;
    }

    /** What a path is in a tree: a file's git id, or a folder's files and their ids; empty when absent. */
    private static String signature(TreeMap<String, FileEntry> tree, String path) {
        FileEntry f = tree.get(path);
        if (f != null) {
            return "file " + f.gitOid();
        }
        StringBuilder b = new StringBuilder();
        String prefix = path + "/";
        for (FileEntry inside : tree.subMap(prefix, prefix + Character.MAX_VALUE).values()) {
            b.append(inside.path()).append(' ').append(inside.gitOid()).append('\n');
        }
        return b.toString();
    }

    void resolve(Exchange ex, Principal who, RepoId id, String revision, String path, boolean raw) throws IOException {
        hub.readable(id, who);
        String commitId = hub.store().resolve(id, revision);
        Commit c = hub.store().readCommit(id, commitId);
        path = lookupPath(c, path);
        // Set before the lookup: a 404 for a missing file still names the commit (the error handler keeps
        // this header), so clients can cache the miss for that commit as they do with the Hugging Face Hub.
        ex.setHeader("X-Repo-Commit", commitId);
        ex.setHeader("Access-Control-Expose-Headers",
                "X-Repo-Commit, X-Linked-Etag, X-Linked-Size, ETag, Content-Range, Content-Length, X-Error-Code, X-Error-Message");
        FileEntry f = c.file(path);
        if (f == null) {
            throw HubError.notFound("EntryNotFound", "Entry not found: " + path + " in " + id + "@" + revision);
        }
        ex.setHeader("Accept-Ranges", "bytes");
        String name = path.substring(path.lastIndexOf('/') + 1);
        ex.setHeader("Content-Disposition", "inline; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        if (raw && f.lfs()) {
            // raw/ answers what git stores: the LFS pointer.
            byte[] pointer = FileEntry.lfsPointer(f.sha256(), f.size()).getBytes(StandardCharsets.UTF_8);
            String etag = "\"" + f.gitOid() + "\"";
            ex.setHeader("ETag", etag);
            if (etag.equals(ex.header("If-None-Match"))) {
                ex.sendEmpty(304);
                return;
            }
            ex.send(200, "text/plain; charset=utf-8", pointer);
            return;
        }
        String etag = "\"" + f.etag() + "\"";
        ex.setHeader("ETag", etag);
        if (f.lfs()) {
            ex.setHeader("X-Linked-Etag", etag);
            ex.setHeader("X-Linked-Size", Long.toString(f.size()));
        }
        String ifNoneMatch = ex.header("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.equals("*") || List.of(ifNoneMatch.split("\\s*,\\s*")).contains(etag)
                || List.of(ifNoneMatch.split("\\s*,\\s*")).contains("W/" + etag))) {
            ex.sendEmpty(304);
            return;
        }
        long size = f.size();
        ex.setHeader("Content-Type", contentType(name));
        // --s3-presign: the bytes come from the blob store itself, the client following without its token.
        java.net.URI presigned = ex.method.equals("GET") && size > 0 ? hub.presignedDownload(f.sha256(), name) : null;
        if (presigned != null) {
            ex.setHeader("Location", presigned.toString());
            ex.sendEmpty(302);
            if (ex.header("Range") == null) {
                hub.countDownload(id);
            }
            return;
        }
        long[] range = ifRangeAllows(ex.header("If-Range"), etag) ? parseRange(ex.header("Range"), size) : null;
        if (range == null) {
            ex.status(200);
            ex.sendBlob(hub.store().blobs(), f.sha256(), 0, size);
            if (ex.method.equals("GET")) {
                hub.countDownload(id);
            }
        } else if (range.length == 0) {
            ex.setHeader("Content-Range", "bytes */" + size);
            ex.send(416, "application/json; charset=utf-8",
                    Exchange.JSON.writeValueAsBytes(Map.of("error", "Requested range not satisfiable: the file has " + size + " bytes")));
        } else {
            ex.status(206);
            ex.setHeader("Content-Range", "bytes " + range[0] + "-" + range[1] + "/" + size);
            ex.sendBlob(hub.store().blobs(), f.sha256(), range[0], range[1] - range[0] + 1);
        }
    }

    private static String contentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json")) {
            return "application/json";
        }
        if (lower.endsWith(".md") || lower.endsWith(".txt") || lower.endsWith(".csv") || lower.endsWith(".gitattributes")
                || lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }

    private static final java.util.regex.Pattern BYTE_RANGE = java.util.regex.Pattern.compile(
            "(?i:bytes)[ \\t]*=[ \\t]*([0-9]*)[ \\t]*-[ \\t]*([0-9]*)[ \\t]*");

    /**
     * Parses a single {@code bytes=} range (RFC 9110 section 14.1): {@code null} to send the whole file (no
     * header, a syntactically invalid one, which a server ignores, or several ranges, which this server
     * does not split), an empty array for 416 (valid but unsatisfiable), or {first, last}.
     */
    static long[] parseRange(String header, long size) {
        if (header == null) {
            return null;
        }
        java.util.regex.Matcher m = BYTE_RANGE.matcher(header);
        if (!m.matches()) {
            return null;
        }
        String a = m.group(1);
        String b = m.group(2);
        if (a.isEmpty() && b.isEmpty()) {
            return null;
        }
        if (a.isEmpty()) {
            // Suffix range: the last n bytes; a zero length is valid syntax but selects nothing.
            long suffix = digits(b);
            if (suffix == 0 || size == 0) {
                return new long[0];
            }
            return new long[] {Math.max(0, size - suffix), size - 1};
        }
        long first = digits(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : digits(b);
        if (last < first) {
            return null; // invalid: ignore the header
        }
        if (first >= size) {
            return new long[0];
        }
        return new long[] {first, Math.min(last, size - 1)};
    }

    /** A run of decimal digits as a number, saturating at {@link Long#MAX_VALUE} (beyond any file size). */
    private static long digits(String s) {
        String trimmed = s.replaceFirst("^0+(?=.)", "");
        return trimmed.length() > 18 ? Long.MAX_VALUE : Long.parseLong(trimmed);
    }

    /**
     * Whether a range request may be answered with a part (RFC 9110 section 13.1.5): without
     * {@code If-Range} yes; with it only when it is this file's strong entity tag. A date never matches
     * here (no {@code Last-Modified} is sent), nor does a weak tag, so the whole file is sent instead.
     */
    static boolean ifRangeAllows(String ifRange, String etag) {
        return ifRange == null || ifRange.trim().equals(etag);
    }
}
