/**
 * The hub's vocabulary, one copy for the client ({@code graft-hub}), the server ({@code graft-hub-server})
 * and the CLI: repository types ({@link dev.graft.hub.protocol.RepoType}), repository names
 * ({@link dev.graft.hub.protocol.RepoId}), file paths and branch and tag names
 * ({@link dev.graft.hub.protocol.RepoPaths}) and the model card's front matter
 * ({@link dev.graft.hub.protocol.ModelCardData}).
 *
 * <p>A rule broken throws {@link dev.graft.hub.protocol.HubProtocolException}; the client turns it into
 * its usual error, the server into a 400 answer. Because both sides apply the same rules, nothing the
 * client accepts is refused later by the server for its name, path or card.
 */
package dev.graft.hub.protocol;
