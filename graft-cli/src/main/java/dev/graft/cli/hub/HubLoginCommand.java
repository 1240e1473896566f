package dev.graft.cli.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.cli.PrintingVerb;
import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;
import dev.graft.hub.HubException;
import dev.graft.progress.Output;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft hub login}: checks a token with the hub and stores it in GRAFT_HOME/hub/token (mode 600). */
@Command(name = "login", description = "Store a hub token (checked with the hub) for later pushes and private pulls on that hub.")
public final class HubLoginCommand extends PrintingVerb {
    @Option(names = "--token", description = "The token; without it, it is read from the terminal or standard input.")
    String token;

    @Override
    public Integer call() throws IOException {
        String t = token != null ? token : readToken();
        if (t == null || t.isBlank()) {
            throw new GraftException("no token given", "pass --token, or pipe it: echo $TOKEN | graft hub login");
        }
        HubConfig cfg = HubConfig.fromEnvironment().withToken(t.trim());
        String user = null;
        try {
            JsonNode me = new Hub(cfg).whoami();
            user = me.path("name").asText(null);
        } catch (HubException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new GraftException("the hub at " + cfg.endpoint() + " rejected this token",
                        "create a token with 'graft hub token create --user NAME --write' on the hub and paste it exactly");
            }
            if (e.status() != 404) {
                throw e;
            }
            Output.warn("the hub at " + cfg.endpoint() + " cannot check tokens (no /api/whoami-v2); stored unchecked");
        }
        Path f = HubConfig.storeToken(t.trim(), cfg.endpoint());
        java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("user", user);
        json.put("endpoint", cfg.endpoint());
        json.put("token_file", f.toString());
        printResult(json, (user == null ? "token stored" : "logged in as " + user) + " for " + cfg.endpoint() + " (" + f + ")");
        return 0;
    }

    private static String readToken() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] chars = console.readPassword("hub token: ");
            return chars == null ? null : new String(chars);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return in.readLine();
    }
}


