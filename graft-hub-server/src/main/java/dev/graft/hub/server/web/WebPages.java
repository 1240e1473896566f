package dev.graft.hub.server.web;

import static dev.graft.hub.server.web.Html.esc;
import static dev.graft.hub.server.web.Html.q;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.HubError;
import dev.graft.hub.server.HubService;
import dev.graft.hub.server.Principal;
import dev.graft.hub.server.card.ModelCard;
import dev.graft.hub.server.dataset.DatasetViewer;
import dev.graft.hub.server.index.RepoQuery;
import dev.graft.hub.server.index.RepoRecord;
import dev.graft.hub.server.store.Commit;
import dev.graft.hub.server.store.FileEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's web pages, rendered on the server: the list of models and data sets (search, tag filter,
 * sort) and a repository page (rendered card, files, history, how to use). Every user value is
 * escaped; card markdown is rendered with raw HTML escaped.
 */
public final class WebPages {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final String CSS = resource("hub.css");
    private static final String JS = resource("hub.js");

    private final HubService hub;
    private final DatasetViewer viewer;

    public WebPages(HubService hub) {
        this.hub = hub;
        this.viewer = new DatasetViewer(hub.store().blobs());
    }

    private static String resource(String name) {
        try (InputStream in = WebPages.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing web resource " + name, e);
        }
    }

    /** A request routed by the server: method, decoded path segments, query parameters. */
    public interface Page {
        String method();

        List<String> segments();

        String param(String name);

        void send(int status, String contentType, byte[] body) throws IOException;

        /** {@code http://host:port} as the browser addressed this server (what clients should use too). */
        String baseUrl();
    }

    /** Answers the request if it is a web page; {@code false} otherwise. */
    public boolean handle(Page ex, Principal who) throws IOException {
        if (!ex.method().equals("GET") && !ex.method().equals("HEAD")) {
            return false;
        }
        List<String> s = ex.segments();
        if (s.isEmpty() || (s.size() == 1 && (s.get(0).equals("models") || s.get(0).equals("datasets")))) {
            RepoType type = !s.isEmpty() && s.get(0).equals("datasets") ? RepoType.DATASET : RepoType.MODEL;
            html(ex, 200, listPage(ex, who, type));
            return true;
        }
        if (s.size() == 2 && s.get(0).equals("static")) {
            if (s.get(1).equals("hub.css")) {
                ex.send(200, "text/css; charset=utf-8", CSS.getBytes(StandardCharsets.UTF_8));
                return true;
            }
            if (s.get(1).equals("hub.js")) {
                ex.send(200, "text/javascript; charset=utf-8", JS.getBytes(StandardCharsets.UTF_8));
                return true;
            }
            return false;
        }
        int base = s.get(0).equals("datasets") ? 1 : 0;
        RepoType type = base == 1 ? RepoType.DATASET : RepoType.MODEL;
        if (s.size() == base + 2 || (s.size() >= base + 4 && (s.get(base + 2).equals("tree") || s.get(base + 2).equals("commit")))) {
            RepoId id = new RepoId(type, s.get(base), s.get(base + 1));
            String rev = s.size() >= base + 4 ? s.get(base + 3) : "main";
            try {
                html(ex, 200, repoPage(id, who, rev, ex.baseUrl()));
            } catch (HubError e) {
                if (e.status() != 404) {
                    throw e;
                }
                html(ex, 404, layout("Not found", "<main class=\"narrow\"><h1>Not found</h1><p>" + esc(e.getMessage()) + "</p></main>"));
            }
            return true;
        }
        return false;
    }

    private static void html(Page ex, int status, String body) throws IOException {
        ex.send(status, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static String layout(String title, String main) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + " · Graft Hub</title><link rel=\"stylesheet\" href=\"/static/hub.css\"></head><body>"
                + "<header class=\"top\"><a class=\"brand\" href=\"/\">Graft Hub</a><nav><a href=\"/models\">Models</a>"
                + "<a href=\"/datasets\">Data sets</a></nav></header>" + main
                + "<script src=\"/static/hub.js\"></script></body></html>";
    }

    private String listPage(Page ex, Principal who, RepoType type) {
        String search = ex.param("search");
        String tag = ex.param("tag");
        String sort = "lastModified".equals(ex.param("sort")) ? "lastModified" : "downloads";
        List<RepoRecord> repos = hub.index().list(new RepoQuery(type.singular(), search, null,
                tag == null || tag.isBlank() ? List.of() : List.of(tag), sort, true, who == null ? null : who.user(), 0, 200));
        Map<String, Integer> tagCounts = new LinkedHashMap<>();
        for (RepoRecord r : repos) {
            for (String t : r.tags()) {
                tagCounts.merge(t, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> topTags = new ArrayList<>(tagCounts.entrySet());
        topTags.sort((a, b) -> b.getValue() != a.getValue().intValue() ? b.getValue() - a.getValue() : a.getKey().compareTo(b.getKey()));
        String self = "/" + type.plural();
        StringBuilder b = new StringBuilder();
        b.append("<main><section class=\"search\"><h1>").append(type == RepoType.MODEL ? "Models" : "Data sets").append("</h1>");
        b.append("<form method=\"get\" action=\"").append(self).append("\" id=\"search-form\">");
        b.append("<input type=\"search\" name=\"search\" id=\"search\" placeholder=\"Search by name\" value=\"").append(esc(search)).append("\">");
        if (tag != null && !tag.isBlank()) {
            b.append("<input type=\"hidden\" name=\"tag\" value=\"").append(esc(tag)).append("\">");
        }
        b.append("<select name=\"sort\" id=\"sort\"><option value=\"downloads\"").append(sort.equals("downloads") ? " selected" : "")
                .append(">Most downloads</option><option value=\"lastModified\"").append(sort.equals("lastModified") ? " selected" : "")
                .append(">Recently updated</option></select><button type=\"submit\">Search</button></form>");
        b.append("<div class=\"tags\" id=\"tag-filters\">");
        if (tag != null && !tag.isBlank()) {
            b.append("<a class=\"tag active\" href=\"").append(self).append("?search=").append(q(search)).append("&amp;sort=").append(sort)
                    .append("\" title=\"remove filter\">").append(esc(tag)).append(" ✕</a>");
        }
        for (Map.Entry<String, Integer> t : topTags.subList(0, Math.min(24, topTags.size()))) {
            if (t.getKey().equals(tag)) {
                continue;
            }
            b.append("<a class=\"tag\" href=\"").append(self).append("?tag=").append(q(t.getKey())).append("&amp;search=").append(q(search))
                    .append("&amp;sort=").append(sort).append("\">").append(esc(t.getKey())).append(" <span>").append(t.getValue()).append("</span></a>");
        }
        b.append("</div></section><section class=\"results\"><p class=\"count\">").append(repos.size())
                .append(repos.size() == 1 ? " repository" : " repositories").append("</p><ul class=\"repos\" id=\"repo-list\">");
        for (RepoRecord r : repos) {
            String href = "/" + type.urlPrefix() + Html.path(r.id());
            b.append("<li class=\"repo\"><a class=\"repo-link\" href=\"").append(href).append("\">").append(esc(r.id())).append("</a>");
            if (r.isPrivate()) {
                b.append(" <span class=\"badge\">private</span>");
            }
            b.append("<div class=\"meta\">");
            if (r.pipelineTag() != null) {
                b.append("<span>").append(esc(r.pipelineTag())).append("</span> · ");
            }
            b.append("updated ").append(DATE.format(Instant.ofEpochMilli(r.lastModified()))).append(" · ")
                    .append(r.downloads()).append(" downloads</div></li>");
        }
        if (repos.isEmpty()) {
            b.append("<li class=\"empty\">Nothing matches. Publish one with <code>./graft hub push DIR owner/name</code>.</li>");
        }
        b.append("</ul></section></main>");
        return layout(type == RepoType.MODEL ? "Models" : "Data sets", b.toString());
    }

    private String repoPage(RepoId id, Principal who, String revision, String endpoint) throws IOException {
        var meta = hub.readable(id, who);
        Commit c = hub.store().commitAt(id, revision);
        ModelCard card;
        String cardError = null;
        try {
            card = hub.card(id, c);
        } catch (HubError e) {
            card = ModelCard.empty();
            cardError = e.getMessage();
        }
        RepoRecord r = hub.index().get(id.type().singular(), id.id());
        StringBuilder b = new StringBuilder("<main class=\"repo-page\">");
        b.append("<h1 id=\"repo-title\"><span class=\"kind\">").append(id.type() == RepoType.MODEL ? "model" : "data set").append("</span> ")
                .append(esc(id.id())).append("</h1>");
        b.append("<div class=\"tags\">");
        if (meta.isPrivate()) {
            b.append("<span class=\"badge\">private</span>");
        }
        for (String t : card.tags()) {
            b.append("<a class=\"tag\" href=\"/").append(id.type().plural()).append("?tag=").append(q(t)).append("\">").append(esc(t)).append("</a>");
        }
        b.append("</div><p class=\"meta\">revision <code>").append(esc(revision)).append("</code> · commit <code>").append(c.id(), 0, 10)
                .append("</code> · ").append(r == null ? 0 : r.downloads()).append(" downloads</p>");
        // Clients find this server through GRAFT_ENDPOINT (or the graft.endpoint system property), so the
        // snippets name it: copied as they are, they pull from here and not from a default endpoint.
        String pull = "GRAFT_ENDPOINT=" + endpoint + " ./graft hub pull " + (id.type() == RepoType.DATASET ? "--type dataset " : "") + id.id();
        String setEndpoint = "System.setProperty(\"graft.endpoint\", \"" + endpoint + "\"); // or set GRAFT_ENDPOINT\n";
        // A Graft model (what graft hub push publishes: config.json and safetensors weights) loads by its
        // hf-hub: name; anything else is fetched as files.
        boolean graftModel = id.type() == RepoType.MODEL && c.file("config.json") != null
                && c.files().stream().anyMatch(f -> f.path().endsWith(".safetensors"));
        String java = setEndpoint + (graftModel
                ? "GraftModel model = Zoo.create(\"hf-hub:" + id.id() + "\");"
                : "Path dir = new Hub().snapshot(RepoType." + (id.type() == RepoType.MODEL ? "MODEL" : "DATASET") + ", \""
                        + id.id() + "\", \"main\", List.of());");
        b.append("<section class=\"usage\"><h2>How to use</h2>");
        snippet(b, "usage-cli", "Command line", pull);
        snippet(b, "usage-java", "Java", java);
        b.append("</section>");
        if (id.type() == RepoType.DATASET) {
            viewer(b, id, c, card);
        }
        b.append("<div class=\"columns\"><section class=\"card\" id=\"card\"><h2>").append(id.type() == RepoType.MODEL ? "Model card" : "Data set card").append("</h2>");
        if (cardError != null) {
            b.append("<p class=\"error\">").append(esc(cardError)).append("</p>");
        }
        if (card.body().isBlank()) {
            b.append("<p class=\"empty\">No card yet: add a README.md.</p>");
        } else {
            b.append("<article class=\"markdown\">").append(card.html()).append("</article>");
        }
        b.append("</section><aside>");
        b.append("<section class=\"files\"><h2>Files</h2><table id=\"files\"><tbody>");
        long total = 0;
        for (FileEntry f : c.files()) {
            total += f.size();
            String href = "/" + id.urlPath() + "/resolve/" + q(c.id()) + "/" + Html.path(f.path());
            b.append("<tr><td><a href=\"").append(esc(href)).append("\">").append(esc(f.path())).append("</a>")
                    .append(f.lfs() ? " <span class=\"badge\">LFS</span>" : "").append("</td><td class=\"size\">")
                    .append(Html.size(f.size())).append("</td></tr>");
        }
        b.append("</tbody><tfoot><tr><td>").append(c.files().size()).append(" files</td><td class=\"size\">").append(Html.size(total))
                .append("</td></tr></tfoot></table></section>");
        b.append("<section class=\"history\"><h2>History</h2><ol id=\"history\">");
        for (Commit h : hub.store().history(id, c.id(), 0, 20)) {
            b.append("<li><a href=\"/").append(id.urlPath()).append("/commit/").append(h.id()).append("\"><code>").append(h.id(), 0, 8)
                    .append("</code></a> ").append(esc(h.title())).append("<div class=\"meta\">").append(esc(h.author())).append(" · ")
                    .append(DATE.format(Instant.ofEpochMilli(h.time()))).append("</div></li>");
        }
        b.append("</ol></section></aside></div></main>");
        return layout(id.id(), b.toString());
    }

    /** The data viewer: split sizes, features and the first rows (images as thumbnails, text as text). */
    private void viewer(StringBuilder b, RepoId id, Commit c, ModelCard card) {
        DatasetViewer.View v;
        try {
            v = viewer.view(c, card.data());
        } catch (HubError e) {
            b.append("<section class=\"viewer\" id=\"viewer\"><h2>Data viewer</h2><p class=\"error\">").append(esc(e.getMessage()))
                    .append("</p></section>");
            return;
        }
        b.append("<section class=\"viewer\" id=\"viewer\"><h2>Data viewer</h2>");
        if (v.splits().isEmpty()) {
            b.append("<p class=\"empty\" id=\"no-splits\">No split files found: name them train*, validation*, test* "
                    + "(e.g. data/train-00000-of-00001.parquet) or list them under configs: data_files in README.md.</p></section>");
            return;
        }
        b.append("<table id=\"splits\"><thead><tr><th>config</th><th>split</th><th>rows</th><th>files</th></tr></thead><tbody>");
        for (DatasetViewer.SplitView s : v.splits()) {
            b.append("<tr><td>").append(esc(s.config())).append("</td><td class=\"split\">").append(esc(s.split())).append("</td><td class=\"rows\">")
                    .append(s.rows() == null ? "?" : String.format(java.util.Locale.ROOT, "%,d", s.rows())).append("</td><td>")
                    .append(s.files().size()).append("</td></tr>");
        }
        b.append("</tbody></table>");
        if (!v.features().isEmpty()) {
            b.append("<h3>Features</h3><table id=\"features\"><tbody>");
            for (DatasetViewer.Feature f : v.features()) {
                b.append("<tr><td class=\"name\"><code>").append(esc(f.name())).append("</code></td><td class=\"type\">").append(esc(f.type()))
                        .append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        if (v.error() != null) {
            b.append("<p class=\"error\" id=\"viewer-error\">").append(esc(v.error())).append("</p>");
        }
        if (!v.rows().isEmpty()) {
            b.append("<h3>First rows of <code>").append(esc(v.split())).append("</code></h3><div class=\"scroll\"><table id=\"preview\"><thead><tr>");
            v.columns().forEach(col -> b.append("<th>").append(esc(col)).append("</th>"));
            b.append("</tr></thead><tbody>");
            for (List<DatasetViewer.Cell> row : v.rows()) {
                b.append("<tr>");
                for (DatasetViewer.Cell cell : row) {
                    if (cell.image() == null) {
                        b.append("<td>").append(esc(cell.text())).append("</td>");
                    } else {
                        String src = cell.image().startsWith("data:") ? cell.image() : "/" + id.urlPath() + "/" + Html.path(cell.image());
                        b.append("<td><img class=\"thumb\" alt=\"\" src=\"").append(esc(src)).append("\"></td>");
                    }
                }
                b.append("</tr>");
            }
            b.append("</tbody></table></div>");
        }
        b.append("</section>");
    }

    private static void snippet(StringBuilder b, String id, String label, String code) {
        b.append("<div class=\"snippet\"><span class=\"label\">").append(label).append("</span><pre id=\"").append(id).append("\"><code>")
                .append(esc(code)).append("</code></pre><button type=\"button\" class=\"copy\" data-copy=\"").append(id)
                .append("\">Copy</button></div>");
    }
}
