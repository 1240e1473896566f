package dev.graft.hub;

/**
 * The answer to a commit.
 *
 * @param commitOid the new commit's sha
 * @param commitUrl where the commit can be seen, as the hub reports it
 * @param uploadedFiles files sent in this commit (regular and LFS)
 * @param lfsFiles     of those, files that went through the LFS path
 */
public record CommitInfo(String commitOid, String commitUrl, int uploadedFiles, int lfsFiles) {}
