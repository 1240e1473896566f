package dev.graft.hub.server.store;

import java.nio.charset.StandardCharsets;

/**
 * One file of a commit's tree. Its content lives in the blob store under {@code sha256}.
 *
 * @param path path in the repository ({@code a/b.txt})
 * @param size size of the content in bytes
 * @param sha256 hex sha256 of the content (the blob's address)
 * @param gitOid the git object id: the blob sha1 of the content for regular files, of the LFS
 *     pointer for LFS files (as the Hugging Face Hub reports it)
 * @param lfs whether the file was stored as a Git LFS object
 */
public record FileEntry(String path, long size, String sha256, String gitOid, boolean lfs) {
    /** The ETag a download answers: the sha256 for LFS files, the git blob sha1 otherwise. */
    public String etag() {
        return lfs ? sha256 : gitOid;
    }

    /** Text of the LFS pointer file that stands for this file in git. */
    public static String lfsPointer(String sha256, long size) {
        return "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256 + "\nsize " + size + "\n";
    }

    /** An LFS file entry; its git id is the pointer's blob sha1. */
    public static FileEntry lfsFile(String path, String sha256, long size) {
        byte[] pointer = lfsPointer(sha256, size).getBytes(StandardCharsets.UTF_8);
        return new FileEntry(path, size, sha256, Hashes.gitBlobSha1(pointer), true);
    }

    /** Size of the LFS pointer text. */
    public int pointerSize() {
        return lfsPointer(sha256, size).getBytes(StandardCharsets.UTF_8).length;
    }
}
