package dev.graft.examples;

import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.HubLimits;
import dev.graft.hub.server.HubServer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Several hub servers, one hub ({@code docs/hub-server.md}, "Several servers on PostgreSQL + S3"): two
 * servers over one PostgreSQL database and one S3 bucket, a push through the first and a download
 * through the second. Needs the services its arguments name, and the AWS SDK's settings in the
 * environment ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_REGION}, and
 * {@code AWS_ENDPOINT_URL_S3} for an S3-compatible service).
 *
 * <pre>
 * SharedHub 'jdbc:postgresql://127.0.0.1:5432/hub?user=hub' s3://models/hub
 * </pre>
 */
public final class SharedHub {
    private SharedHub() {}

    public static void main(String[] args) throws Exception {
        String db = args[0];
        String bucket = args[1];
        Path work = Files.createTempDirectory("graft-shared-hub-");
        // example:begin shared
        try (HubServer a = HubServer.start(new HubServer.Config("127.0.0.1", 0, work.resolve("a"), db, HubLimits.defaults(), bucket, false));
                HubServer b = HubServer.start(new HubServer.Config("127.0.0.1", 0, work.resolve("b"), db, HubLimits.defaults(), bucket, true))) {
            String token = a.hub().createToken("alice", "example", true);                 // in the shared index: good on b too
            Path model = Files.createDirectories(work.resolve("model"));
            Files.writeString(model.resolve("config.json"), "{\"hidden_size\": 8}");
            new Hub(new HubConfig(a.url(), token, false, work.resolve("cache-a")))
                    .push(RepoType.MODEL, "alice/shared", model, "main", "through a", false);
            Path got = new Hub(new HubConfig(b.url(), token, false, work.resolve("cache-b")))
                    .download("alice/shared", "config.json", "main");                     // through b (a presigned S3 redirect)
            System.out.println(Files.readString(got));
        }
        // example:end shared
    }
}
