package dev.graft.cli.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;
import dev.graft.util.Json;
import java.io.PrintWriter;

/** Shared bits of the hub verbs: the client from the environment, JSON printing and counts in words. */
final class HubCli {
    private HubCli() {}

    /** The client configured from GRAFT_ENDPOINT/HF_ENDPOINT, GRAFT_TOKEN/HF_TOKEN/login, offline flags. */
    static Hub hub() {
        return new Hub(HubConfig.fromEnvironment());
    }

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(Json.MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** {@code n} and the noun, in the plural unless n is 1: "1 blob", "3 blobs". */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
