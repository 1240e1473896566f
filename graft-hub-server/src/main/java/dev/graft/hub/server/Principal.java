package dev.graft.hub.server;

/** Who sent a request: the token's user and whether the token may write. */
public record Principal(String user, String tokenName, boolean canWrite) {}
