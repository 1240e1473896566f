package dev.graft.hub.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.hub.protocol.RepoId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * What the route handlers share to read requests (JSON fields, strict JSON and base64, flags and
 * whole numbers) and to write answers (the Hub's date format).
 */
final class Requests {
    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Requests() {}

    /** Parses a JSON body; 400 for malformed JSON and for bytes that are no valid text in the encoding Jackson detects. */
    static JsonNode parseJson(byte[] body) throws IOException {
        try {
            return Exchange.JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw HubError.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.CharConversionException e) {
            throw HubError.badRequest("the request body is not valid JSON text (" + e.getMessage() + "): send UTF-8");
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static boolean isTrue(String v) {
        return v != null && (v.equalsIgnoreCase("true") || v.equals("1"));
    }

    static int parseInt(String v, int fallback, String name) {
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw HubError.badRequest(name + " must be a whole number, got '" + v + "'");
        }
    }

    /**
     * Decodes base64 strictly (RFC 4648 alphabet, padding only at the end, no other characters): a lenient
     * decoder skips what it does not know and would store a different file than was sent.
     */
    static byte[] strictBase64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw HubError.badRequest(what + " is not valid base64 (" + e.getMessage()
                    + "): send the standard alphabet A-Z a-z 0-9 + /, '=' padding only at the end, no line breaks");
        }
    }

    static byte[] decodeContent(JsonNode file) {
        String content = text(file, "content");
        if (content == null) {
            throw HubError.badRequest("file " + text(file, "path") + " has no 'content'");
        }
        String encoding = text(file, "encoding");
        if (encoding == null || encoding.equalsIgnoreCase("base64")) {
            return strictBase64(content, "content of " + RepoId.printable(text(file, "path")));
        }
        if (encoding.equalsIgnoreCase("utf-8") || encoding.equalsIgnoreCase("utf8")) {
            return content.getBytes(StandardCharsets.UTF_8);
        }
        throw HubError.badRequest("unknown encoding '" + encoding + "' of " + text(file, "path") + ": use base64");
    }
}
