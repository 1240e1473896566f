package dev.graft.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.hub.protocol.HubProtocolException;
import dev.graft.hub.protocol.ModelCardData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model or data set card: {@code README.md} with YAML front matter between {@code ---} lines,
 * as on the Hugging Face Hub (license, tags, base_model, datasets, library_name, pipeline_tag,
 * metrics, model-index). The front matter's rules are the hub protocol's ({@link ModelCardData}), the
 * ones the server applies on commit: a card that validates here is not refused there.
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
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses the text of a README (without checking the fields, see {@link #validate}); no front matter gives empty metadata. */
    public static ModelCard parse(String text) {
        try {
            ModelCardData data = ModelCardData.read(text);
            return new ModelCard(JSON.valueToTree(data.data()), data.body());
        } catch (HubProtocolException e) {
            throw RepoPaths.userError(e);
        } catch (IllegalArgumentException e) {
            // YAML a JSON tree cannot hold (a null key): as unreadable as malformed YAML.
            throw new GraftException("README.md front matter cannot be read as JSON: " + e.getMessage(),
                    "fix the YAML between the '---' lines");
        }
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
     * Checks the fields the hub indexes have the shapes the hub accepts and the card fits its limits;
     * throws a {@link GraftException} listing every problem.
     */
    @SuppressWarnings("unchecked")
    public ModelCard validate() {
        Map<String, Object> data = metadata instanceof ObjectNode ? JSON.convertValue(metadata, Map.class) : Map.of();
        try {
            ModelCardData.of(data, body).validate();
        } catch (HubProtocolException e) {
            throw RepoPaths.userError(e);
        }
        return this;
    }

    /** The tags ({@code tags} as a string or list). */
    public List<String> tags() {
        return strings("tags");
    }

    /** A string-or-list field as a list (items that are not strings are left out). */
    public List<String> strings(String key) {
        JsonNode v = metadata.get(key);
        if (v == null || v.isNull()) {
            return new ArrayList<>();
        }
        return ModelCardData.of(Map.of(key, JSON.convertValue(v, Object.class)), "").list(key);
    }
}
