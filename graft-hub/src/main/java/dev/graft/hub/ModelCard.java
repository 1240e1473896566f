package dev.graft.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.graft.GraftException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A model or data set card: {@code README.md} with YAML front matter between {@code ---} lines,
 * as on the Hugging Face Hub (license, tags, base_model, datasets, library_name, pipeline_tag,
 * metrics, model-index).
 *
 * <pre>{@code
 * ModelCard card = ModelCard.parse(Files.readString(dir.resolve("README.md")));
 * card.validate();               // GraftException naming the field and the fix
 * String license = card.metadata().path("license").asText();
 * }</pre>
 *
 * @param metadata the front matter as JSON (an empty object when there is none)
 * @param body     the Markdown after the front matter
 */
public record ModelCard(JsonNode metadata, String body) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> STRING_OR_LIST = Set.of("tags", "datasets", "base_model", "language", "metrics");
    private static final Set<String> STRINGS = Set.of("license", "library_name", "pipeline_tag", "license_name",
            "license_link", "model_name");

    /** Parses the text of a README; no front matter gives empty metadata. */
    public static ModelCard parse(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<String> lines = t.lines().toList();
        if (lines.isEmpty() || !lines.get(0).strip().equals("---")) {
            return new ModelCard(YAML.createObjectNode(), t);
        }
        int end = -1;
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("---")) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw new GraftException("README.md front matter starts with '---' but never ends",
                    "close the YAML block with a line holding only '---'");
        }
        String yaml = String.join("\n", lines.subList(1, end));
        JsonNode meta;
        try {
            meta = yaml.isBlank() ? YAML.createObjectNode() : YAML.readTree(yaml);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw new GraftException("README.md front matter is not valid YAML: " + msg,
                    "fix the YAML between the '---' lines");
        }
        if (meta == null || meta.isMissingNode() || meta.isNull()) {
            meta = YAML.createObjectNode();
        }
        if (!meta.isObject()) {
            throw new GraftException("README.md front matter must be a YAML mapping (key: value lines)",
                    "write e.g. 'license: apache-2.0' and 'tags: [image-classification]'");
        }
        String body = String.join("\n", lines.subList(end + 1, lines.size()));
        return new ModelCard(meta, body);
    }

    /** Reads and parses a README file. */
    public static ModelCard read(Path readme) {
        try {
            return parse(Files.readString(readme, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GraftException("cannot read " + readme + ": " + e.getMessage(), "check the file", e);
        }
    }

    /**
     * Checks the fields the hub indexes have the shapes the Hugging Face Hub accepts; throws a
     * {@link GraftException} listing every problem.
     */
    public ModelCard validate() {
        List<String> problems = new ArrayList<>();
        for (String key : STRINGS) {
            JsonNode v = metadata.get(key);
            if (v != null && !v.isNull() && !v.isTextual()) {
                problems.add("'" + key + "' must be a string");
            }
        }
        for (String key : STRING_OR_LIST) {
            JsonNode v = metadata.get(key);
            if (v == null || v.isNull() || v.isTextual()) {
                continue;
            }
            if (!v.isArray()) {
                problems.add("'" + key + "' must be a string or a list of strings");
                continue;
            }
            for (JsonNode item : v) {
                boolean ok = item.isTextual() || (key.equals("metrics") && item.isObject());
                if (!ok) {
                    problems.add("'" + key + "' must list strings, found " + item.getNodeType().name().toLowerCase());
                    break;
                }
            }
        }
        JsonNode index = metadata.get("model-index");
        if (index != null && !index.isNull()) {
            validateModelIndex(index, problems);
        }
        if (!problems.isEmpty()) {
            throw new GraftException("README.md card: " + String.join("; ", problems),
                    "fix the front matter (see docs/hub.md, Model cards)");
        }
        return this;
    }

    private static void validateModelIndex(JsonNode index, List<String> problems) {
        if (!index.isArray()) {
            problems.add("'model-index' must be a list of {name, results}");
            return;
        }
        for (JsonNode model : index) {
            if (!model.path("name").isTextual()) {
                problems.add("each 'model-index' entry needs a 'name'");
            }
            JsonNode results = model.path("results");
            if (!results.isArray()) {
                problems.add("each 'model-index' entry needs a 'results' list");
                continue;
            }
            for (JsonNode r : results) {
                if (!r.path("task").path("type").isTextual()) {
                    problems.add("each model-index result needs 'task: {type: ...}'");
                }
                if (!r.path("dataset").path("name").isTextual() && !r.path("dataset").path("type").isTextual()) {
                    problems.add("each model-index result needs 'dataset: {name: ..., type: ...}'");
                }
                JsonNode metrics = r.path("metrics");
                if (!metrics.isArray()) {
                    problems.add("each model-index result needs a 'metrics' list");
                    continue;
                }
                for (JsonNode m : metrics) {
                    if (!m.path("type").isTextual() || !m.has("value")) {
                        problems.add("each model-index metric needs 'type' and 'value'");
                    }
                }
            }
        }
    }

    /** The tags ({@code tags} as a string or list). */
    public List<String> tags() {
        return strings("tags");
    }

    /** A string-or-list field as a list. */
    public List<String> strings(String key) {
        JsonNode v = metadata.get(key);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.asText());
        } else {
            v.forEach(n -> {
                if (n.isTextual()) {
                    out.add(n.asText());
                }
            });
        }
        return out;
    }
}
