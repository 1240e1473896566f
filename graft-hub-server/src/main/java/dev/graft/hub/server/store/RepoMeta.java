package dev.graft.hub.server.store;

/** Settings of a repository kept beside its refs ({@code repo.json}). */
public record RepoMeta(String type, String id, boolean isPrivate, long createdAt) {}
