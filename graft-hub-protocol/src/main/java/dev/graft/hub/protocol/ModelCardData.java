package dev.graft.hub.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The YAML front matter of a model or data set card ({@code README.md} between {@code ---} lines) and the
 * schema the hub enforces on it, as the Hugging Face Hub does on push: text fields
 * ({@link #TEXT_FIELDS}), text-or-list fields ({@link #TEXT_OR_LIST_FIELDS}), the {@code model-index}
 * of evaluation results, and size limits so the index can hold the card whole.
 *
 * <pre>{@code
 * ModelCardData card = ModelCardData.parse("---\nlicense: mit\ntags: [vision]\n---\n# My model\n");
 * card.string("license");    // mit
 * card.filterTags();         // [vision, license:mit]
 * ModelCardData.read(text).validate();   // the same in two steps: read, then check the fields
 * }</pre>
 */
public final class ModelCardData {
    /** Largest front matter, as YAML and as JSON characters: the index keeps it whole for listings ({@code cardData}). */
    public static final int MAX_DATA_CHARS = 256 * 1024;
    /** Longest library, pipeline tag and license value the index keeps. */
    public static final int MAX_FIELD_CHARS = 200;
    /** Longest tag (after prefixes such as {@code dataset:}) the index keeps. */
    public static final int MAX_TAG_CHARS = 300;
    /** Most tags the index keeps for one card. */
    public static final int MAX_TAGS = 1000;
    /** Fields that must be text. */
    public static final List<String> TEXT_FIELDS = List.of("license", "library_name", "pipeline_tag", "license_name", "license_link",
            "model_name");
    /** Fields that must be text or a list of text ({@code metrics} names metrics; their values go in {@code model-index}). */
    public static final List<String> TEXT_OR_LIST_FIELDS = List.of("tags", "datasets", "base_model", "metrics", "language");

    private static final String FIX = "fix the front matter; docs/hub-server.md lists the fields and their types";
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> data;
    private final String body;

    private ModelCardData(Map<String, Object> data, String body) {
        this.data = data;
        this.body = body;
    }

    /** An empty card (no README). */
    public static ModelCardData empty() {
        return new ModelCardData(Map.of(), "");
    }

    /** A card of already parsed front matter (not yet validated) and a markdown body. */
    public static ModelCardData of(Map<String, ?> data, String body) {
        return new ModelCardData(Collections.unmodifiableMap(new LinkedHashMap<>(data)), body == null ? "" : body);
    }

    /** Reads and validates a README: {@link #read} then {@link #validate}. */
    public static ModelCardData parse(String readme) {
        return read(readme).validate();
    }

    /**
     * Splits a README into front matter and body and parses the YAML, without checking the fields; no front
     * matter gives an empty card. Refuses an unclosed block, YAML that does not parse or is not a mapping,
     * and front matter over {@link #MAX_DATA_CHARS}.
     */
    @SuppressWarnings("unchecked")
    public static ModelCardData read(String readme) {
        String text = readme.startsWith("\uFEFF") ? readme.substring(1) : readme;
        String normalized = text.replace("\r\n", "\n");
        if (!normalized.startsWith("---\n")) {
            return new ModelCardData(Map.of(), text);
        }
        int end = normalized.indexOf("\n---", 3);
        while (end >= 0 && !(end + 4 == normalized.length() || normalized.charAt(end + 4) == '\n')) {
            end = normalized.indexOf("\n---", end + 4);
        }
        if (end < 0) {
            throw new HubProtocolException("README.md: the YAML front matter starts with '---' but never ends",
                    "close it with a line holding only '---' (no closing '---' line was found)");
        }
        String yaml = normalized.substring(4, end + 1);
        if (yaml.length() > MAX_DATA_CHARS) {
            // Checked before parsing: the index could not hold it, and parsing megabytes of YAML costs seconds.
            throw tooLong(yaml.length(), "");
        }
        String rest = end + 4 >= normalized.length() ? "" : normalized.substring(end + 5);
        Object parsed;
        try {
            parsed = yaml.isBlank() ? Map.of() : YAML.readValue(yaml, Object.class);
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new HubProtocolException("README.md: the YAML front matter is malformed (not valid YAML): " + RepoId.printable(msg),
                    "fix the YAML between the '---' lines");
        }
        if (parsed == null) {
            parsed = Map.of();
        }
        if (!(parsed instanceof Map<?, ?>)) {
            throw new HubProtocolException("README.md: the YAML front matter must be a mapping of fields (key: value)",
                    "write e.g. 'license: apache-2.0' and 'tags: [image-classification]'");
        }
        return of((Map<String, Object>) parsed, rest);
    }

    /**
     * Checks the fields the hub indexes have the types the Hugging Face Hub accepts and the card fits the
     * index; a {@link HubProtocolException} lists every wrong type (or the first limit exceeded). Returns this.
     */
    public ModelCardData validate() {
        Set<String> problems = new LinkedHashSet<>();
        for (String key : TEXT_FIELDS) {
            Object v = data.get(key);
            if (v != null && !(v instanceof String)) {
                problems.add("'" + key + "' must be text, got " + describe(v));
            }
        }
        for (String key : TEXT_OR_LIST_FIELDS) {
            textOrList(key, problems);
        }
        Object index = data.get("model-index");
        if (index != null) {
            modelIndex(index, problems);
        }
        if (!problems.isEmpty()) {
            throw new HubProtocolException("README.md: " + String.join("; ", problems), FIX);
        }
        checkLimits();
        return this;
    }

    private void textOrList(String key, Set<String> problems) {
        Object v = data.get(key);
        if (v == null || v instanceof String) {
            return;
        }
        if (!(v instanceof List<?> list)) {
            problems.add("'" + key + "' must be text or a list of text, got " + describe(v));
            return;
        }
        for (Object x : list) {
            if (!(x instanceof String)) {
                problems.add("'" + key + "' must be a list of text, but holds " + describe(x));
                return;
            }
        }
    }

    /** The Hub's evaluation results: {@code [{name, results: [{task: {type}, dataset: {name, type}, metrics: [{type, value}]}]}]}. */
    private static void modelIndex(Object index, Set<String> problems) {
        if (!(index instanceof List<?> entries)) {
            problems.add("'model-index' must be a list of {name, results} entries");
            return;
        }
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> m) || !(m.get("name") instanceof String)) {
                problems.add("each 'model-index' entry needs a 'name' (text)");
                continue;
            }
            if (!(m.get("results") instanceof List<?> results)) {
                problems.add("each 'model-index' entry needs a 'results' list");
                continue;
            }
            for (Object r : results) {
                if (!(r instanceof Map<?, ?> result)) {
                    problems.add("each 'model-index[].results' entry must be a mapping with task, dataset and metrics");
                    continue;
                }
                if (!(result.get("task") instanceof Map<?, ?> task) || !(task.get("type") instanceof String)) {
                    problems.add("each 'model-index' result needs 'task: {type: ...}'");
                }
                if (!(result.get("dataset") instanceof Map<?, ?> ds) || !(ds.get("name") instanceof String || ds.get("type") instanceof String)) {
                    problems.add("each 'model-index' result needs 'dataset: {name: ..., type: ...}'");
                }
                if (!(result.get("metrics") instanceof List<?> metrics)) {
                    problems.add("'model-index[].results[].metrics' must be a list of {type, value}");
                    continue;
                }
                for (Object metric : metrics) {
                    if (!(metric instanceof Map<?, ?> mm) || !(mm.get("type") instanceof String) || !mm.containsKey("value")) {
                        problems.add("each 'model-index' metric needs 'type' (text) and 'value'");
                    }
                }
            }
        }
    }

    /** Refuses a card the index could not hold whole, naming the field. */
    private void checkLimits() {
        int chars = dataJson().length();
        if (chars > MAX_DATA_CHARS) {
            throw tooLong(chars, " as JSON");
        }
        for (String key : List.of("library_name", "pipeline_tag", "license")) {
            String v = string(key);
            if (v != null && v.length() > MAX_FIELD_CHARS) {
                throw new HubProtocolException("README.md: '" + key + "' is " + v.length() + " characters, over the limit of "
                        + MAX_FIELD_CHARS, "shorten it");
            }
        }
        List<String> tags = filterTags();
        if (tags.size() > MAX_TAGS) {
            throw new HubProtocolException("README.md: the card makes " + tags.size() + " tags, over the limit of " + MAX_TAGS,
                    "keep fewer tags, datasets, base models and languages");
        }
        for (String t : tags) {
            if (t.length() > MAX_TAG_CHARS) {
                throw new HubProtocolException("README.md: the tag '" + RepoId.printable(t.substring(0, 40)) + "...' is " + t.length()
                        + " characters, over the limit of " + MAX_TAG_CHARS, "shorten it");
            }
        }
    }

    private static HubProtocolException tooLong(int chars, String as) {
        return new HubProtocolException("README.md: the YAML front matter is " + chars + " characters" + as + ", over the limit of "
                + MAX_DATA_CHARS, "move long text into the card's markdown body");
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
        return v.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + RepoId.printable(String.valueOf(v));
    }

    /** The front matter (empty when there is none); unmodifiable. */
    public Map<String, Object> data() {
        return data;
    }

    /** The front matter as JSON. */
    public String dataJson() {
        try {
            return JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The markdown after the front matter. */
    public String body() {
        return body;
    }

    /** A text field, or {@code null} when it is absent or not text. */
    public String string(String key) {
        return data.get(key) instanceof String s ? s : null;
    }

    /** A text-or-list field as a list (items that are not text are left out). */
    public List<String> list(String key) {
        Object v = data.get(key);
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            out.add(s);
        } else if (v instanceof List<?> l) {
            for (Object x : l) {
                if (x instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /**
     * Tags for listing filters, named as the Hugging Face Hub names them, each once (cards often repeat
     * their library and pipeline tag under {@code tags}): the tags, the library, the pipeline tag,
     * {@code license:X}, {@code dataset:X}, {@code base_model:X} and the languages.
     */
    public List<String> filterTags() {
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
        out.addAll(list("language"));
        return new ArrayList<>(out);
    }
}
