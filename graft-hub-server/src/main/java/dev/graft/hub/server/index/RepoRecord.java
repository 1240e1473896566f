package dev.graft.hub.server.index;

import java.util.List;

/**
 * What the index knows of one repository: enough to list, filter and sort without reading the store.
 *
 * @param type {@code model} or {@code dataset}
 * @param id {@code owner/name}
 * @param cardJson the model card's front matter as JSON ({@code {}} when there is none)
 * @param tags tags for filtering: the card's tags plus {@code license:x}, {@code dataset:x},
 *     {@code base_model:x}, the library and the pipeline tag
 */
public record RepoRecord(String type, String id, String owner, boolean isPrivate, String sha, long lastModified,
        long createdAt, long downloads, String cardJson, String libraryName, String pipelineTag, String license,
        List<String> tags) {}
