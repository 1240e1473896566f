package dev.graft.hub.server.card;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.graft.hub.server.HubError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * A model or data set card: {@code README.md} with YAML front matter between {@code ---} lines.
 * Known fields are checked for their types (as the Hugging Face Hub does on push) so a wrong card is
 * a clear 400 instead of a silently unindexed repository.
 *
 * <pre>{@code
 * ModelCard card = ModelCard.parse("---\nlicense: mit\ntags: [vision]\n---\n# My model\n");
 * card.tags();        // [vision, license:mit]
 * card.html();        // <h1>My model</h1>
 * }</pre>
 */
public final class ModelCard {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<org.commonmark.Extension> EXTENSIONS = List.of(org.commonmark.ext.gfm.tables.TablesExtension.create());
    private static final Parser MARKDOWN = Parser.builder().extensions(EXTENSIONS).build();
    // Raw HTML in a card is shown as text and unsafe link targets are dropped: cards come from users.
    private static final HtmlRenderer HTML = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true).sanitizeUrls(true).build();

    private final Map<String, Object> data;
    private final String body;

    private ModelCard(Map<String, Object> data, String body) {
        this.data = data;
        this.body = body;
    }

    /** An empty card (no README). */
    public static ModelCard empty() {
        return new ModelCard(Map.of(), "");
    }

    /** Parses and validates a README; 400 with the field and the fix when the front matter is wrong. */
    @SuppressWarnings("unchecked")
    public static ModelCard parse(String readme) {
        String text = readme.startsWith("\uFEFF") ? readme.substring(1) : readme;
        String normalized = text.replace("\r\n", "\n");
        if (!normalized.startsWith("---\n")) {
            return new ModelCard(Map.of(), text);
        }
        int end = normalized.indexOf("\n---", 3);
        while (end >= 0 && !(end + 4 == normalized.length() || normalized.charAt(end + 4) == '\n')) {
            end = normalized.indexOf("\n---", end + 4);
        }
        if (end < 0) {
            throw HubError.badRequest("README.md: the YAML front matter starting with '---' has no closing '---' line");
        }
        String yaml = normalized.substring(4, end + 1);
        if (yaml.length() > MAX_DATA_CHARS) {
            // Checked before parsing: the index could not hold it, and parsing megabytes of YAML costs seconds.
            throw HubError.badRequest("README.md: the YAML front matter is " + yaml.length() + " characters, over the limit of "
                    + MAX_DATA_CHARS + "; move long text into the card's markdown body");
        }
        String rest = end + 4 >= normalized.length() ? "" : normalized.substring(end + 5);
        Object parsed;
        try {
            parsed = yaml.isBlank() ? Map.of() : YAML.readValue(yaml, Object.class);
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw HubError.badRequest("README.md: the YAML front matter is malformed: " + msg);
        }
        if (parsed == null) {
            parsed = Map.of();
        }
        if (!(parsed instanceof Map<?, ?>)) {
            throw HubError.badRequest("README.md: the YAML front matter must be a mapping of fields (key: value)");
        }
        Map<String, Object> data = new LinkedHashMap<>((Map<String, Object>) parsed);
        validate(data);
        ModelCard card = new ModelCard(Collections.unmodifiableMap(data), rest);
        card.checkIndexable();
        return card;
    }

    /** Largest front matter, as JSON characters: the index keeps it whole for listings ({@code cardData}). */
    public static final int MAX_DATA_CHARS = 256 * 1024;
    /** Longest library, pipeline tag and license value the index keeps. */
    public static final int MAX_FIELD_CHARS = 200;
    /** Longest tag (after prefixes such as {@code dataset:}) and most tags the index keeps. */
    public static final int MAX_TAG_CHARS = 300;
    public static final int MAX_TAGS = 1000;

    /** Refuses, before anything is written, a card the index could not hold whole (400 naming the field). */
    private void checkIndexable() {
        int chars = dataJson().length();
        if (chars > MAX_DATA_CHARS) {
            throw HubError.badRequest("README.md: the YAML front matter is " + chars + " characters as JSON, over the limit of "
                    + MAX_DATA_CHARS + "; move long text into the card's markdown body");
        }
        for (String key : List.of("library_name", "pipeline_tag", "license")) {
            String v = string(key);
            if (v != null && v.length() > MAX_FIELD_CHARS) {
                throw HubError.badRequest("README.md: '" + key + "' is " + v.length() + " characters, over the limit of " + MAX_FIELD_CHARS);
            }
        }
        List<String> tags = tags();
        if (tags.size() > MAX_TAGS) {
            throw HubError.badRequest("README.md: the card makes " + tags.size() + " tags, over the limit of " + MAX_TAGS);
        }
        for (String t : tags) {
            if (t.length() > MAX_TAG_CHARS) {
                throw HubError.badRequest("README.md: the tag '" + t.substring(0, 40) + "...' is " + t.length()
                        + " characters, over the limit of " + MAX_TAG_CHARS);
            }
        }
    }

    private static void validate(Map<String, Object> d) {
        for (String key : List.of("license", "library_name", "pipeline_tag", "license_name", "license_link")) {
            requireString(d, key);
        }
        for (String key : List.of("tags", "datasets", "base_model", "metrics", "language")) {
            stringOrList(d, key);
        }
        Object index = d.get("model-index");
        if (index != null) {
            if (!(index instanceof List<?> list)) {
                throw HubError.badRequest("README.md: 'model-index' must be a list of {name, results} entries");
            }
            for (Object entry : list) {
                if (!(entry instanceof Map<?, ?> m) || !(m.get("name") instanceof String)) {
                    throw HubError.badRequest("README.md: each 'model-index' entry needs a 'name' (text)");
                }
                Object results = m.get("results");
                if (results != null && !(results instanceof List<?>)) {
                    throw HubError.badRequest("README.md: 'model-index[].results' must be a list");
                }
                if (results != null) {
                    for (Object r : (List<?>) results) {
                        if (!(r instanceof Map<?, ?> rm)) {
                            throw HubError.badRequest("README.md: each 'model-index[].results' entry must be a mapping with task, dataset and metrics");
                        }
                        Object metrics = rm.get("metrics");
                        if (metrics != null && !(metrics instanceof List<?>)) {
                            throw HubError.badRequest("README.md: 'model-index[].results[].metrics' must be a list of {type, value}");
                        }
                    }
                }
            }
        }
    }

    private static void requireString(Map<String, Object> d, String key) {
        Object v = d.get(key);
        if (v != null && !(v instanceof String)) {
            throw HubError.badRequest("README.md: '" + key + "' must be text, got " + describe(v));
        }
    }

    private static void stringOrList(Map<String, Object> d, String key) {
        Object v = d.get(key);
        if (v == null || v instanceof String) {
            return;
        }
        if (v instanceof List<?> list) {
            for (Object x : list) {
                if (!(x instanceof String)) {
                    throw HubError.badRequest("README.md: '" + key + "' must be a list of text, but holds " + describe(x));
                }
            }
            return;
        }
        throw HubError.badRequest("README.md: '" + key + "' must be text or a list of text, got " + describe(v));
    }

    private static String describe(Object v) {
        if (v == null) {
            return "an empty value (null or ~)";
        }
        if (v instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
    }

    /** The front matter (empty when there is none). */
    public Map<String, Object> data() {
        return data;
    }

    /** The front matter as JSON. */
    public String dataJson() {
        try {
            return JSON.writeValueAsString(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The markdown after the front matter. */
    public String body() {
        return body;
    }

    public String string(String key) {
        return data.get(key) instanceof String s ? s : null;
    }

    /** A text-or-list field as a list. */
    public List<String> list(String key) {
        Object v = data.get(key);
        if (v instanceof String s) {
            return List.of(s);
        }
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            for (Object x : l) {
                out.add((String) x);
            }
        }
        return out;
    }

    /**
     * Tags used by listing filters, named as the Hugging Face Hub names them, each once (cards often
     * repeat their library and pipeline tag under {@code tags}, as Graft's own cards do).
     */
    public List<String> tags() {
        Set<String> out = new LinkedHashSet<>(list("tags"));
        if (string("library_name") != null) {
            out.add(string("library_name"));
        }
        if (string("pipeline_tag") != null) {
            out.add(string("pipeline_tag"));
        }
        if (string("license") != null) {
            out.add("license:" + string("license"));
        }
        for (String d : list("datasets")) {
            out.add("dataset:" + d);
        }
        for (String b : list("base_model")) {
            out.add("base_model:" + b);
        }
        for (String l : list("language")) {
            out.add(l);
        }
        return new ArrayList<>(out);
    }

    /** The markdown body rendered as safe HTML. */
    public String html() {
        return HTML.render(MARKDOWN.parse(body));
    }
}
