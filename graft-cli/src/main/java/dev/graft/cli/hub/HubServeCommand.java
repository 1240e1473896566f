package dev.graft.cli.hub;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.hub.server.HubLimits;
import dev.graft.hub.server.HubServer;
import dev.graft.progress.Output;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft hub serve}: runs the hub server (API, downloads, web pages). */
@Command(name = "serve", description = "Run a hub server speaking the Hugging Face Hub protocol, with web pages.")
public final class HubServeCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).", defaultValue = "8080")
    int port;

    @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).",
            defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--data-dir", description = "Repositories, blobs and the embedded index (default: GRAFT_HOME/hub).")
    Path dataDir;

    @Option(names = "--db-url", description = "Index database JDBC URL, e.g. jdbc:postgresql://host:5432/hub?user=hub&password=..."
            + " (default: embedded H2 under the data folder).")
    String dbUrl;

    @Option(names = "--blob-store", description = "Where file contents go: s3://bucket[/prefix] for S3 or an S3-compatible service"
            + " (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL_S3); the repositories then live in the"
            + " index database, so several servers on one --db-url and bucket serve one hub (default: the data folder).")
    String blobStore;

    @Option(names = "--s3-presign", description = "Answer file downloads with a redirect to a presigned S3 URL instead of sending"
            + " the bytes (needs an s3:// --blob-store).")
    boolean presign;

    @Option(names = "--max-request-size", description = "Largest API request body in MiB (default: ${DEFAULT-VALUE}).", defaultValue = "256")
    long maxRequestMiB;

    @Option(names = "--max-upload-size", description = "Largest LFS object in MiB (default: ${DEFAULT-VALUE}).", defaultValue = "51200")
    long maxUploadMiB;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new GraftException("--port must be from 0 to 65535, got " + port, "use e.g. --port 8080, or 0 for a free port");
        }
        HubLimits limits = HubLimits.ofMiB(maxRequestMiB, maxUploadMiB); // refuses nonsense sizes with the option named
        Path dir = dataDir != null ? dataDir.toAbsolutePath() : GraftHome.dir("hub");
        try (HubServer server = HubServer.start(new HubServer.Config(host, port, dir, dbUrl, limits, blobStore, presign))) {
            Output.note("hub data in " + dir + (dbUrl == null ? "" : ", index in " + dbUrl.replaceAll("password=[^&;]*", "password=***"))
                    + (blobStore == null ? "" : ", repositories in the index and file contents in " + server.hub().store().blobs().describe()));
            // The URL goes to stdout so scripts can read the port picked with --port 0.
            System.out.println("listening on " + server.url());
            System.out.flush();
            Output.note("web page: " + server.url() + "/ ; point clients here with GRAFT_ENDPOINT=" + server.url()
                    + " (HF_ENDPOINT for Hugging Face clients)");
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            server.join();
        }
        return 0;
    }
}
