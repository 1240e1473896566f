package dev.graft.hub.server;

import static dev.graft.hub.server.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.hub.server.store.Hashes;
import dev.graft.hub.protocol.RepoId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Routes of the Git LFS batch API (basic transfer): the batch answer hands out signed upload, verify and
 * download URLs pointing back at this server, and the transfer routes check the signature and move the bytes.
 */
final class LfsRoutes {
    private static final String LFS_JSON = "application/vnd.git-lfs+json";
    private static final long LINK_TTL_SECONDS = 3600;

    private final HubService hub;
    private final HubLimits limits;
    private final byte[] signingKey;

    LfsRoutes(HubService hub, HubLimits limits) {
        this.hub = hub;
        this.limits = limits;
        this.signingKey = hub.signingKey();
    }

    private String sign(String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return Hashes.hex(mac.doFinal(String.join("\n", parts).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private String signedUrl(Exchange ex, String action, RepoId id, String oid, long size, String user) {
        long expires = Instant.now().getEpochSecond() + LINK_TTL_SECONDS;
        String sig = sign(action, id.type().singular(), id.owner(), id.name(), oid, Long.toString(size), Long.toString(expires), user);
        return ex.baseUrl() + "/api/lfs/" + action + "/" + id.type().singular() + "/" + id.owner() + "/" + id.name() + "/" + oid
                + "?size=" + size + "&expires=" + expires + "&user=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&sig=" + sig;
    }

    void batch(Exchange ex, Principal who, RepoId id) throws IOException {
        JsonNode body = ex.jsonBody(who);
        String operation = text(body, "operation");
        boolean upload = "upload".equals(operation);
        if (!upload && !"download".equals(operation)) {
            throw HubError.badRequest("LFS batch 'operation' must be upload or download");
        }
        if (upload) {
            hub.requireWrite(id, who);
        } else {
            hub.readable(id, who);
        }
        String user = who == null ? "" : who.user();
        ArrayNode objects = Exchange.JSON.createArrayNode();
        for (JsonNode o : body.path("objects")) {
            String oid = text(o, "oid");
            long size = o.path("size").asLong(-1);
            ObjectNode n = objects.addObject();
            n.put("oid", oid);
            n.put("size", size);
            if (!Hashes.isSha256(oid) || size < 0) {
                n.putObject("error").put("code", 422).put("message", "oid must be a sha256 and size a byte count");
                continue;
            }
            n.put("authenticated", true);
            if (upload) {
                if (size > limits.maxUploadBytes()) {
                    n.putObject("error").put("code", 413).put("message", "object of " + size + " bytes is over the upload limit of "
                            + limits.maxUploadBytes() + " bytes");
                } else if (!hub.store().hasLfsObject(id, oid, size)) {
                    ObjectNode actions = n.putObject("actions");
                    actions.putObject("upload").put("href", signedUrl(ex, "upload", id, oid, size, user))
                            .put("expires_in", LINK_TTL_SECONDS).putObject("header");
                    actions.putObject("verify").put("href", signedUrl(ex, "verify", id, oid, size, user))
                            .put("expires_in", LINK_TTL_SECONDS).putObject("header");
                }
            } else {
                if (!hub.store().hasLfsObject(id, oid, size)) {
                    n.putObject("error").put("code", 404).put("message", "object " + oid + " not found in " + id);
                } else {
                    // --s3-presign: straight from the blob store (its own expiry), else through this server.
                    java.net.URI presigned = hub.presignedDownload(oid, oid);
                    n.putObject("actions").putObject("download")
                            .put("href", presigned != null ? presigned.toString() : signedUrl(ex, "object", id, oid, size, user))
                            .put("expires_in", presigned != null ? dev.graft.hub.server.store.S3BlobStore.PRESIGN_VALIDITY.toSeconds()
                                    : LINK_TTL_SECONDS).putObject("header");
                }
            }
        }
        ObjectNode out = Exchange.JSON.createObjectNode();
        out.put("transfer", "basic");
        out.set("objects", objects);
        out.put("hash_algo", "sha256");
        ex.send(200, LFS_JSON, Exchange.JSON.writeValueAsBytes(out));
    }

    /** {@code /api/lfs/{upload|verify|object}/{type}/{owner}/{name}/{oid}?size&expires&user&sig}. */
    void transfer(Exchange ex, Principal who, Routes.PathVars path) throws IOException {
        String m = path.method();
        String action = path.get("action");
        RepoId id = path.repo();
        String oid = path.get("oid");
        String size = ex.param("size");
        String expires = ex.param("expires");
        String user = ex.param("user") == null ? "" : ex.param("user");
        String sig = ex.param("sig");
        if (size == null || expires == null || sig == null
                || !java.security.MessageDigest.isEqual(sig.getBytes(StandardCharsets.US_ASCII),
                        sign(action, id.type().singular(), id.owner(), id.name(), oid, size, expires, user).getBytes(StandardCharsets.US_ASCII))) {
            throw HubError.forbidden("invalid LFS transfer signature: ask the batch API for a new URL");
        }
        if (Long.parseLong(expires) < Instant.now().getEpochSecond()) {
            throw HubError.forbidden("this LFS transfer URL has expired: ask the batch API for a new one");
        }
        long expectedSize = Long.parseLong(size);
        // The signature says who the link was handed to; access is checked again now, so a link handed out
        // while the repository was public stops working once it is private (and a deleted one 404s).
        Principal holder = user.isEmpty() ? null : new Principal(user, "signed-url", true);
        hub.readable(id, holder);
        if (!action.equals("object")) {
            hub.requireWriteNamespace(id.owner(), holder);
        }
        switch (action) {
            case "upload" -> {
                if (!m.equals("PUT")) {
                    throw new HubError(405, null, "LFS uploads use PUT");
                }
                if (expectedSize > limits.maxUploadBytes()) {
                    throw HubError.tooLarge("object of " + expectedSize + " bytes is over the upload limit of " + limits.maxUploadBytes());
                }
                // Always receive and check the bytes, even when the shared store has them already:
                // a repository gets an object only by proving it has the content.
                try (InputStream in = ex.body(expectedSize + 1, "an upload may not be longer than the size it was announced with")) {
                    hub.store().blobs().put(in, oid, expectedSize);
                }
                hub.store().markLfsObject(id, oid);
                ex.setHeader("ETag", "\"" + oid + "\"");
                ex.sendEmpty(200);
            }
            case "verify" -> {
                JsonNode body = ex.jsonBody(who);
                String vOid = text(body, "oid") == null ? oid : text(body, "oid");
                long vSize = body.path("size").asLong(expectedSize);
                if (!vOid.equals(oid) || !hub.store().hasLfsObject(id, oid, vSize)) {
                    throw HubError.notFound(null, "object " + oid + " of " + vSize + " bytes was not uploaded");
                }
                ex.send(200, LFS_JSON, "{}".getBytes(StandardCharsets.UTF_8));
            }
            case "object" -> {
                if (!m.equals("GET")) {
                    throw new HubError(405, null, "LFS downloads use GET");
                }
                if (!hub.store().hasLfsObject(id, oid, expectedSize)) {
                    throw HubError.notFound(null, "object " + oid + " not found");
                }
                ex.status(200);
                ex.setHeader("Content-Type", "application/octet-stream");
                ex.sendBlob(hub.store().blobs(), oid, 0, expectedSize);
            }
            default -> throw HubError.notFound(null, "no such LFS transfer action '" + action + "'");
        }
    }
}
