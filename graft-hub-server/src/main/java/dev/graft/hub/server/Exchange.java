package dev.graft.hub.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.graft.hub.server.store.BlobStore;
import dev.graft.hub.server.store.FileBlobStore;
import dev.graft.hub.server.store.MappedBlobs;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/** One HTTP request and its response, with the helpers the routes need (blocking style). */
final class Exchange implements dev.graft.hub.server.web.WebPages.Page {
    /**
     * Compact JSON for answers and small request bodies (commit bodies are read by {@link CommitLines});
     * unknown request fields are ignored (clients add fields over time).
     */
    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    final Request request;
    final Response response;
    final String method;
    final List<String> segments;
    final Map<String, List<String>> query;
    private final HubLimits limits;
    private final long maxBody;
    private final IdleHeapTrim trim;

    Exchange(Request request, Response response, HubLimits limits, IdleHeapTrim trim) {
        this.trim = trim;
        this.request = request;
        this.response = response;
        this.method = request.getMethod();
        this.limits = limits;
        this.maxBody = Math.max(limits.maxRequestBytes(), limits.maxUploadBytes());
        String raw = request.getHttpURI().getPath();
        List<String> segs = new ArrayList<>();
        for (String s : raw.split("/", -1)) {
            segs.add(decode(s));
        }
        // "/a/b" splits to ["", "a", "b"]; drop the leading empty part and one trailing one.
        if (!segs.isEmpty() && segs.get(0).isEmpty()) {
            segs.remove(0);
        }
        if (!segs.isEmpty() && segs.get(segs.size() - 1).isEmpty()) {
            segs.remove(segs.size() - 1);
        }
        this.segments = segs;
        this.query = parseQuery(request.getHttpURI().getQuery());
    }

    static String decode(String s) {
        // '+' stays '+' in paths; only %XX escapes are decoded.
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HubError.badRequest("malformed percent-escape in '" + s + "'");
        }
    }

    static Map<String, List<String>> parseQuery(String q) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (q == null || q.isEmpty()) {
            return out;
        }
        for (String pair : q.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k;
            String v;
            try {
                k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw HubError.badRequest("malformed query string");
            }
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public List<String> segments() {
        return segments;
    }

    @Override
    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    List<String> params(String name) {
        return query.getOrDefault(name, List.of());
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    /** {@code http://host:port} as the client addressed this server. */
    @Override
    public String baseUrl() {
        String proto = header("X-Forwarded-Proto");
        String host = header("X-Forwarded-Host");
        if (host == null) {
            host = header("Host");
        }
        if (host == null) {
            host = request.getHttpURI().getAuthority();
        }
        return (proto == null ? request.getHttpURI().getScheme() : proto) + "://" + host;
    }

    /**
     * The request body as a stream that fails with 413 past {@code limit} bytes: at once when the declared
     * length is over it (nothing is read), else as soon as that many bytes arrived. {@code hint} says which
     * limit applies and how to stay under it.
     */
    InputStream body(long limit, String hint) {
        long max = Math.min(limit, maxBody);
        long declared = request.getLength();
        if (declared > max) {
            throw HubError.tooLarge("request body of " + declared + " bytes is over the limit of " + max + " bytes; " + hint);
        }
        InputStream in = Content.Source.asInputStream(request);
        return new FilterInputStream(in) {
            private long seen;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(int n) {
                seen += n;
                trim.read(n);
                if (seen > max) {
                    throw HubError.tooLarge("request body is over the limit of " + max + " bytes; " + hint);
                }
            }
        };
    }

    byte[] bodyBytes(long limit, String hint) throws IOException {
        try (InputStream in = body(limit, hint)) {
            return in.readAllBytes();
        }
    }

    /** The hint of a 413 for a JSON or form body. */
    private String jsonHint(Principal who) {
        return who == null ? "requests without a token may send at most " + limits.jsonLimit(null) + " bytes; send a token, or fewer items per request"
                : "JSON request bodies are limited to " + limits.maxJsonBytes() + " bytes; send fewer items per request";
    }

    /** A small JSON or form body, refused with 413 before it is read when over this caller's limit. */
    byte[] smallBody(Principal who) throws IOException {
        return bodyBytes(limits.jsonLimit(who), jsonHint(who));
    }

    /** A small body that must be a JSON object; an empty body is an empty object. */
    JsonNode jsonBody(Principal who) throws IOException {
        byte[] body = smallBody(who);
        JsonNode n = body.length == 0 ? JSON.createObjectNode() : Requests.parseJson(body);
        if (n == null || !n.isObject()) {
            throw HubError.badRequest("the request body must be a JSON object");
        }
        return n;
    }

    void status(int code) {
        response.setStatus(code);
    }

    void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    void sendJson(int code, Object value) throws IOException {
        send(code, "application/json; charset=utf-8", JSON.writeValueAsBytes(value));
    }

    @Override
    public void send(int code, String contentType, byte[] body) throws IOException {
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        write(method.equals("HEAD") ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), true);
    }

    void sendEmpty(int code) throws IOException {
        response.setStatus(code);
        if (code != 304) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        }
        write(ByteBuffer.allocate(0), true);
    }

    void write(ByteBuffer buf, boolean last) throws IOException {
        try (Blocker.Callback cb = Blocker.callback()) {
            response.write(last, buf, cb);
            cb.block();
        }
    }

    /** Sends {@code length} bytes of a stored object from {@code offset} (other headers must be set). */
    void sendBlob(BlobStore blobs, String sha256, long offset, long length) throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        if (method.equals("HEAD") || length == 0) {
            write(ByteBuffer.allocate(0), true);
            return;
        }
        if (!(blobs instanceof FileBlobStore files)) {
            // A remote store (S3): its bytes streamed through, a ranged GET for a range.
            try (java.io.InputStream in = blobs.open(sha256, offset, length)) {
                long left = length;
                byte[] buf = new byte[1 << 18];
                while (left > 0) {
                    int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, left));
                    if (n <= 0) {
                        throw new IOException("object " + sha256 + " is shorter than the " + length + " bytes to send");
                    }
                    left -= n;
                    write(ByteBuffer.wrap(buf, 0, n), left == 0); // blocks until sent: the buffer is free again after

                }
            }
            return;
        }
        if (length < SMALL_FILE) {
            // Small files (configs, cards): one read into the heap costs less than a mapping.
            ByteBuffer buf = ByteBuffer.allocate((int) length);
            try (FileChannel ch = FileChannel.open(files.path(sha256), StandardOpenOption.READ)) {
                while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) >= 0) {
                    // read until full or end of file
                }
            }
            if (buf.hasRemaining()) {
                throw new IOException("object " + sha256 + " is shorter than the " + length + " bytes to send");
            }
            write(buf.flip(), true);
            return;
        }
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            try (MappedBlobs.Lease lease = files.mapped(sha256, pos / MappedBlobs.SEGMENT)) {
                ByteBuffer segment = lease.bytes();
                int from = (int) (pos % MappedBlobs.SEGMENT);
                int n = (int) Math.min(end - pos, segment.capacity() - from);
                if (n <= 0) {
                    throw new IOException("object " + sha256 + " is shorter than the " + length + " bytes to send");
                }
                pos += n;
                // One write per segment: Jetty hands the mapped bytes to the socket without copying them in the heap.
                write(segment.position(from).limit(from + n), pos >= end);
            }
        }
    }

    /** Below this size an object is read into the heap rather than mapped. */
    private static final long SMALL_FILE = 256 << 10;
}
