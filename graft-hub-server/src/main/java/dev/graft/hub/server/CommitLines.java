package dev.graft.hub.server;

import static dev.graft.hub.server.Requests.decodeContent;
import static dev.graft.hub.server.Requests.text;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.server.store.BlobStore;
import dev.graft.hub.server.store.CommitOp;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.Hashes;
import dev.graft.hub.protocol.RepoPaths;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the NDJSON body of a commit one line at a time, streaming: a file's base64 {@code content} is
 * decoded straight into the blob store as it arrives, so a commit never holds a file (nor its line) in
 * memory; every other value is small (strings up to {@link #MAX_STRING} characters).
 *
 * <pre>{@code
 * CommitLines lines = new CommitLines(body, blobs);
 * for (CommitLines.Line l; (l = lines.next()) != null; ) { ... l.key(), l.value(), l.content() ... }
 * }</pre>
 */
final class CommitLines {
    /** Longest string other than a file's content (paths, summaries, descriptions). */
    static final int MAX_STRING = 1 << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING).build()).build());
    // Padding is optional (as with Java's basic decoder); anything else is checked in contentTo.
    private static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS
            .withReadPadding(Base64Variant.PaddingReadBehaviour.PADDING_ALLOWED);

    /**
     * One operation line.
     *
     * @param number the line it starts on (for messages)
     * @param key {@code header}, {@code file}, ...; {@code null} when absent
     * @param value its fields, without {@code content}
     * @param content where a base64 {@code content} was stored, or {@code null}
     */
    record Line(int number, String key, JsonNode value, BlobStore.Stored content) {}

    /**
     * A whole commit body, decoded: its header and operations. Whether the LFS objects it names were
     * uploaded and whether its card is valid is {@link HubService#commit}'s to check.
     */
    record Request(String title, String description, String parent, List<CommitOp> ops) {}

    private final InputStream body;
    private final BlobStore blobs;
    private JsonParser parser;

    CommitLines(InputStream body, BlobStore blobs) {
        this.body = body;
        this.blobs = blobs;
    }

    /**
     * Reads a commit body to its end: a header line, then {@code file}, {@code lfsFile}, {@code deletedFile}
     * and {@code deletedFolder} lines; 400 for a malformed line, path or operation.
     */
    static Request read(InputStream body, BlobStore blobs) throws IOException {
        String title = null;
        String description = "";
        String parent = null;
        boolean sawHeader = false;
        List<CommitOp> ops = new ArrayList<>();
        CommitLines lines = new CommitLines(body, blobs);
        for (Line line; (line = lines.next()) != null; ) {
            int number = line.number();
            String key = line.key();
            JsonNode value = line.value();
            if (key == null) {
                throw HubError.badRequest("commit line " + number + " has no 'key' (header, file, lfsFile, deletedFile, deletedFolder)");
            }
            if (!sawHeader && !key.equals("header")) {
                throw HubError.badRequest("the first line of a commit must be the header: {\"key\":\"header\",\"value\":{\"summary\":...}}");
            }
            switch (key) {
                case "header" -> {
                    sawHeader = true;
                    title = text(value, "summary");
                    description = text(value, "description") == null ? "" : text(value, "description");
                    parent = text(value, "parentCommit");
                }
                case "file" -> {
                    String path = RepoPaths.checkFile(text(value, "path"));
                    BlobStore.Stored stored = line.content();
                    if (stored == null) {
                        stored = blobs.putStreamed(out -> out.write(decodeContent(value)));
                    }
                    ops.add(new CommitOp.Put(new FileEntry(path, stored.size(), stored.sha256(), stored.gitOid(), false)));
                }
                case "lfsFile" -> {
                    String path = RepoPaths.checkFile(text(value, "path"));
                    String algo = text(value, "algo");
                    if (algo != null && !algo.equals("sha256")) {
                        throw HubError.badRequest("lfsFile " + path + ": algo must be sha256");
                    }
                    String oid = text(value, "oid");
                    if (!Hashes.isSha256(oid)) {
                        throw HubError.badRequest("lfsFile " + path + ": oid must be a sha256 (64 hex digits)");
                    }
                    ops.add(new CommitOp.Put(FileEntry.lfsFile(path, oid, value.path("size").asLong(-1))));
                }
                case "deletedFile" -> ops.add(new CommitOp.Delete(RepoPaths.checkFile(text(value, "path"))));
                case "deletedFolder" -> {
                    String path = text(value, "path");
                    ops.add(new CommitOp.DeleteFolder(RepoPaths.checkFile(path != null && path.endsWith("/")
                            ? path.substring(0, path.length() - 1) : path)));
                }
                default -> throw HubError.badRequest("unknown commit operation '" + key
                        + "': use header, file, lfsFile, deletedFile or deletedFolder");
            }
        }
        if (!sawHeader) {
            throw HubError.badRequest("empty commit: send a header line and at least one operation");
        }
        return new Request(title, description, parent, ops);
    }

    /** The next line, or {@code null} at the end of the body; 400 for malformed JSON or base64. */
    Line next() throws IOException {
        int number = 0;
        try {
            if (parser == null) {
                parser = MAPPER.getFactory().createParser(body); // reads the first bytes to guess the encoding
            }
            JsonToken t = parser.nextToken();
            number = parser.currentTokenLocation().getLineNr();
            if (t == null) {
                return null;
            }
            if (t != JsonToken.START_OBJECT) {
                throw HubError.badRequest("commit line " + number + " is not a JSON object {\"key\": ..., \"value\": {...}}");
            }
            String key = null;
            ObjectNode value = MAPPER.createObjectNode();
            BlobStore.Stored content = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken v = parser.nextToken();
                if (field.equals("key")) {
                    key = v == JsonToken.VALUE_STRING ? parser.getText() : null;
                } else if (field.equals("value") && v == JsonToken.START_OBJECT) {
                    content = readValue(value, number);
                } else {
                    parser.skipChildren();
                }
            }
            return new Line(number, key, value, content);
        } catch (JsonProcessingException e) {
            throw HubError.badRequest("commit line " + Math.max(number, 1) + " is not valid JSON: " + e.getOriginalMessage());
        } catch (CharConversionException e) {
            // Jackson guesses UTF-16/32 from the first bytes; invalid characters in that encoding are the client's error too.
            throw HubError.badRequest("commit line " + Math.max(number, 1) + " is not valid JSON text (" + e.getMessage()
                    + "): send UTF-8");
        }
    }

    private BlobStore.Stored readValue(ObjectNode value, int number) throws IOException {
        BlobStore.Stored content = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken v = parser.nextToken();
            // Clients send content before encoding; without an encoding so far it is base64, the Hub's only one.
            boolean base64 = !value.has("encoding") || value.get("encoding").asText().equalsIgnoreCase("base64");
            if (field.equals("content") && v == JsonToken.VALUE_STRING && base64) {
                content = blobs.putStreamed(out -> contentTo(out, value, number));
            } else {
                value.set(field, parser.readValueAsTree());
            }
        }
        if (content != null && value.has("encoding") && !value.get("encoding").asText().equalsIgnoreCase("base64")) {
            throw HubError.badRequest("commit line " + number + ": 'encoding' " + quoted(value.get("encoding").asText())
                    + " comes after 'content', which was read as base64; put 'encoding' first, or send base64");
        }
        return content;
    }

    /** Decodes the current string token as base64 into {@code out}, strictly (RFC 4648, no whitespace or escapes). */
    private void contentTo(java.io.OutputStream out, JsonNode value, int number) throws IOException {
        long start = parser.currentTokenLocation().getByteOffset();
        long decoded;
        try {
            decoded = parser.readBinaryValue(BASE64, out);
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw notBase64(value, number, e.getMessage());
        }
        // The decoder allows whitespace between 4-character groups and padding inside: count what was sent.
        long chars = parser.currentLocation().getByteOffset() - start - 2;
        long full = decoded / 3;
        int rest = (int) (decoded % 3);
        long padded = 4 * (full + (rest == 0 ? 0 : 1));
        long unpadded = 4 * full + (rest == 0 ? 0 : rest + 1);
        if (chars != padded && chars != unpadded) {
            throw notBase64(value, number, "it holds characters other than the base64 alphabet and final '=' padding");
        }
    }

    private static HubError notBase64(JsonNode value, int number, String why) {
        String path = value.path("path").asText("");
        return HubError.badRequest("content " + (path.isEmpty() ? "on commit line " + number : "of " + quoted(path))
                + " is not valid base64 (" + (why == null ? "malformed" : why.lines().findFirst().orElse(why))
                + "): send the standard alphabet A-Z a-z 0-9 + /, '=' padding only at the end, no line breaks or escapes");
    }

    private static String quoted(String s) {
        return "'" + RepoId.printable(s) + "'";
    }
}
