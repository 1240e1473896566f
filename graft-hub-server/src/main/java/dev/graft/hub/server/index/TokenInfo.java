package dev.graft.hub.server.index;

/** A stored access token (only its sha256 is kept). */
public record TokenInfo(String user, String name, boolean canWrite, long createdAt) {}
