package dev.graft.hub;

import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import dev.graft.weights.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What the hub says about one file without downloading it: its metadata from a {@code HEAD} on
 * {@code .../resolve/...} and, for a safetensors file, its header read with ranged GETs.
 */
final class RemoteFiles {
    /** The first request for a remote safetensors header asks for the length and this many bytes of the header. */
    static final int HEADER_GUESS_BYTES = 64 * 1024;

    private final HubCache cache;
    private final HubHttp http;

    /** Reads from the hub {@code http} talks to; {@code cache} remembers the files a commit lacks. */
    RemoteFiles(HubCache cache, HubHttp http) {
        this.cache = cache;
        this.http = http;
    }

    /** Everything here asks the hub: in offline mode, an error that says {@code what} needed it. */
    void requireOnline(String what) {
        http.requireOnline(what);
    }

    /** {@code {endpoint}/{datasets/}{repo}/resolve/{quoted revision}/{quoted path}}. */
    String resolveUrl(RepoType type, String repo, String file, String revision) {
        return http.config().endpoint() + "/" + type.urlPrefix() + repo + "/resolve/"
                + RepoPaths.quoteSegment(Hub.revisionOrMain(revision)) + "/" + RepoPaths.quotePath(file);
    }

    /**
     * Reads a file's metadata with {@code HEAD .../resolve/...}. Redirects on the hub's own origin
     * (e.g. after a rename) are followed with the token; a redirect that carries {@code X-Linked-Etag}
     * is where LFS bytes live and is read, not followed; any other redirect to another host (a CDN or
     * mirror) is followed without the token ({@link HubHttp#send} drops it off the endpoint's origin).
     */
    FileMetadata fileMetadata(RepoType type, String repo, String file, String revision) {
        String rev = Hub.revisionOrMain(revision);
        String url = resolveUrl(type, repo, file, rev);
        String commitSeen = null;
        for (int hop = 0; hop <= HubHttp.MAX_REDIRECTS; hop++) {
            HttpRequest req = http.request(url).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity").build();
            HttpResponse<Void> resp = http.send(req, HttpResponse.BodyHandlers.discarding());
            int code = resp.statusCode();
            if (commitSeen == null) {
                commitSeen = resp.headers().firstValue("X-Repo-Commit").orElse(null);
            }
            if (code >= 300 && code < 400) {
                String location = resp.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    throw HubHttp.protocolError("redirect without Location for " + url);
                }
                URI target;
                try {
                    target = URI.create(url).resolve(location);
                } catch (IllegalArgumentException e) {
                    throw HubHttp.protocolError("invalid redirect '" + location + "' from " + url);
                }
                if (resp.headers().firstValue("X-Linked-Etag").isEmpty()) {
                    url = target.toString();
                    continue;
                }
                return metadataFrom(resp, target.toString(), repo, file, commitSeen);
            }
            if (code == 404 && "EntryNotFound".equals(resp.headers().firstValue("X-Error-Code").orElse(null))) {
                resp.headers().firstValue("X-Repo-Commit").filter(RepoPaths::isCommitSha)
                        .ifPresent(c -> cache.markMissing(type, repo, c, file));
            }
            http.raiseForStatus(resp, null, repo, rev, file);
            return metadataFrom(resp, url, repo, file, commitSeen);
        }
        throw HubHttp.protocolError("too many redirects for " + url);
    }

    private static FileMetadata metadataFrom(HttpResponse<?> resp, String downloadUrl, String repo, String file, String commitSeen) {
        String commit = resp.headers().firstValue("X-Repo-Commit").orElse(commitSeen);
        String etag = resp.headers().firstValue("X-Linked-Etag").or(() -> resp.headers().firstValue("ETag"))
                .map(Hub::unquoteEtag).orElse(null);
        String size = resp.headers().firstValue("X-Linked-Size")
                .or(() -> resp.headers().firstValue("Content-Length")).orElse(null);
        if (commit == null || etag == null || size == null) {
            throw HubHttp.protocolError("the answer for " + repo + "/" + file + " lacks "
                    + (commit == null ? "X-Repo-Commit" : etag == null ? "ETag" : "Content-Length"));
        }
        try {
            return new FileMetadata(commit, HubCache.checkEtag(etag), Long.parseLong(size.trim()), downloadUrl);
        } catch (NumberFormatException e) {
            throw HubHttp.protocolError("invalid size '" + size + "' for " + repo + "/" + file);
        }
    }

    /**
     * Reads the header of the remote safetensors file {@code meta} describes with at most two ranged
     * GETs: the 8-byte length and the first {@link #HEADER_GUESS_BYTES} bytes of the header, then, only
     * when the header is longer, the rest. Checked as a local file's header is ({@link SafeTensors#parseHeader}).
     */
    SafeTensors.Header safetensorsHeader(FileMetadata meta, String where) {
        String fix = "the file is not a valid safetensors file; re-export it (e.g. with safetensors.torch.save_file)";
        if (meta.size() < 8) {
            throw new GraftException(where + " is " + meta.size() + " bytes, shorter than the 8-byte safetensors header length", fix);
        }
        byte[] head = rangedGet(meta, 0, Math.min(meta.size(), 8L + HEADER_GUESS_BYTES), where);
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > SafeTensors.MAX_HEADER_BYTES) {
            throw new GraftException(where + " declares a header of " + Long.toUnsignedString(n) + " bytes, more than the "
                    + SafeTensors.MAX_HEADER_BYTES + " allowed", fix);
        }
        if (n > meta.size() - 8) {
            throw new GraftException(where + " declares a header of " + n + " bytes but the file has only " + (meta.size() - 8)
                    + " after the length", fix + " (the file may be truncated)");
        }
        byte[] json = new byte[(int) n];
        int have = (int) Math.min(n, head.length - 8);
        System.arraycopy(head, 8, json, 0, have);
        if (have < n) {
            byte[] rest = rangedGet(meta, 8L + have, 8L + n, where);
            System.arraycopy(rest, 0, json, have, rest.length);
        }
        return SafeTensors.parseHeader(where, json, meta.size() - 8 - n);
    }

    /** Bytes {@code from} (inclusive) to {@code to} (exclusive) of a remote file, with {@code Range}. */
    private byte[] rangedGet(FileMetadata meta, long from, long to, String where) {
        HttpResponse<InputStream> resp = http.sendFollowingRedirects(
                http.byteRequest(meta.downloadUrl(), "bytes=" + from + "-" + (to - 1)), HttpResponse.BodyHandlers.ofInputStream());
        int code = resp.statusCode();
        int len = (int) (to - from);
        try (InputStream in = resp.body()) {
            if (code == 206 || code == 200) {
                if (code == 206) {
                    long start = HubHttp.contentRangeStart(resp);
                    if (start != from) {
                        throw HubHttp.protocolError("asked for bytes " + from + "- of " + where + ", the answer starts at " + start);
                    }
                } else {
                    in.skipNBytes(from); // a server that ignores Range sends the whole file: read only what is needed
                }
                byte[] b = in.readNBytes(len);
                if (b.length < len) {
                    throw new HubException("the answer for " + where + " ended after " + (from + b.length) + " of " + to + " bytes",
                            "run again", 0, null);
                }
                return b;
            }
            throw http.streamError(resp, in);
        } catch (java.io.EOFException e) {
            throw new HubException("the answer for " + where + " ended before byte " + to, "run again", 0, null);
        } catch (IOException e) {
            throw new HubException("reading the header of " + where + " failed: " + e.getMessage(), "run again", 0, null);
        }
    }
}
