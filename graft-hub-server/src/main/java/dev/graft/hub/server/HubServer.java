package dev.graft.hub.server;

import dev.graft.hub.protocol.HubProtocolException;
import dev.graft.hub.server.web.WebPages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's HTTP server: the Hugging Face Hub API, file downloads and the web pages, on Jetty.
 *
 * <pre>{@code
 * try (HubServer server = HubServer.start(new HubServer.Config("127.0.0.1", 8080, dataDir, null, HubLimits.defaults()))) {
 *     System.out.println(server.url());   // http://127.0.0.1:8080
 *     server.join();
 * }
 * }</pre>
 */
public final class HubServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HubServer.class);

    /**
     * Settings of a server.
     *
     * @param host address to listen on ({@code 127.0.0.1} keeps it local)
     * @param port port, 0 for any free one
     * @param dataDir repositories, blobs and the embedded index
     * @param dbUrl JDBC URL of the index, {@code null} for the embedded H2 database
     * @param limits request and upload size limits
     * @param blobStore where file contents go: {@code null} for the data folder, {@code s3://bucket[/prefix]}
     *     for S3, which makes the index database hold the repositories too (several servers, one hub)
     * @param presign answer downloads of stored files with a redirect to a presigned URL of the blob
     *     store (S3) instead of sending the bytes through the server
     */
    public record Config(String host, int port, Path dataDir, String dbUrl, HubLimits limits, String blobStore, boolean presign) {
        /** A server on the data folder alone (blobs there too), as by default. */
        public Config(String host, int port, Path dataDir, String dbUrl, HubLimits limits) {
            this(host, port, dataDir, dbUrl, limits, null, false);
        }
    }

    private final Server jetty;
    private final HubService hub;
    private final String url;

    private final IdleHeapTrim trim;

    private HubServer(Server jetty, HubService hub, IdleHeapTrim trim, String url) {
        this.jetty = jetty;
        this.hub = hub;
        this.trim = trim;
        this.url = url;
    }

    /** Opens the store and index (repairing what a kill left) and starts listening. */
    public static HubServer start(Config config) throws IOException {
        if (config.presign() && (config.blobStore() == null || !config.blobStore().startsWith("s3://"))) {
            throw new HubServerException("--s3-presign needs an S3 blob store: the data folder has no presigned URLs",
                    "add --blob-store s3://bucket[/prefix], or leave --s3-presign out");
        }
        HubService hub = HubService.open(config.dataDir(), config.dbUrl(), config.blobStore());
        hub.presignDownloads(config.presign());
        QueuedThreadPool threads = new QueuedThreadPool(256, 8);
        threads.setName("hub");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        // Revisions arrive URL-encoded (refs%2Fpr%2F1): the router splits the raw path itself.
        http.setUriCompliance(UriCompliance.UNSAFE);
        http.setSendServerVersion(false);
        http.setOutputBufferSize(1 << 16);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setAcceptQueueSize(256);
        jetty.addConnector(connector);
        // Failures Jetty answers itself (malformed HTTP) carry no stack traces or exception text either.
        org.eclipse.jetty.server.handler.ErrorHandler errors = new org.eclipse.jetty.server.handler.ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowCauses(false);
        errors.setShowMessageInTitle(false);
        jetty.setErrorHandler(errors);
        IdleHeapTrim trim = new IdleHeapTrim();
        jetty.setHandler(new HubHandler(hub, new ApiRoutes(hub, config.limits()), new WebPages(hub), config.limits(), trim));
        try {
            jetty.start();
        } catch (Exception e) {
            trim.close();
            hub.close();
            throw new HubServerException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
                    "choose another --port or stop what uses it", e);
        }
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return new HubServer(jetty, hub, trim, "http://" + host + ":" + connector.getLocalPort());
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        return url;
    }

    public HubService hub() {
        return hub;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the hub server: {}", e.toString());
        }
        trim.close();
        hub.close();
    }

    /** Authenticates, routes and turns errors into Hugging Face style JSON errors. */
    private static final class HubHandler extends Handler.Abstract {
        private final HubService hub;
        private final ApiRoutes api;
        private final WebPages web;
        private final HubLimits limits;
        private final IdleHeapTrim trim;

        HubHandler(HubService hub, ApiRoutes api, WebPages web, HubLimits limits, IdleHeapTrim trim) {
            this.hub = hub;
            this.api = api;
            this.web = web;
            this.limits = limits;
            this.trim = trim;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            trim.begin();
            try {
                Exchange ex = new Exchange(request, response, limits, trim);
                if (ex.method.equals("OPTIONS")) {
                    cors(response);
                    ex.sendEmpty(204);
                } else {
                    cors(response);
                    Principal who = hub.authenticate(request.getHeaders().get("Authorization"));
                    if (!api.handle(ex, who) && !web.handle(ex, who)) {
                        throw HubError.notFound(null, "no such page or API route: " + ex.method + " " + request.getHttpURI().getPath());
                    }
                }
                callback.succeeded();
            } catch (HubError e) {
                fail(request, response, callback, e.status(), e.code(), e.getMessage());
            } catch (HubProtocolException e) {
                HubError bad = HubError.of(e);
                fail(request, response, callback, bad.status(), bad.code(), bad.getMessage());
            } catch (EofException e) {
                // The client went away mid-transfer (or cut its upload): nothing to answer.
                callback.failed(e);
            } catch (Throwable e) {
                // The one place internal failures reach a client: the details (SQL, stack, server paths) go
                // to the log under an id, the client gets the id only.
                String incident = incidentId();
                LOG.error("internal error {} on {} {}", incident, request.getMethod(), request.getHttpURI().getPath(), e);
                fail(request, response, callback, 500, null, "internal server error (id " + incident
                        + "): the request was not completed; retry, or report the id to the hub's operator");
            } finally {
                trim.end();
            }
            return true;
        }

        private static final java.security.SecureRandom INCIDENTS = new java.security.SecureRandom();

        /** A short random id that ties a generic 500 answer to its log line. */
        static String incidentId() {
            byte[] b = new byte[6];
            INCIDENTS.nextBytes(b);
            return dev.graft.hub.server.store.Hashes.hex(b);
        }

        private static void cors(Response response) {
            response.getHeaders().put("Access-Control-Allow-Origin", "*");
            response.getHeaders().put("Access-Control-Allow-Headers", "Authorization, Content-Type, Range, If-Range, If-None-Match");
            response.getHeaders().put("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
        }

        private static final long DRAIN_LIMIT = 8L << 20;

        /** Reads and drops what is left of a request body of at most 8 MiB; false if more is left. */
        private static boolean drainSmallBody(Request request) {
            long declared = request.getLength();
            if (declared > DRAIN_LIMIT) {
                return false;
            }
            try (java.io.InputStream in = org.eclipse.jetty.io.Content.Source.asInputStream(request)) {
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    total += n;
                    if (total > DRAIN_LIMIT) {
                        return false;
                    }
                }
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        private static void fail(Request request, Response response, Callback callback, int status, String code,
                String message) {
            if (response.isCommitted()) {
                callback.failed(new IOException(message));
                return;
            }
            try {
                // The reset drops what the route set so far, except the headers that describe the error too:
                // which commit a missing file was looked up in (clients cache the miss under it).
                String repoCommit = response.getHeaders().get("X-Repo-Commit");
                String exposed = response.getHeaders().get("Access-Control-Expose-Headers");
                response.reset();
                cors(response);
                if (repoCommit != null) {
                    response.getHeaders().put("X-Repo-Commit", repoCommit);
                }
                if (exposed != null) {
                    response.getHeaders().put("Access-Control-Expose-Headers", exposed);
                }
                // An error may come before the request body was read (a refused upload, a bad commit
                // line). A small body is read to its end so the client receives the answer on a
                // healthy connection: closing a socket with unread input resets it, and the client
                // may then lose the answer. A large one is not worth reading: the connection closes.
                String m = request.getMethod();
                if (!m.equals("GET") && !m.equals("HEAD") && !m.equals("OPTIONS") && !drainSmallBody(request)) {
                    response.getHeaders().put("Connection", "close");
                }
                if (code != null) {
                    response.getHeaders().put("X-Error-Code", code);
                }
                response.getHeaders().put("X-Error-Message", headerValue(message));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", message);
                byte[] json = Exchange.JSON.writeValueAsBytes(body);
                response.setStatus(status);
                response.getHeaders().put("Content-Type", "application/json; charset=utf-8");
                response.getHeaders().put("Content-Length", json.length);
                response.write(true, java.nio.ByteBuffer.wrap(request.getMethod().equals("HEAD") ? new byte[0] : json), callback);
            } catch (Throwable t) {
                callback.failed(t);
            }
        }
    }

    /**
     * A message as an HTTP field value: messages quote what the client sent, and a control character in a
     * header makes clients drop the whole answer. Printable ASCII stays, line breaks become spaces, any other
     * character a '?' (the JSON body keeps the exact message).
     */
    static String headerValue(String message) {
        StringBuilder b = new StringBuilder(message.length());
        message.chars().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : c == '\r' || c == '\n' || c == '\t' ? ' ' : '?'));
        return b.toString();
    }
}
