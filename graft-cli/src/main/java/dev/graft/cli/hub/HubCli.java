package dev.graft.cli.hub;

import dev.graft.hub.CacheScan;
import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;

/** Shared bits of the hub verbs: the client from the environment, its download cache and counts in words. */
final class HubCli {
    private HubCli() {}

    /** The client configured from GRAFT_ENDPOINT/HF_ENDPOINT, GRAFT_TOKEN/HF_TOKEN/login, offline flags. */
    static Hub hub() {
        return new Hub(HubConfig.fromEnvironment());
    }

    /** The download cache of {@link #hub()}, for the {@code graft hub cache} verbs. */
    static CacheScan cacheScan() {
        return new CacheScan(hub().cache());
    }

    /** {@code n} and the noun, in the plural unless n is 1: "1 blob", "3 blobs". */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
