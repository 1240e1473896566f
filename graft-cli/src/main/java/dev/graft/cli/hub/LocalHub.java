package dev.graft.cli.hub;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.hub.CommitInfo;
import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;
import dev.graft.hub.RepoPaths;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.HubLimits;
import dev.graft.hub.server.HubServer;
import dev.graft.hub.server.HubServerException;
import java.nio.file.Path;

/**
 * Publishes a model folder into this machine's hub ({@code GRAFT_HOME/hub}, what {@code graft hub serve}
 * serves) without a server running: an embedded server on a free local port takes the commit through
 * the ordinary Hugging Face protocol, with a write token for the repository's namespace, and stops.
 *
 * <pre>{@code
 * String url = LocalHub.push(runDir.resolve("model"), "local/minilm-wordnet-topics", "quickstart run");
 * }</pre>
 */
public final class LocalHub {
    private LocalHub() {}

    /**
     * Pushes {@code dir} to {@code repo} ({@code namespace/name}) as one commit; returns the commit id.
     * A running {@code graft hub serve} holds the store, so then this fails with a fix naming
     * {@code graft hub push}.
     */
    public static String push(Path dir, String repo, String message) {
        return push(dir, repo, message, false);
    }

    /** As {@link #push(Path, String, String)}; {@code isPrivate} applies when the repository is created. */
    public static String push(Path dir, String repo, String message, boolean isPrivate) {
        return push(RepoType.MODEL, dir, repo, message, isPrivate);
    }

    /** As {@link #push(Path, String, String, boolean)} into a repository of {@code type} (a model or a data set). */
    public static String push(RepoType type, Path dir, String repo, String message, boolean isPrivate) {
        RepoPaths.checkNewRepoId(repo); // before a server starts: the namespace below needs owner/name
        Path data = GraftHome.dir("hub");
        String namespace = repo.substring(0, repo.indexOf('/'));
        HubServer server;
        try {
            server = HubServer.start(new HubServer.Config("127.0.0.1", 0, data, null, HubLimits.defaults()));
        } catch (Exception | Error e) {
            throw new GraftException("cannot open the local hub in " + data + " (" + e.getMessage() + ")",
                    "if `graft hub serve` is running, push with: graft hub push " + dir + " " + repo, e);
        }
        try (server) {
            String token = server.hub().createToken(namespace, "graft-local-push", true);
            Path cache = GraftHome.dir("cache", "hub-push");
            Hub hub = new Hub(new HubConfig(server.url(), token, false, cache));
            CommitInfo info = hub.push(type, repo, dir, "main", message, isPrivate);
            server.hub().revokeTokens(namespace, "graft-local-push");
            return info.commitOid();
        } catch (GraftException e) {
            throw e;
        } catch (HubServerException e) {
            throw new GraftException(e.getMessage(), e.fix(), e);
        } catch (Exception e) {
            throw new GraftException("pushing " + dir + " to the local hub as " + repo + " failed: " + e.getMessage(),
                    "push it by hand: graft hub push " + dir + " " + repo, e);
        }
    }
}
