package dev.graft.hub;

/**
 * What a {@code HEAD /{repo}/resolve/{revision}/{path}} tells about one file.
 *
 * @param commit      the commit the revision resolved to ({@code X-Repo-Commit})
 * @param etag        {@code X-Linked-Etag} or {@code ETag}, unquoted: sha256 for LFS files, git blob sha1 otherwise
 * @param size        {@code X-Linked-Size} or {@code Content-Length}
 * @param downloadUrl where the bytes are (the resolve URL, or a redirect target for LFS files)
 */
public record FileMetadata(String commit, String etag, long size, String downloadUrl) {
    /** True when the ETag is a sha256 (LFS files), so the download is checked against it. */
    public boolean isSha256() {
        return etag.matches("[0-9a-f]{64}");
    }

    /** True when the ETag is a git blob sha1 (regular files). */
    public boolean isGitSha1() {
        return etag.matches("[0-9a-f]{40}");
    }
}
