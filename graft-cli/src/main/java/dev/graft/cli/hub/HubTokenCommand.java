package dev.graft.cli.hub;

import dev.graft.hub.server.HubService;
import dev.graft.hub.server.index.IndexDb;
import dev.graft.progress.Output;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft hub token}: creates or revokes access tokens of the local hub server. */
@Command(name = "token", description = "Create (printed once, stored hashed) or revoke access tokens of a hub server's users.")
public final class HubTokenCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "create or revoke")
    String action;

    @Option(names = "--user", required = true, description = "User (and namespace) the token acts for; created if new.")
    String user;

    @Option(names = "--write", description = "Allow writing to the user's repositories (default: read only).")
    boolean write;

    @Option(names = "--name", description = "Name of the token (default: ${DEFAULT-VALUE}).", defaultValue = "token")
    String name;

    @Mixin
    ServerDataDirOption dataDir;

    @Option(names = "--db-url", description = "The servers' index database JDBC URL, when they use PostgreSQL (the token is then good on every server of it).")
    String dbUrl;

    @Override
    public Integer call() throws Exception {
        if (!action.equals("create") && !action.equals("revoke")) {
            throw new dev.graft.GraftException("unknown token action '" + action + "'", "use: graft hub token create|revoke --user NAME");
        }
        Path dir = dataDir.getOrCreateDefault();
        // The index alone: tokens live there, and a server's store (perhaps shared by several) stays untouched.
        try (IndexDb index = IndexDb.open(HubService.indexUrl(dir, dbUrl))) {
            if (action.equals("create")) {
                String token;
                try {
                    token = HubService.createToken(index, user, name, write);
                } catch (dev.graft.hub.server.HubError e) {
                    throw new dev.graft.GraftException(e.getMessage(), "pick a user name the hub accepts");
                }
                Output.note("token for " + user + " (" + (write ? "read and write" : "read only") + "); it is shown only once");
                System.out.println(token);
            } else {
                int n = index.revokeTokens(user, name);
                System.out.println("revoked " + HubCli.count(n, "token") + " named " + name + " of " + user);
            }
        }
        return 0;
    }
}
