package dev.graft.hub;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What {@code GET /api/models/{id}} (or {@code /api/datasets/{id}}) answers, and one item of a
 * listing. Fields the hub leaves out are {@code null} (listings carry fewer fields than info).
 *
 * @param id           {@code owner/name}
 * @param sha          the commit the answer describes
 * @param isPrivate    whether only the owner and invited tokens see it
 * @param tags         tags from the card and the hub
 * @param siblings     the files at that commit (info only; sizes with {@code blobs=true})
 * @param cardData     the README front matter as JSON
 * @param downloads    download count
 * @param lastModified ISO-8601 time of the last commit
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RepoInfo(
        @JsonProperty("id") String id,
        @JsonProperty("author") String author,
        @JsonProperty("sha") String sha,
        @JsonProperty("private") Boolean isPrivate,
        @JsonProperty("tags") List<String> tags,
        @JsonProperty("siblings") List<Sibling> siblings,
        @JsonProperty("cardData") JsonNode cardData,
        @JsonProperty("downloads") Long downloads,
        @JsonProperty("likes") Long likes,
        @JsonProperty("lastModified") String lastModified,
        @JsonProperty("pipeline_tag") String pipelineTag,
        @JsonProperty("library_name") String libraryName) {

    /** One file of a repository. {@code size} and {@code lfs} come with {@code blobs=true}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sibling(
            @JsonProperty("rfilename") String path,
            @JsonProperty("size") Long size,
            @JsonProperty("blobId") String blobId,
            @JsonProperty("lfs") Lfs lfs) {}

    /** LFS pointer details of a large file. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Lfs(@JsonProperty("sha256") String sha256, @JsonProperty("size") Long size) {}

    /** The file paths at this commit ({@code siblings}), empty when the hub sent none. */
    public List<String> files() {
        return siblings == null ? List.of() : siblings.stream().map(Sibling::path).toList();
    }
}
